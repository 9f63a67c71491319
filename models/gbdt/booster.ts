/**
 * Gradient boosting (Friedman 2001; LightGBM's GBDT::TrainOneIter): start
 * from the objective's best constant, then repeatedly fit a tree to the
 * loss gradients and add it, shrunk by the learning rate. Per tree, a
 * feature subset (featureFraction); every baggingFreq trees, a row subset
 * (baggingFraction); optional early stopping on validation RMSE.
 */
import type { FitControl, Matrix } from "../learner.js";
import { binDataset, type BinnedDataset } from "./dataset.js";
import { Participants } from "./participants.js";
import { rootMeanSquaredError } from "./metric.js";
import { GbdtModel, type ModelTree } from "./model.js";
import { objectives } from "./objective.js";
import { GbdtParameterError, resolveGbdtParams, type GbdtParams, type ParameterProblem } from "./params.js";
import { Random } from "../../random/random.js";
import { EarlyStopping } from "./early-stopping.js";
import { TreeLearner } from "./tree-learner.js";

export interface GbdtFitControl extends FitControl {
  /** Rows scored after every iteration (RMSE reported; used by earlyStoppingRounds). */
  validation?: { x: Matrix; y: Float32Array };
}

/** Trains a GBDT regressor; throws GbdtParameterError (every problem listed) for bad parameters or data shapes. */
export function trainGbdt(x: Matrix, y: Float32Array, params: Partial<GbdtParams>, control: GbdtFitControl): Promise<GbdtModel> {
  return boost(x, y, params, control, {});
}

/** Learner options that are not hyperparameters of the GBDT (the decision tree sets them). */
export interface BoostOptions {
  exactThresholds?: boolean;
  /** Fewest sampled rows per bin (bin-mapper's defaultMinDataInBin, LightGBM's, by default). */
  minDataInBin?: number;
  /** Memory for cached leaf histograms (tree-learner's histogramPoolBytes by default). */
  histogramPoolBytes?: number;
}

export async function boost(x: Matrix, y: Float32Array, params: Partial<GbdtParams>, control: GbdtFitControl, options: BoostOptions): Promise<GbdtModel> {
  const resolved = resolveGbdtParams(params);
  // The default early stopping needs validation rows; without them it is off (an explicit value is a problem below).
  if (params.earlyStoppingRounds === undefined && !control.validation) resolved.earlyStoppingRounds = 0;
  const problems = dataProblems(x, y, control, resolved);
  if (problems.length > 0) throw new GbdtParameterError(problems);
  throwIfAborted(control.signal);

  const participants = await Participants.start(participantCount(resolved.threads, x.rows, x.cols));
  try {
    const dataset = await binDataset(x, resolved.maxBin, control.seed, (tasks) => participants.bin(tasks), participants.count, options.minDataInBin);
    return await boostBinned(x, y, dataset, participants, resolved, control, options);
  } finally {
    await participants.stop();
  }
}

