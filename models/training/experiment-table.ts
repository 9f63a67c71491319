/**
 * An experiment's table, one row per cell, as CSV (RFC 4180) and Markdown.
 * Metrics are the cells' test metrics (the held-out test part of the one
 * split every cell shares); empty where a cell has not succeeded.
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
}

const COLUMNS: (keyof TableRow)[] = ["cell", "run", "status", "reference", "learner", "modality", "features", "imageZoom", "spectrumZoom", "r2", "mae", "rmse", "nmad", "coverage1Sigma", "cvR2Mean", "cvR2Std", "cvRmseStd", "testCount", "trainSeconds", "testEvaluations", "metricsFromTest", "sameSplit", "studies"];

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function tableRows(cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): TableRow[] {
  return cells.map(({ cell, run }, i) => {
    const checked = protocol?.cells[i] ?? null;
    const m = run.status === "SUCCEEDED" ? (run.metrics ?? {}) : {};
    const cv = run.status === "SUCCEEDED" ? (run.cv ?? {}) : {};
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
    };
  });
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function experimentCsv(cells: readonly CellRecord[], protocol: ExperimentProtocol | null = null): string {
  const lines = [COLUMNS.join(",")];
  for (const row of tableRows(cells, protocol)) lines.push(COLUMNS.map((c) => csvField(row[c])).join(","));
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
    "",
  ];
  if (protocol) head.push(...protocolMarkdown(protocol));
  const rows = tableRows(cells, protocol);
  const lines = [`| ${COLUMNS.join(" | ")} |`, `| ${COLUMNS.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${COLUMNS.map((c) => mdField(row[c], c)).join(" | ")} |`);
  return [...head, ...lines, ""].join("\n");
}
