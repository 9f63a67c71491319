/**
 * An experiment's table, one row per cell, as CSV (RFC 4180) and Markdown.
 * Metrics are the cells' test metrics (the held-out test part of the one
 * split every cell shares); empty where a cell has not succeeded.
 *
 * When a cell is a GATED CNN, the table also has a `fusion` column (CONCAT
 * or GATED for CNN EARLY_FUSION cells) and the gate's image weight on the
 * test galaxies (`gateImageMean`, `gateImageP16`, `gateImageP50`,
 * `gateImageP84`; the spectrum's weight is 1 − the image's); other tables
 * keep their columns.
 *
 * A classification experiment (target CLASS; its cells are classifiers) has
 * classification columns in place of the regression ones: the test part's
 * accuracy, balanced accuracy, macro F1, Brier score, log loss, expected
 * calibration error, each class's recall (`recall_GALAXY` …) and the
 * confusion matrix (JSON, rows = true class, columns = predicted, in the
 * order of CLASS_NAMES), then the CV means and spreads (accuracy, balanced
 * accuracy, macro F1, log loss) — what `ExperimentCell.classification` and
 * `classificationCv` hold. Regression tables are as they were.
 */
import type { CellRecord, ExperimentRecord } from "../store/experiments.js";
import type { ExperimentProtocol } from "./experiment-protocol.js";
import { CLASS_NAMES, isClassification, TARGETS, targetOf } from "./target.js";

/** A row: the regression columns (r2 … cvRmseStd) or, in a classification table, the classification ones. */
export interface TableRow extends Partial<ClassificationColumns> {
  cell: number;
  run: string;
  status: string;
  reference: string;
  learner: string;
  modality: string;
  features: string;
  imageZoom: number | null;
  spectrumZoom: number | null;
  r2?: number | null;
  mae?: number | null;
  rmse?: number | null;
  nmad?: number | null;
  coverage1Sigma?: number | null;
  cvR2Mean?: number | null;
  cvR2Std?: number | null;
  cvRmseStd?: number | null;
  testCount: number | null;
  trainSeconds: number | null;
  /** Protocol (./experiment-protocol.ts): test evaluations recorded, metrics recomputed from the test predictions, the shared split. */
  testEvaluations: number | null;
  metricsFromTest: boolean | null;
  sameSplit: boolean | null;
  studies: string;
  fusion?: string;
  gateImageMean?: number | null;
  gateImageP16?: number | null;
  gateImageP50?: number | null;
  gateImageP84?: number | null;
}

type Recall = `recall_${(typeof CLASS_NAMES)[number]}`;

/** A classifier cell's test metrics and CV (TrainingRun.classification, classificationCv). */
export type ClassificationColumns = {
  accuracy: number | null;
  balancedAccuracy: number | null;
  macroF1: number | null;
  brierScore: number | null;
  logLoss: number | null;
  expectedCalibrationError: number | null;
  /** JSON [[…], …]: confusion[true][predicted], classes in CLASS_NAMES order. */
  confusion: string | null;
  cvAccuracyMean: number | null;
  cvAccuracyStd: number | null;
  cvBalancedAccuracyMean: number | null;
  cvBalancedAccuracyStd: number | null;
  cvMacroF1Mean: number | null;
  cvMacroF1Std: number | null;
  cvLogLossMean: number | null;
  cvLogLossStd: number | null;
} & Record<Recall, number | null>;

const HEAD: (keyof TableRow)[] = ["cell", "run", "status", "reference", "learner", "modality", "features", "imageZoom", "spectrumZoom"];
const TAIL: (keyof TableRow)[] = ["testCount", "trainSeconds", "testEvaluations", "metricsFromTest", "sameSplit", "studies"];
const REGRESSION: (keyof TableRow)[] = ["r2", "mae", "rmse", "nmad", "coverage1Sigma", "cvR2Mean", "cvR2Std", "cvRmseStd"];
const RECALLS = CLASS_NAMES.map((c) => `recall_${c}` as Recall);
const CLASSIFICATION: (keyof TableRow)[] = [
  "accuracy", "balancedAccuracy", "macroF1", "brierScore", "logLoss", "expectedCalibrationError", ...RECALLS, "confusion",
  "cvAccuracyMean", "cvAccuracyStd", "cvBalancedAccuracyMean", "cvBalancedAccuracyStd", "cvMacroF1Mean", "cvMacroF1Std", "cvLogLossMean", "cvLogLossStd",
];
const COLUMNS: (keyof TableRow)[] = [...HEAD, ...REGRESSION, ...TAIL];
const CLASSIFICATION_COLUMNS: (keyof TableRow)[] = [...HEAD, ...CLASSIFICATION, ...TAIL];

