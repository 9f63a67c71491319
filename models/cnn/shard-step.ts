/**
 * One shard's share of a data-parallel training step, run by the training
 * thread and by every shard worker alike (as histogram-task.ts is for the
 * trees): the gradient of this shard's part of the batch loss, and the
 * Adam update with the batch's summed gradient.
 *
 * The batch loss is the mean squared error over all B rows of the batch,
 *
 *   L = (1/B) Σ_{i ∈ batch} (f(x_i) − y_i)²  =  Σ_shards (1/B) Σ_{i ∈ shard} (f(x_i) − y_i)²,
 *
 * so each shard differentiates its own sum divided by the whole batch's B
 * (its mean weighted by its share of the rows), and the shards' gradients
 * add up to ∇L: the gradient one thread computes for the whole batch, up to
 * the order of float additions.
 */
import * as tf from "@tensorflow/tfjs";
import type { ArrayInputs } from "../learner.js";
import type { TrainingNoise } from "./layers.js";
import { inputTensors } from "./model.js";
import type { Network } from "./network.js";
import type { Normalisation } from "./normalisation.js";

/** The training set as every thread sees it (in shared memory). */
export interface ShardData {
  x: ArrayInputs;
  /** Standardised labels, one per row of x. */
  target: Float32Array;
  normalisation: Normalisation;
}

/**
 * Writes this shard's gradient of the batch loss into `out` (the variables'
 * values one after the other, in `variables` order) and returns the shard's
 * sum of squared errors (standardised units). `rows` must not be empty.
 */
export function shardGradients(network: Network, variables: tf.Variable[], data: ShardData, rows: Int32Array, noise: TrainingNoise, out: Float32Array): number {
  const { value, grads } = tf.tidy(() => {
    const inputs = inputTensors(data.x, rows, data.normalisation);
    const labels = tf.tensor2d(Float32Array.from(rows, (r) => data.target[r]), [rows.length, 1]);
    return tf.variableGrads(() => tf.div(tf.sum(tf.squaredDifference(network.forward(inputs, noise), labels)), noise.batchRows) as tf.Scalar, variables);
  });
  let offset = 0;
  for (const v of variables) {
    const gradient = grads[v.name];
    out.set(gradient.dataSync() as Float32Array, offset);
    offset += v.size;
    gradient.dispose();
  }
  const loss = value.dataSync()[0] * noise.batchRows;
  value.dispose();
  return loss;
}

/** Applies the batch's gradient (laid out as in shardGradients) with `optimizer`. */
export function applyGradient(optimizer: tf.Optimizer, variables: tf.Variable[], gradient: Float32Array): void {
  tf.tidy(() => {
    let offset = 0;
    const named = variables.map((v) => {
      const tensor = tf.tensor(gradient.subarray(offset, offset + v.size), v.shape);
      offset += v.size;
      return { name: v.name, tensor };
    });
    optimizer.applyGradients(named);
  });
}

/** Values in all `variables` together. */
export function parameterCount(variables: readonly tf.Variable[]): number {
  return variables.reduce((sum, v) => sum + v.size, 0);
}
