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
 */
import type { CellRecord, ExperimentRecord } from "../store/experiments.js";
import type { ExperimentProtocol } from "./experiment-protocol.js";

export interface TableRow {
  cell: number;
  run: string;
  status: string;
  reference: string;
  learner: string;
  modality: string;
  features: string;
  imageZoom: number | null;
  spectrumZoom: number | null;
  r2: number | null;
  mae: number | null;
  rmse: number | null;
  nmad: number | null;
  coverage1Sigma: number | null;
  cvR2Mean: number | null;
  cvR2Std: number | null;
  cvRmseStd: number | null;
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

const COLUMNS: (keyof TableRow)[] = ["cell", "run", "status", "reference", "learner", "modality", "features", "imageZoom", "spectrumZoom", "r2", "mae", "rmse", "nmad", "coverage1Sigma", "cvR2Mean", "cvR2Std", "cvRmseStd", "testCount", "trainSeconds", "testEvaluations", "metricsFromTest", "sameSplit", "studies"];

const FUSION_COLUMNS: (keyof TableRow)[] = ["fusion", "gateImageMean", "gateImageP16", "gateImageP50", "gateImageP84"];

const hasGatedCell = (cells: readonly CellRecord[]) => cells.some(({ cell }) => cell.fusion === "GATED");

/** The columns of a table over `cells`: the gate's after `modality` when some cell is GATED. */
function columnsOf(cells: readonly CellRecord[]): (keyof TableRow)[] {
  if (!hasGatedCell(cells)) return COLUMNS;
  const at = COLUMNS.indexOf("modality") + 1;
  return [...COLUMNS.slice(0, at), ...FUSION_COLUMNS, ...COLUMNS.slice(at)];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function tableRows(cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): TableRow[] {
  const gated = hasGatedCell(cells);
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
      r2: num(m.r2),
      mae: num(m.mae),
      rmse: num(m.rmse),
      nmad: num(m.nmad),
      coverage1Sigma: num(m.coverage1Sigma),
      cvR2Mean: num(cv.r2Mean),
      cvR2Std: num(cv.r2Std),
      cvRmseStd: num(cv.rmseStd),
      testCount: num(m.count),
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

/** The protocol checks as Markdown lines. */
export function protocolMarkdown(p: ExperimentProtocol): string[] {
  const lines = ["Protocol checks:", ""];
  if (p.split) {
    lines.push(`- no galaxy in two of train/validation/test: ${yesNo(p.split.disjointIds, "?")}`);
    lines.push(`- no object (repeats within ${p.split.radiusArcsec}″) in two of them: ${yesNo(p.split.disjointObjects, "?")}${p.split.missingPositions ? ` (${p.split.missingPositions} galaxies no longer in the catalogue, not checked)` : ""}`);
  } else lines.push("- split: none yet (no cell has succeeded)");
  lines.push(`- the test part touched once (one test evaluation per cell, nothing before it read a test row): ${yesNo(p.testTouchedOnce, "not recorded for every cell")}`);
  lines.push(`- test metrics recomputed from the stored predictions of exactly the test galaxies: ${yesNo(p.metricsFromTest, "?")}`);
  lines.push(`- every cell on the same split: ${yesNo(p.sameSplitForEveryCell, "?")}`);
  lines.push(`- cells checked: ${p.cellsChecked}; CV spread per cell in cvR2Std and cvRmseStd`);
  for (const problem of p.problems) lines.push(`- PROBLEM: ${problem}`);
  lines.push("");
  return lines;
}

export function experimentMarkdown(experiment: ExperimentRecord, cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): string {
  const split = experiment.split;
  const head = [
    `# Experiment ${experiment.id}`,
    "",
    `Status ${experiment.status}, progress ${(experiment.progress * 100).toFixed(0)} %, seed ${experiment.seed}` +
      (split ? `; one split for every cell: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test galaxies${split.sameForEveryCell ? "" : " (WARNING: the cells' splits differ)"}` : "") +
      ". Metrics are on the held-out test part (log10 SFR, dex).",
    ...(hasGatedCell(cells)
      ? ["", "GATED cells: `gateImage*` is the learned gate's weight of the image on the test galaxies (mean, 16th, 50th, 84th percentile; the spectrum's weight is 1 − it; 0.5 = both heard equally)."]
      : []),
    "",
  ];
  if (protocol) head.push(...protocolMarkdown(protocol));
  const columns = columnsOf(cells);
  const rows = tableRows(cells, protocol);
  const lines = [`| ${columns.join(" | ")} |`, `| ${columns.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${columns.map((c) => mdField(row[c], c)).join(" | ")} |`);
  return [...head, ...lines, ""].join("\n");
}
