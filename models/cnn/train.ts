/**
 * Fits a CNN: mean squared error on the standardised label, Adam, one
 * progress report per epoch (RMSE in label units), early stopping on the
 * validation loss with the best epoch's weights restored, cancellation
 * between batches. Same seed, data and backend → same model.
 *
 * A classifier (`trainCnnClassifier`) is the same network with a K-wide
 * head (the class logits) trained on the class-weighted softmax
 * cross-entropy, Σ_i w_i · (−log softmax(z_i)_{y_i}) / batch size, w_i the
 * weight of row i's class; its epoch reports and early stopping use the
 * weighted log loss Σ w_i (−log p_{i,y_i}) / Σ w_i (train: over the epoch's
 * batches, with dropout; validation: the validation rows). It trains on one
 * thread (the data-parallel shards compute the regression loss only).
 */
import * as tf from "@tensorflow/tfjs";
import type { ArrayInputs, FitControl, IterationReport } from "../learner.js";
import { loadBackend } from "./backend.js";
import { fitNormalisation } from "./normalisation.js";
import { buildNetwork } from "./network.js";
import { CnnModel, forwardAll, inputTensors, networkLayout, predictionBatchSize } from "./model.js";
import { softmaxRows } from "../softmax.js";
import { CnnInputError, resolveCnnParams, type CnnParams, type ParamProblem } from "./params.js";
import { Random } from "../../random/random.js";
import { DataParallelTrainer } from "./data-parallel.js";

export interface CnnFitControl extends FitControl {
  /** Held-out rows for early stopping and the validation curve. */
  validation?: { x: ArrayInputs; y: Float32Array };
  /**
   * Threads to train on (TRAINING_THREADS; default 1): more than one splits
   * every batch across that many worker threads, each with its own backend
   * instance (data-parallel, ./data-parallel.ts; same result as one thread
   * up to float rounding). Capped by the batch size; the native TensorFlow
   * backend, which uses every core itself, always trains on one.
   */
  threads?: number;
  /** @internal Tests only: a shard worker crashes at this step (0-based). */
  crashThreadAtStep?: number;
}

/** Problems with the shapes of `x` and `y`, named after `argument`. */
export function inputProblems(argument: string, x: ArrayInputs, y: Float32Array): ParamProblem[] {
  const problems: ParamProblem[] = [];
  if (!Number.isInteger(x.rows) || x.rows < 1) problems.push({ argument: `${argument}.rows`, message: "needs at least one row" });
  if (!x.image && !x.spectrum) problems.push({ argument, message: "give images, spectra or both" });
  if (x.image) {
    const { values, bands, size } = x.image;
    if (!(bands >= 1 && size >= 1) || values.length !== x.rows * bands * size * size) {
      problems.push({ argument: `${argument}.image`, message: `values must hold rows x bands x size x size = ${x.rows} x ${bands} x ${size} x ${size} numbers (got ${values.length})` });
    }
  }
  if (x.spectrum) {
    const { values, bins } = x.spectrum;
    if (!(bins >= 1) || values.length !== x.rows * bins) {
      problems.push({ argument: `${argument}.spectrum`, message: `values must hold rows x bins = ${x.rows} x ${bins} numbers (got ${values.length})` });
    }
  }
  if (y.length !== x.rows) problems.push({ argument: `${argument}.y`, message: `needs one label per row (${x.rows}, got ${y.length})` });
  else if (!y.every(Number.isFinite)) problems.push({ argument: `${argument}.y`, message: "labels must be finite" });
  return problems;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function rmse(predicted: Float32Array, y: Float32Array, mean: number, std: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (predicted[i] * std + mean - y[i]) ** 2;
  return Math.sqrt(sum / y.length);
}

/**
 * Trains a CNN on `x` → `y`. The modality follows from `x`: images only →
 * 2-D net, spectra only → 1-D net, both → early fusion. Throws
 * CnnInputError listing every bad parameter or input, and the signal's
 * reason (an AbortError) when aborted. Uses the current backend, or loads
 * the best one (see loadBackend).
 */
export async function trainCnn(x: ArrayInputs, y: Float32Array, params: Partial<CnnParams>, control: CnnFitControl): Promise<CnnModel> {
  return fitCnn(x, y, params, control, null);
}

/** What a classifier learns: K classes (labels 0..K−1) and each class's weight. */
export interface CnnClassTask {
  classCount: number;
  classWeights: Float64Array;
}

function taskProblems(task: CnnClassTask, y: Float32Array, argument: string): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const k = task.classCount;
  if (!Number.isInteger(k) || k < 2) problems.push({ argument: "classCount", message: "needs at least 2 classes" });
  if (task.classWeights.length !== k || task.classWeights.some((w) => !(w >= 0) || !Number.isFinite(w))) problems.push({ argument: "classWeights", message: `needs ${k} finite weights ≥ 0` });
  if (y.some((c) => !Number.isInteger(c) || c < 0 || c >= k)) problems.push({ argument, message: `labels must be class indices 0..${k - 1}` });
  return problems;
}

