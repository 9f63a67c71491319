/**
 * Fits a CNN: mean squared error on the standardised label, Adam, one
 * progress report per epoch (RMSE in label units), early stopping on the
 * validation loss with the best epoch's weights restored, cancellation
 * between batches. Same seed, data and backend → same model.
 */
import * as tf from "@tensorflow/tfjs";
import type { ArrayInputs, FitControl, IterationReport } from "../learner.js";
import { loadBackend } from "./backend.js";
import { fitNormalisation } from "./normalisation.js";
import { buildNetwork } from "./network.js";
import { CnnModel, forwardAll, inputTensors, networkLayout, predictionBatchSize } from "./model.js";
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
  const resolved = resolveCnnParams(params);
  const problems = [...resolved.problems, ...inputProblems("x", x, y)];
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
  for (const v of y) mean += v;
  mean /= y.length;
  let variance = 0;
  for (const v of y) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / y.length) || 1;
  const target = Float32Array.from(y, (v) => (v - mean) / std);

  const random = new Random(control.seed);
  const networkSeed = random.nextUint32();
  const order = new Random(random.nextUint32());
  const dropout = new Random(random.nextUint32());
  const layout = networkLayout(p, normalisation);
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
          const labels = tf.tensor2d(Float32Array.from(batch, (r) => target[r]), [batch.length, 1]);
          return optimizer.minimize(() => tf.mean(tf.squaredDifference(network.forward(inputs, dropout), labels)) as tf.Scalar, true, variables)!;
        });
        squaredSum += loss.dataSync()[0] * batch.length;
        loss.dispose();
        await nextTurn();
      }
      const report: IterationReport = { iteration: epoch, train: Math.sqrt(squaredSum / x.rows) * std };
      if (!Number.isFinite(report.train)) {
        throw new Error(`CNN training diverged in epoch ${epoch} (the loss is not finite): lower learningRate (now ${p.learningRate})`);
      }
      if (validation) {
        control.signal?.throwIfAborted();
        report.validation = rmse(forwardAll(network, normalisation, validation.x, predictionBatchSize(p)), validation.y, mean, std);
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
    training: { backend, threads, epochs: history.length, bestEpoch, history },
  });
}
