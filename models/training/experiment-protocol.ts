/**
 * The protocol checks an experiment reports, computed from what is stored:
 *
 * - the shared split: no galaxy id, and no object (repeat observations
 *   within 1″, sky/cross-match.ts), in two of train / validation / test;
 * - the test part touched once: every cell recorded one test evaluation and
 *   no step before it that read a test row (models/evaluation/protocol.ts),
 *   and its stored test metrics are recomputed from its stored predictions
 *   of exactly the test galaxies;
 * - every cell on the same split;
 * - the CV spread (standard deviation over the folds) of every cell.
 *
 * Cells trained before the run recorded its test evaluations report
 * `testEvaluations: null` (not recorded); the recomputation still applies.
 */
import type { Sql } from "../../db/database.js";
import { checkSplitDisjoint, type SplitCheck, type TestTouchRecord } from "../evaluation/protocol.js";
import { regressionMetrics } from "../evaluation/metrics.js";
import { classificationMetrics, type ClassificationMetrics } from "../evaluation/classification-metrics.js";
import { CLASS_NAMES, targetOf } from "./target.js";
import { galaxyPositions, storedPredictionsWithLabels, type CellRecord, type ExperimentRecord } from "../store/experiments.js";

/** Stored and recomputed metrics may differ by float rounding only. */
const METRIC_TOLERANCE = 1e-9;

export interface CellProtocol {
  /** Test evaluations the run recorded (1 when honest); null when not recorded (older runs) or not SUCCEEDED. */
  testEvaluations: number | null;
  /** Steps before the test evaluation that read a test row (empty when honest). */
  stepsTouchingTestBefore: string[];
  /** Whether the stored test metrics equal those recomputed from the stored predictions of exactly the test galaxies; null when not SUCCEEDED. */
  metricsFromTest: boolean | null;
  /** Whether this cell's split is the experiment's. null when not SUCCEEDED. */
  sameSplit: boolean | null;
  cvFolds: number | null;
  cvR2Std: number | null;
  cvRmseStd: number | null;
}

