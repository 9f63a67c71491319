/**
 * Classification with the tree learners (K classes, labels 0..K−1, a weight
 * per row from its class):
 *
 *   softmax GBDT   LightGBM's multiclass objective (MulticlassSoftmax): per
 *                  round one tree per class on
 *                    g_ik = w_i (p_ik − y_ik),  h_ik = w_i · K/(K−1) · p_ik (1 − p_ik),
 *                  p_i = softmax(score_i); scores start at log of the
 *                  weighted class frequencies (0 for every class with
 *                  balanced weights); early stopping on the validation
 *                  rows' weighted multi-class log loss.
 *   Gini tree      the decision tree (./gini-tree.ts): one CART tree on the
 *                  Gini impurity of the class-weighted counts, as
 *                  scikit-learn's DecisionTreeClassifier; stored as K
 *                  one-tree models of one shape, leaf k holding class k's
 *                  weighted fraction, with the "normalise" link.
 *
 * The model is K score functions (one GbdtModel each, its trees summed) and
 * the link that turns them into probabilities; its JSON format is versioned.
 * (Trees stored before the Gini tree — a one-vs-rest regression tree per
 * class, each leaf a class fraction — load and predict as they did: the
 * same link, fractions renormalised to sum 1.)
 */
import { softmaxRows } from "../softmax.js";
import type { FitControl, Matrix } from "../learner.js";
import { binDataset } from "./dataset.js";
import { Participants } from "./participants.js";
import { GbdtModel, type GbdtModelJson, type ModelTree } from "./model.js";
import { GbdtParameterError, resolveGbdtParams, type GbdtParams } from "./params.js";
import { participantCount } from "./booster.js";
import { Random } from "../../random/random.js";
import { EarlyStopping } from "./early-stopping.js";
import { TreeLearner } from "./tree-learner.js";

export const gbdtClassifierFormat = "skycube-gbdt-classifier";
export const gbdtClassifierFormatVersion = 1;

/** softmax: p = softmax(scores); normalise: p = scores / Σ scores (a tree's leaf class fractions). */
export type ClassLink = "softmax" | "normalise";

export interface GbdtClassifierJson {
  format: typeof gbdtClassifierFormat;
  formatVersion: number;
  link: ClassLink;
  classCount: number;
  models: GbdtModelJson[];
}

export class GbdtClassifier {
  constructor(readonly link: ClassLink, readonly models: readonly GbdtModel[]) {}

  get classCount(): number {
    return this.models.length;
  }

  /** rows × K probabilities, row-major. */
  predictProbabilities(x: Matrix): Float64Array {
    const k = this.models.length;
    const scores = this.models.map((m) => m.predict(x));
    const out = new Float64Array(x.rows * k);
    for (let row = 0; row < x.rows; row++) {
      const s = scores.map((c) => c[row]);
      const p = this.link === "softmax" ? softmax(s) : normalise(s);
      out.set(p, row * k);
    }
    return out;
  }

  toJSON(): GbdtClassifierJson {
    return { format: gbdtClassifierFormat, formatVersion: gbdtClassifierFormatVersion, link: this.link, classCount: this.models.length, models: this.models.map((m) => m.toJSON()) };
  }

  static fromJSON(json: GbdtClassifierJson): GbdtClassifier {
    if (json?.format !== gbdtClassifierFormat || json.formatVersion !== gbdtClassifierFormatVersion) throw new Error(`not a ${gbdtClassifierFormat} v${gbdtClassifierFormatVersion} model`);
    if ((json.link !== "softmax" && json.link !== "normalise") || json.models.length !== json.classCount) throw new Error(`${gbdtClassifierFormat}: bad link or class count`);
    return new GbdtClassifier(json.link, json.models.map((m) => GbdtModel.fromJSON(m)));
  }
}

/** softmax(s)_k = exp(s_k − max s) / Σ exp(s_j − max s). */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function normalise(scores: readonly number[]): number[] {
  const clipped = scores.map((s) => Math.max(0, s));
  const sum = clipped.reduce((a, b) => a + b, 0);
  return sum > 0 ? clipped.map((v) => v / sum) : scores.map(() => 1 / scores.length);
}

export interface ClassifierFitControl extends FitControl {
  validation?: { x: Matrix; y: Float32Array };
}

/** Row weights from class weights. */
function rowWeights(y: Float32Array, classWeights: Float64Array): Float64Array {
  return Float64Array.from(y, (c) => classWeights[c]);
}

/** Weighted mean multi-class log loss −Σ w_i log p_{i,y_i} / Σ w_i (probabilities clipped at 1e-15, as scikit-learn). */
export function weightedLogLoss(y: Float32Array, probabilities: Float64Array, classCount: number, weights: Float64Array): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    loss -= weights[i] * Math.log(Math.max(1e-15, probabilities[i * classCount + y[i]]));
    total += weights[i];
  }
  return total > 0 ? loss / total : 0;
}

function labelProblems(y: Float32Array, classCount: number, classWeights: Float64Array, argument: string) {
  const problems: { argument: string; message: string }[] = [];
  if (!Number.isInteger(classCount) || classCount < 2) problems.push({ argument: "classCount", message: "needs at least 2 classes" });
  if (classWeights.length !== classCount || classWeights.some((w) => !(w >= 0) || !Number.isFinite(w))) problems.push({ argument: "classWeights", message: `needs ${classCount} finite weights ≥ 0` });
  if (y.some((c) => !Number.isInteger(c) || c < 0 || c >= classCount)) problems.push({ argument, message: `labels must be class indices 0..${classCount - 1}` });
  return problems;
}