/** Weighted log loss Σ w_i (−log p_{i,y_i}) / Σ w_i of rows × K logits (p clipped at 1e-15). */
function weightedLogLossOfLogits(logits: Float32Array, y: Float32Array, task: CnnClassTask): number {
  const p = softmaxRows(logits, new Float64Array(y.length * task.classCount), y.length, task.classCount);
  let loss = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const w = task.classWeights[y[i]];
    loss -= w * Math.log(Math.max(1e-15, p[i * task.classCount + y[i]]));
    total += w;
  }
  return total > 0 ? loss / total : 0;
}

/**
 * Trains a CNN classifier on `x` → class indices `y` (see the module head):
 * the model's `predictProbabilities` gives rows × K probabilities. Throws
 * CnnInputError listing every bad parameter, input or label.
 */
export async function trainCnnClassifier(x: ArrayInputs, y: Float32Array, task: CnnClassTask, params: Partial<CnnParams>, control: CnnFitControl): Promise<CnnModel> {
  return fitCnn(x, y, params, { ...control, threads: 1 }, task);
}

async function fitCnn(x: ArrayInputs, y: Float32Array, params: Partial<CnnParams>, control: CnnFitControl, task: CnnClassTask | null): Promise<CnnModel> {
  const resolved = resolveCnnParams(params);
  const problems = [...resolved.problems, ...inputProblems("x", x, y)];
  if (task) problems.push(...taskProblems(task, y, "y"), ...(control.validation ? taskProblems(task, control.validation.y, "validation.y") : []));
  if (resolved.params.fusion === "gated" && !(x.image && x.spectrum)) {
    problems.push({ argument: "fusion", message: 'fusion "gated" weighs images against spectra: give both (x.image and x.spectrum)' });
  }
  if (!Number.isInteger(control.seed)) problems.push({ argument: "seed", message: "must be an integer" });
  if (control.threads !== undefined && !(Number.isInteger(control.threads) && control.threads >= 1)) problems.push({ argument: "threads", message: `must be an integer ≥ 1 (got ${control.threads})` });
  const validation = control.validation;
  if (validation) {
    problems.push(...inputProblems("validation", validation.x, validation.y));
    const sameImages = !x.image === !validation.x.image && (!x.image || (x.image.bands === validation.x.image!.bands && x.image.size === validation.x.image!.size));
    const sameSpectra = !x.spectrum === !validation.x.spectrum && (!x.spectrum || x.spectrum.bins === validation.x.spectrum!.bins);
    if (!sameImages || !sameSpectra) problems.push({ argument: "validation.x", message: "must have the same inputs (bands, size, bins) as x" });
  }
  if (problems.length) throw new CnnInputError(problems);
  const p = resolved.params;
  control.signal?.throwIfAborted();
  const backend = await loadBackend();

  const normalisation = fitNormalisation(x);
  let mean = 0;
  let std = 1;
  if (!task) {
    for (const v of y) mean += v;
    mean /= y.length;
    let variance = 0;
    for (const v of y) variance += (v - mean) ** 2;
    std = Math.sqrt(variance / y.length) || 1;
  }
  const target = Float32Array.from(y, (v) => (v - mean) / std);
  const outputs = task ? task.classCount : 1;
  const rowWeights = task ? Float32Array.from(y, (c) => task.classWeights[c]) : null;
  let epochWeight = 0;
  if (rowWeights) for (const w of rowWeights) epochWeight += w;

  const random = new Random(control.seed);
  const networkSeed = random.nextUint32();
  const order = new Random(random.nextUint32());
  const dropout = new Random(random.nextUint32());
  const layout = networkLayout(p, normalisation, outputs);
  const network = buildNetwork(layout, networkSeed);
  const variables = network.weights.map((w) => w.variable);
  const optimizer = tf.train.adam(p.learningRate);
  const threads = backend === "tensorflow" ? 1 : Math.min(control.threads ?? 1, p.batchSize, x.rows);
  let parallel: DataParallelTrainer | undefined;
  const history: IterationReport[] = [];
  let best: tf.Tensor[] | undefined;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epochsWithoutImprovement = 0;

  try {
    if (threads > 1) {
      parallel = await DataParallelTrainer.start({ threads, backend, layout, networkSeed, learningRate: p.learningRate, x, target, normalisation }, variables);
      parallel.crashAtStep = control.crashThreadAtStep;
    }
    const rows = Int32Array.from({ length: x.rows }, (_, i) => i);
    for (let epoch = 1; epoch <= p.epochs; epoch++) {
      order.shuffle(rows);
      let squaredSum = 0;
      for (let start = 0; start < x.rows; start += p.batchSize) {
        control.signal?.throwIfAborted();
        const batch = rows.subarray(start, Math.min(x.rows, start + p.batchSize));
        if (parallel) {
          squaredSum += await parallel.step(batch, network, variables, optimizer, dropout);
          continue;
        }
        const loss = tf.tidy(() => {
          const inputs = inputTensors(x, batch, normalisation);
          if (task) {
            const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(batch, (r) => y[r]), "int32"), outputs);
            const w = tf.tensor1d(Float32Array.from(batch, (r) => rowWeights![r]));
            // Σ_i w_i · (−log softmax(z_i)_{y_i}) / batch size.
            return optimizer.minimize(() => tf.div(tf.sum(tf.mul(w, tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(network.forward(inputs, dropout))), 1)))), batch.length) as tf.Scalar, true, variables)!;
          }
          const labels = tf.tensor2d(Float32Array.from(batch, (r) => target[r]), [batch.length, 1]);
          return optimizer.minimize(() => tf.mean(tf.squaredDifference(network.forward(inputs, dropout), labels)) as tf.Scalar, true, variables)!;
        });
        squaredSum += loss.dataSync()[0] * batch.length;
        loss.dispose();
        await nextTurn();
      }
      // squaredSum: Σ over batches of (batch loss · batch size) — the squared errors, or a classifier's Σ w_i · CE_i.
      const report: IterationReport = { iteration: epoch, train: task ? squaredSum / Math.max(epochWeight, 1e-12) : Math.sqrt(squaredSum / x.rows) * std };
      if (!Number.isFinite(report.train)) {
        throw new Error(`CNN training diverged in epoch ${epoch} (the loss is not finite): lower learningRate (now ${p.learningRate})`);
      }
      if (validation) {
        control.signal?.throwIfAborted();
        const out = forwardAll(network, normalisation, validation.x, predictionBatchSize(p), outputs);
        report.validation = task ? weightedLogLossOfLogits(out, validation.y, task) : rmse(out, validation.y, mean, std);
      }
      history.push(report);
      control.onIteration?.(report);
      if (validation) {
        if (report.validation! < bestLoss) {
          bestLoss = report.validation!;
          bestEpoch = epoch;
          epochsWithoutImprovement = 0;
          best?.forEach((t) => t.dispose());
          best = variables.map((v) => v.clone());
        } else if (p.patience > 0 && ++epochsWithoutImprovement >= p.patience) {
          break;
        }
      } else {
        bestEpoch = epoch;
      }
      await nextTurn();
    }
    if (best) variables.forEach((v, i) => v.assign(best![i]));
  } catch (error) {
    network.dispose();
    throw error;
  } finally {
    await parallel?.stop();
    best?.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  return CnnModel.fromNetwork(network, {
    params: p,
    seed: networkSeed,
    normalisation,
    label: { mean, std },
    ...(task ? { classes: task.classCount } : {}),
    training: { backend, threads, epochs: history.length, bestEpoch, history },
  });
}