export interface ExperimentProtocol {
  split: SplitCheck | null;
  /** Every SUCCEEDED cell evaluated the test part once, nothing before it read a test row; null when some cell did not record it. */
  testTouchedOnce: boolean | null;
  metricsFromTest: boolean | null;
  sameSplitForEveryCell: boolean | null;
  cellsChecked: number;
  /** Every check that could be made passed. */
  passed: boolean;
  /** What failed, one line each. */
  problems: string[];
  cells: CellProtocol[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

type StoredSplit = { train: string[]; validation: string[]; test: string[] };
const splitKey = (s: StoredSplit) => JSON.stringify([s.train, s.validation, s.test]);

/**
 * A classifier's stored test metrics against those recomputed from its stored
 * probabilities (stored as real: the counts exactly, Brier score to 1e-5).
 */
function sameClassification(m: ClassificationMetrics, stored: { label: number; classProbabilities: number[] | null }[]): boolean {
  if (stored.some((r) => !r.classProbabilities || r.label < 0)) return false;
  const again = classificationMetrics(stored.map((r) => r.label), stored.flatMap((r) => r.classProbabilities!), [...CLASS_NAMES]);
  return JSON.stringify(again.confusion) === JSON.stringify(m.confusion) && Math.abs(again.accuracy - m.accuracy) <= METRIC_TOLERANCE &&
    Math.abs(again.balancedAccuracy - m.balancedAccuracy) <= METRIC_TOLERANCE && Math.abs(again.macroF1 - m.macroF1) <= METRIC_TOLERANCE &&
    Math.abs(again.brierScore - m.brierScore) <= 1e-5;
}

export async function experimentProtocol(sql: Sql, experiment: ExperimentRecord, cells: readonly CellRecord[]): Promise<ExperimentProtocol> {
  const problems: string[] = [];
  const split = experiment.split;
  let splitCheck: SplitCheck | null = null;
  if (split) {
    const ids = [...split.train, ...split.validation, ...split.test];
    splitCheck = checkSplitDisjoint(split, await galaxyPositions(sql, ids));
    if (!splitCheck.disjointIds) problems.push(`galaxies in two parts of the split: ${splitCheck.sharedIds.slice(0, 10).join(", ")}`);
    if (!splitCheck.disjointObjects) problems.push(`objects (within ${splitCheck.radiusArcsec}″) in two parts of the split: ${splitCheck.sharedObjects.slice(0, 5).map((p) => p.join(" ~ ")).join("; ")}`);
  }
  const out: CellProtocol[] = [];
  for (const { run } of cells) {
    const cv = run.cv ?? {};
    const base = { cvFolds: num(cv.folds), cvR2Std: num(cv.r2Std), cvRmseStd: num(cv.rmseStd) };
    if (run.status !== "SUCCEEDED") {
      out.push({ testEvaluations: null, stepsTouchingTestBefore: [], metricsFromTest: null, sameSplit: null, cvFolds: null, cvR2Std: null, cvRmseStd: null });
      continue;
    }
    const metrics = run.metrics ?? {};
    const recorded = (metrics.protocol as TestTouchRecord | undefined) ?? null;
    const own = run.split as StoredSplit | null;
    const sameSplit = own !== null && split !== null && splitKey(own) === splitKey(split);
    if (!sameSplit) problems.push(`run ${run.id}: its split is not the experiment's`);
    let metricsFromTest: boolean | null = null;
    if (own && run.predictorId) {
      const stored = await storedPredictionsWithLabels(sql, run.predictorId, own.test, targetOf(run.input));
      const classification = metrics.classification as ClassificationMetrics | undefined;
      if (classification) {
        metricsFromTest = stored.length === own.test.length && classification.count === own.test.length && sameClassification(classification, stored);
      } else {
        const again = regressionMetrics(stored.map((r) => r.label), stored.map((r) => r.value));
        metricsFromTest = stored.length === own.test.length && num(metrics.count) === own.test.length &&
          (["r2", "mae", "rmse", "nmad"] as const).every((k) => {
            const a = num(metrics[k]);
            const b = num(again[k]);
            return a === null ? b === null : b !== null && Math.abs(a - b) <= METRIC_TOLERANCE;
          });
      }
      if (!metricsFromTest) problems.push(`run ${run.id}: its test metrics are not those of its stored predictions of the ${own.test.length} test galaxies`);
    }
    if (recorded) {
      if (recorded.testEvaluations !== 1) problems.push(`run ${run.id}: the test part was evaluated ${recorded.testEvaluations} times`);
      if (recorded.stepsTouchingTestBefore.length > 0) problems.push(`run ${run.id}: test galaxies read before the test evaluation by ${recorded.stepsTouchingTestBefore.join(", ")}`);
    }
    out.push({ testEvaluations: recorded ? recorded.testEvaluations : null, stepsTouchingTestBefore: recorded ? recorded.stepsTouchingTestBefore : [], metricsFromTest, sameSplit, ...base });
  }
  const succeeded = out.filter((c, i) => cells[i].run.status === "SUCCEEDED");
  const all = (values: (boolean | null)[]): boolean | null => (values.length === 0 || values.some((v) => v === null) ? (values.some((v) => v === false) ? false : null) : values.every(Boolean));
  const testTouchedOnce = all(succeeded.map((c) => (c.testEvaluations === null ? null : c.testEvaluations === 1 && c.stepsTouchingTestBefore.length === 0)));
  const metricsFromTest = all(succeeded.map((c) => c.metricsFromTest));
  const sameSplitForEveryCell = all(succeeded.map((c) => c.sameSplit));
  return {
    split: splitCheck,
    testTouchedOnce,
    metricsFromTest,
    sameSplitForEveryCell,
    cellsChecked: succeeded.length,
    passed: problems.length === 0,
    problems,
    cells: out,
  };
}