/** Whether the table is a classification experiment's (its cells share the target, so the first says). */
export function isClassificationTable(cells: readonly CellRecord[]): boolean {
  return cells.length > 0 && isClassification(cells[0].run.input ?? {});
}

const FUSION_COLUMNS: (keyof TableRow)[] = ["fusion", "gateImageMean", "gateImageP16", "gateImageP50", "gateImageP84"];

const hasGatedCell = (cells: readonly CellRecord[]) => cells.some(({ cell }) => cell.fusion === "GATED");

/** The columns of a table over `cells`: regression or classification metrics; the gate's after `modality` when some cell is GATED. */
function columnsOf(cells: readonly CellRecord[]): (keyof TableRow)[] {
  const columns = isClassificationTable(cells) ? CLASSIFICATION_COLUMNS : COLUMNS;
  if (!hasGatedCell(cells)) return columns;
  const at = columns.indexOf("modality") + 1;
  return [...columns.slice(0, at), ...FUSION_COLUMNS, ...columns.slice(at)];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

interface StoredClassification {
  count?: number;
  classes?: string[];
  accuracy?: number;
  balancedAccuracy?: number;
  macroF1?: number;
  brierScore?: number;
  logLoss?: number;
  expectedCalibrationError?: number;
  confusion?: number[][];
  perClass?: { className: string; recall: number | null }[];
}

/** A classifier cell's columns from its run's stored report (`metrics.classification`, and `cv` = the classification CV); empty until it has succeeded. */
function classificationColumns(metrics: Record<string, unknown>, cv: Record<string, unknown>): ClassificationColumns {
  const m = (metrics.classification ?? {}) as StoredClassification;
  const recall = Object.fromEntries(RECALLS.map((column, k) => [column, num(m.perClass?.find((c) => c.className === CLASS_NAMES[k])?.recall)])) as Record<Recall, number | null>;
  return {
    accuracy: num(m.accuracy),
    balancedAccuracy: num(m.balancedAccuracy),
    macroF1: num(m.macroF1),
    brierScore: num(m.brierScore),
    logLoss: num(m.logLoss),
    expectedCalibrationError: num(m.expectedCalibrationError),
    ...recall,
    confusion: Array.isArray(m.confusion) ? JSON.stringify(m.confusion) : null,
    cvAccuracyMean: num(cv.accuracyMean),
    cvAccuracyStd: num(cv.accuracyStd),
    cvBalancedAccuracyMean: num(cv.balancedAccuracyMean),
    cvBalancedAccuracyStd: num(cv.balancedAccuracyStd),
    cvMacroF1Mean: num(cv.macroF1Mean),
    cvMacroF1Std: num(cv.macroF1Std),
    cvLogLossMean: num(cv.logLossMean),
    cvLogLossStd: num(cv.logLossStd),
  };
}

export function tableRows(cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): TableRow[] {
  const gated = hasGatedCell(cells);
  const classification = isClassificationTable(cells);
  return cells.map(({ cell, run }, i) => {
    const checked = protocol?.cells[i] ?? null;
    const m = run.status === "SUCCEEDED" ? (run.metrics ?? {}) : {};
    const cv = run.status === "SUCCEEDED" ? (run.cv ?? {}) : {};
    const gate = (m as { fusionWeights?: Record<string, unknown> }).fusionWeights ?? {};
    const fusion = gated
      ? {
          fusion: cell.learner === "CNN" && cell.modality === "EARLY_FUSION" ? (cell.fusion ?? "CONCAT") : "",
          gateImageMean: num(gate.imageMean),
          gateImageP16: num(gate.imageP16),
          gateImageP50: num(gate.imageP50),
          gateImageP84: num(gate.imageP84),
        }
      : {};
    return {
      cell: i + 1,
      run: run.id,
      status: run.status,
      reference: cell.reference ?? "",
      learner: cell.learner,
      modality: cell.modality,
      features: cell.features,
      imageZoom: cell.imageZoom,
      spectrumZoom: cell.spectrumZoom,
      ...(classification
        ? classificationColumns(m, cv)
        : {
            r2: num(m.r2),
            mae: num(m.mae),
            rmse: num(m.rmse),
            nmad: num(m.nmad),
            coverage1Sigma: num(m.coverage1Sigma),
            cvR2Mean: num(cv.r2Mean),
            cvR2Std: num(cv.r2Std),
            cvRmseStd: num(cv.rmseStd),
          }),
      testCount: num(classification ? ((m.classification ?? {}) as StoredClassification).count : m.count),
      trainSeconds: num((run.timings ?? {}).trainSeconds),
      testEvaluations: checked?.testEvaluations ?? null,
      metricsFromTest: checked?.metricsFromTest ?? null,
      sameSplit: checked?.sameSplit ?? null,
      studies: cell.studies.join("; "),
      ...fusion,
    };
  });
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function experimentCsv(cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): string {
  const columns = columnsOf(cells);
  const lines = [columns.join(",")];
  for (const row of tableRows(cells, protocol)) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

function mdField(v: unknown, column: keyof TableRow): string {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v === "number" && !Number.isInteger(v)) return column === "trainSeconds" ? v.toFixed(1) : v.toFixed(3);
  return String(v).replaceAll("|", "\\|");
}

const yesNo = (v: boolean | null, unknown: string) => (v === null ? unknown : v ? "yes" : "NO");

/** The protocol checks as Markdown lines (`classification`: the CV spread is in the classification columns). */
export function protocolMarkdown(p: ExperimentProtocol, classification = false): string[] {
  const lines = ["Protocol checks:", ""];
  if (p.split) {
    lines.push(`- no galaxy in two of train/validation/test: ${yesNo(p.split.disjointIds, "?")}`);
    lines.push(`- no object (repeats within ${p.split.radiusArcsec}″) in two of them: ${yesNo(p.split.disjointObjects, "?")}${p.split.missingPositions ? ` (${p.split.missingPositions} galaxies no longer in the catalogue, not checked)` : ""}`);
  } else lines.push("- split: none yet (no cell has succeeded)");
  lines.push(`- the test part touched once (one test evaluation per cell, nothing before it read a test row): ${yesNo(p.testTouchedOnce, "not recorded for every cell")}`);
  lines.push(`- test metrics recomputed from the stored predictions of exactly the test galaxies: ${yesNo(p.metricsFromTest, "?")}`);
  lines.push(`- every cell on the same split: ${yesNo(p.sameSplitForEveryCell, "?")}`);
  lines.push(`- cells checked: ${p.cellsChecked}; CV spread per cell in ${classification ? "cvAccuracyStd, cvBalancedAccuracyStd, cvMacroF1Std and cvLogLossStd" : "cvR2Std and cvRmseStd"}`);
  for (const problem of p.problems) lines.push(`- PROBLEM: ${problem}`);
  lines.push("");
  return lines;
}

/** What the metrics are in, for the Markdown head: the target's unit, or how a classifier is scored. */
function metricsUnit(cells: readonly CellRecord[]): string {
  const target = cells.length > 0 ? targetOf(cells[0].run.input ?? {}) : "SFR";
  if (target === "SFR") return "log10 SFR, dex";
  if (target === "REDSHIFT") return "catalogue redshift, in z";
  return `${TARGETS.CLASS.predicts}; the predicted class is the most probable; recall_* per class; confusion[true][predicted] in the order ${CLASS_NAMES.join(", ")}`;
}

export function experimentMarkdown(experiment: ExperimentRecord, cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): string {
  const split = experiment.split;
  const head = [
    `# Experiment ${experiment.id}`,
    "",
    `Status ${experiment.status}, progress ${(experiment.progress * 100).toFixed(0)} %, seed ${experiment.seed}` +
      (split ? `; one split for every cell: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test galaxies${split.sameForEveryCell ? "" : " (WARNING: the cells' splits differ)"}` : "") +
      `. Metrics are on the held-out test part (${metricsUnit(cells)}).`,
    ...(hasGatedCell(cells)
      ? ["", "GATED cells: `gateImage*` is the learned gate's weight of the image on the test galaxies (mean, 16th, 50th, 84th percentile; the spectrum's weight is 1 − it; 0.5 = both heard equally)."]
      : []),
    "",
  ];
  if (protocol) head.push(...protocolMarkdown(protocol, isClassificationTable(cells)));
  const columns = columnsOf(cells);
  const rows = tableRows(cells, protocol);
  const lines = [`| ${columns.join(" | ")} |`, `| ${columns.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${columns.map((c) => mdField(row[c], c)).join(" | ")} |`);
  return [...head, ...lines, ""].join("\n");
}