/** Trains LightGBM-style softmax boosting (see the module head); GbdtParameterError lists every problem. */
export async function trainGbdtClassifier(x: Matrix, y: Float32Array, classCount: number, classWeights: Float64Array, params: Partial<GbdtParams>, control: ClassifierFitControl): Promise<GbdtClassifier> {
  const resolved = resolveGbdtParams(params);
  if (params.earlyStoppingRounds === undefined && !control.validation) resolved.earlyStoppingRounds = 0;
  const problems = [...labelProblems(y, classCount, classWeights, "y"), ...(control.validation ? labelProblems(control.validation.y, classCount, classWeights, "validation.y") : [])];
  if (x.rows !== y.length || x.rows < 1) problems.push({ argument: "y", message: `has ${y.length} labels for ${x.rows} rows` });
  if (resolved.objective !== "l2") problems.push({ argument: "objective", message: "a classifier's objective is the multi-class softmax; leave objective out" });
  if (problems.length > 0) throw new GbdtParameterError(problems);
  const k = classCount;
  const weights = rowWeights(y, classWeights);
  const participants = await Participants.start(participantCount(resolved.threads, x.rows, x.cols));
  try {
    const dataset = await binDataset(x, resolved.maxBin, control.seed, (tasks) => participants.bin(tasks), participants.count, undefined);
    const learner = await TreeLearner.create(dataset, x, { ...splitConfig(resolved), constantHessian: 0 }, participants);
    const n = x.rows;
    // Start: log of the weighted class frequencies (uniform → all 0).
    const frequency = new Float64Array(k);
    for (let i = 0; i < n; i++) frequency[y[i]] += weights[i];
    const init = Array.from(frequency, (f) => Math.log(Math.max(f, 1e-12) / frequency.reduce((a, b) => a + b, 0)));
    const initMean = init.reduce((a, b) => a + b, 0) / k;
    const initScores = init.map((s) => s - initMean);
    const scores = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) scores[i * k + c] = initScores[c];
    const validation = control.validation;
    const validationWeights = validation ? rowWeights(validation.y, classWeights) : undefined;
    const validationScores = validation ? new Float64Array(validation.x.rows * k) : undefined;
    if (validationScores) for (let i = 0; i < validation!.x.rows; i++) for (let c = 0; c < k; c++) validationScores[i * k + c] = initScores[c];
    const gradients = new Float64Array(n);
    const hessians = new Float64Array(n);
    const probabilities = new Float64Array(n * k);
    const trees: ModelTree[][] = Array.from({ length: k }, () => []);
    const featureRandom = new Random(control.seed + 1);
    const cols = x.cols;
    const allFeatures = Int32Array.from({ length: cols }, (_, i) => i);
    const featureCount = Math.max(1, Math.round(resolved.featureFraction * cols));
    const factor = k / (k - 1);
    const stopping = new EarlyStopping(resolved.earlyStoppingRounds);
    for (let iteration = 0; iteration < resolved.numIterations; iteration++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (control.signal?.aborted) throw new DOMException("GBDT training was aborted", "AbortError");
      softmaxRows(scores, probabilities, n, k);
      let splitAny = false;
      const features = featureCount < cols ? featureRandom.sample(cols, featureCount) : allFeatures;
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < n; i++) {
          const p = probabilities[i * k + c];
          gradients[i] = weights[i] * (p - (y[i] === c ? 1 : 0));
          hessians[i] = Math.max(1e-16, weights[i] * factor * p * (1 - p));
        }
        const { tree, partition } = await learner.train(gradients, hessians, null, features);
        if (tree.numLeaves > 1) splitAny = true;
        for (let leaf = 0; leaf < tree.numLeaves; leaf++) tree.leafValue[leaf] *= resolved.learningRate;
        const { thresholdBin: _, ...modelTree } = tree;
        for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
          const end = partition.leafStart[leaf] + partition.leafCount[leaf];
          for (let j = partition.leafStart[leaf]; j < end; j++) scores[partition.indices[j] * k + c] += modelTree.leafValue[leaf];
        }
        trees[c].push(modelTree);
        if (validation && validationScores) {
          const contribution = new GbdtModel("l2", cols, 0, [modelTree], resolved).predict(validation.x);
          for (let i = 0; i < contribution.length; i++) validationScores[i * k + c] += contribution[i];
        }
      }
      if (!splitAny && iteration > 0) {
        for (const list of trees) list.pop();
        break;
      }
      softmaxRows(scores, probabilities, n, k);
      const report = { iteration: iteration + 1, train: weightedLogLoss(y, probabilities, k, weights), validation: undefined as number | undefined };
      if (validation && validationScores) {
        const p = new Float64Array(validationScores.length);
        softmaxRows(validationScores, p, validation.x.rows, k);
        report.validation = weightedLogLoss(validation.y, p, k, validationWeights!);
      }
      control.onIteration?.(report.validation === undefined ? { iteration: report.iteration, train: report.train } : report);
      if (stopping.stopAfter(iteration + 1, report.validation)) break;
    }
    const keep = resolved.earlyStoppingRounds > 0 && validation ? stopping.bestIteration : trees[0].length;
    return new GbdtClassifier("softmax", trees.map((list, c) => new GbdtModel("l2", cols, initScores[c], list.slice(0, keep), resolved)));
  } finally {
    await participants.stop();
  }
}

function splitConfig(p: GbdtParams) {
  return { numLeaves: p.numLeaves, maxDepth: p.maxDepth, minDataInLeaf: p.minDataInLeaf, minSumHessianInLeaf: p.minSumHessianInLeaf, lambdaL2: p.lambdaL2, minGainToSplit: p.minGainToSplit };
}