async function boostBinned(
  x: Matrix,
  y: Float32Array,
  dataset: BinnedDataset,
  participants: Participants,
  resolved: GbdtParams,
  control: GbdtFitControl,
  options: BoostOptions,
): Promise<GbdtModel> {
  const objective = objectives[resolved.objective](resolved);
  const { rows, cols } = dataset;
  const learner = await TreeLearner.create(
    dataset,
    x,
    {
      numLeaves: resolved.numLeaves,
      maxDepth: resolved.maxDepth,
      minDataInLeaf: resolved.minDataInLeaf,
      minSumHessianInLeaf: resolved.minSumHessianInLeaf,
      lambdaL2: resolved.lambdaL2,
      minGainToSplit: resolved.minGainToSplit,
      exactThresholds: options.exactThresholds,
      histogramPoolBytes: options.histogramPoolBytes,
      constantHessian: objective.constantHessian ?? 0,
    },
    participants,
  );
  const initScore = objective.initScore(y);
  const scores = new Float64Array(rows).fill(initScore);
  const gradients = new Float64Array(rows);
  const hessians = new Float64Array(rows);
  const validation = control.validation;
  const validationScores = validation ? new Float64Array(validation.y.length).fill(initScore) : undefined;
  const featureRandom = new Random(control.seed + 1);
  const baggingRandom = new Random(control.seed + 2);
  const allFeatures = Int32Array.from({ length: cols }, (_, i) => i);
  const featureCount = Math.max(1, Math.round(resolved.featureFraction * cols));
  const bagging = resolved.baggingFreq > 0 && resolved.baggingFraction < 1;
  const bagSize = Math.max(1, Math.round(resolved.baggingFraction * rows));
  let rowsInBag: Int32Array | null = null;
  const trees: ModelTree[] = [];
  const stopping = new EarlyStopping(resolved.earlyStoppingRounds);

  for (let iteration = 0; iteration < resolved.numIterations; iteration++) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort be delivered
    throwIfAborted(control.signal);
    objective.gradients(y, scores, gradients, hessians);
    if (bagging && iteration % resolved.baggingFreq === 0) rowsInBag = baggingRandom.sample(rows, bagSize);
    const features = featureCount < cols ? featureRandom.sample(cols, featureCount) : allFeatures;
    const { tree, partition } = await learner.train(gradients, hessians, rowsInBag, features);
    if (tree.numLeaves === 1 && iteration > 0) break; // nothing left to split on (LightGBM stops here too)

    // Leaf values: the objective's renewal or the Newton step, then shrinkage.
    for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
      const start = partition.leafStart[leaf];
      const count = partition.leafCount[leaf];
      if (objective.renewLeafValue) {
        const residuals = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          const row = partition.indices[start + i];
          residuals[i] = y[row] - scores[row];
        }
        tree.leafValue[leaf] = objective.renewLeafValue(residuals);
      }
      tree.leafValue[leaf] *= resolved.learningRate;
    }
    const { thresholdBin: _, ...modelTree } = tree;
    addTreeToTrainingScores(modelTree, partition, rowsInBag, x, scores);
    trees.push(modelTree);

    const report = { iteration: iteration + 1, train: rootMeanSquaredError(y, scores), validation: undefined as number | undefined };
    if (validation && validationScores) {
      const treeModel = new GbdtModel(resolved.objective, cols, 0, [modelTree], resolved);
      const contribution = treeModel.predict(validation.x);
      for (let i = 0; i < contribution.length; i++) validationScores[i] += contribution[i];
      report.validation = rootMeanSquaredError(validation.y, validationScores);
    }
    control.onIteration?.(report.validation === undefined ? { iteration: report.iteration, train: report.train } : report);

    if (stopping.stopAfter(iteration + 1, report.validation)) break;
  }
  const kept = resolved.earlyStoppingRounds > 0 && validation ? trees.slice(0, stopping.bestIteration) : trees;
  return new GbdtModel(resolved.objective, cols, initScore, kept, resolved);
}

/** In-bag rows take their leaf's value from the partition; out-of-bag rows walk the tree on their raw values. */
function addTreeToTrainingScores(tree: ModelTree, partition: { indices: Int32Array; leafStart: Int32Array; leafCount: Int32Array }, rowsInBag: Int32Array | null, x: Matrix, scores: Float64Array): void {
  for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
    const value = tree.leafValue[leaf];
    const end = partition.leafStart[leaf] + partition.leafCount[leaf];
    for (let i = partition.leafStart[leaf]; i < end; i++) scores[partition.indices[i]] += value;
  }
  if (!rowsInBag) return;
  const outOfBag = new Uint8Array(x.rows).fill(1);
  for (const row of rowsInBag) outOfBag[row] = 0;
  const treeAlone = new GbdtModel("l2", x.cols, 0, [tree], {} as GbdtParams);
  for (let row = 0; row < x.rows; row++) {
    if (outOfBag[row] === 1) scores[row] += treeAlone.predictRow(x.values, row * x.cols);
  }
}

function dataProblems(x: Matrix, y: Float32Array, control: GbdtFitControl, params: GbdtParams): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  if (x.rows < 1 || x.cols < 1) problems.push({ argument: "x", message: "the training set is empty" });
  if (x.values.length !== x.rows * x.cols) problems.push({ argument: "x", message: `values has ${x.values.length} entries, rows x cols = ${x.rows * x.cols}` });
  if (y.length !== x.rows) problems.push({ argument: "y", message: `has ${y.length} labels for ${x.rows} rows` });
  if (y.some((v) => !Number.isFinite(v))) problems.push({ argument: "y", message: "labels must be finite (no NaN)" });
  const validation = control.validation;
  if (validation) {
    if (validation.x.cols !== x.cols) problems.push({ argument: "validation.x", message: `has ${validation.x.cols} columns, training has ${x.cols}` });
    if (validation.y.length !== validation.x.rows) problems.push({ argument: "validation.y", message: `has ${validation.y.length} labels for ${validation.x.rows} rows` });
    if (validation.y.some((v) => !Number.isFinite(v))) problems.push({ argument: "validation.y", message: "labels must be finite (no NaN)" });
  }
  if (params.earlyStoppingRounds > 0 && !validation) problems.push({ argument: "earlyStoppingRounds", message: "needs a validation set" });
  return problems;
}

/** Training values each thread should have at least: below that, messaging costs more than the second core gains. */
export const valuesPerThread = 500_000;

/** Threads to use: at most `threads`, one per valuesPerThread training values, at most one per feature. */
export function participantCount(threads: number, rows: number, cols: number): number {
  return Math.max(1, Math.min(threads, cols, Math.floor((rows * cols) / valuesPerThread)));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException("GBDT training was aborted", "AbortError");
}
