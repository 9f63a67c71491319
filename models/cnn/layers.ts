/**
 * The building blocks of our networks as plain TensorFlow.js ops over named
 * variables (no tf.layers: we own the seeds, the gradients and the format).
 *
 * - Weights are drawn from our seeded generator: He-uniform (He et al. 2015,
 *   arXiv:1502.01852) for layers followed by ReLU, Glorot-uniform (Glorot &
 *   Bengio 2010) for the linear output; biases start at 0.
 * - Dense layers use a custom gradient that transposes explicitly: on wasm a
 *   matMul with a transposed operand is ~30x slower than Transpose + matMul,
 *   and tfjs's own MatMul gradient uses transposed operands.
 * - Dropout masks come from the same generator, so a seed fixes them too.
 */
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../random/random.js";

export interface NamedWeight {
  name: string;
  variable: tf.Variable;
}

export class WeightStore {
  readonly weights: NamedWeight[] = [];

  constructor(private readonly random: Random) {}

  private add(name: string, shape: number[], limit: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (limit > 0) for (let i = 0; i < size; i++) values[i] = (this.random.fraction32() * 2 - 1) * limit;
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.weights.push({ name, variable });
    return variable;
  }

  /** A kh x kw convolution from cin to cout channels, followed by ReLU. */
  conv(name: string, kh: number, kw: number, cin: number, cout: number): Conv {
    const fanIn = kh * kw * cin;
    return { filter: this.add(`${name}/filter`, [kh, kw, cin, cout], Math.sqrt(6 / fanIn)), bias: this.add(`${name}/bias`, [cout], 0) };
  }

  /** A fully connected layer; `relu` picks the initialiser that suits what follows (`zero`: a zero kernel, e.g. a gate that starts even). */
  dense(name: string, inputs: number, outputs: number, relu: boolean, zero = false): Dense {
    const limit = zero ? 0 : relu ? Math.sqrt(6 / inputs) : Math.sqrt(6 / (inputs + outputs));
    return { kernel: this.add(`${name}/kernel`, [inputs, outputs], limit), bias: this.add(`${name}/bias`, [outputs], 0) };
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}

export interface Conv {
  filter: tf.Variable;
  bias: tf.Variable;
}

export interface Dense {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** 'same'-padded stride-1 convolution + bias + ReLU, fused in the forward pass. */
export function applyConv(x: tf.Tensor4D, layer: Conv): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: layer.filter as tf.Tensor4D, strides: 1, pad: "same", bias: layer.bias, activation: "relu" });
}

const linear = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, kernel, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, kernel]);
  return {
    value: tf.add(tf.matMul(x, kernel), bias) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [savedX, savedKernel] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(savedKernel)), tf.matMul(tf.transpose(savedX), dy), tf.sum(dy, 0)];
    },
  };
});

export function applyDense(x: tf.Tensor2D, layer: Dense, relu: boolean): tf.Tensor2D {
  const y = linear(x, layer.kernel, layer.bias);
  return relu ? tf.relu(y) : y;
}

/** Layer normalisation without a learned scale or shift: each row to mean 0 and variance 1 over its features. */
export function normaliseRows(x: tf.Tensor2D, epsilon = 1e-5): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
}

/**
 * Training-mode randomness (dropout masks, gate noise): the seeded
 * generator and where this forward pass's rows sit in the whole batch.
 * Every layer draws its masks for the whole batch, row after row, and keeps
 * its own rows (`firstRow` .. + its row count) — skipping the others' draws
 * in O(1) — so the shards of a data-parallel step (./data-parallel.ts) see
 * exactly the masks one thread would for the same rows.
 */
export interface TrainingNoise {
  random: Random;
  /** This pass's first row within the batch. */
  firstRow: number;
  /** Rows in the whole batch (all shards). */
  batchRows: number;
}

/** One thread's noise for a whole batch of `rows`, or a shard's. */
export function trainingNoise(random: Random, batchRows: number, firstRow = 0): TrainingNoise {
  return { random, firstRow, batchRows };
}

/** This pass's `rows` x `width` values, each from `perEntry` draws of `draw`, with the other rows' draws skipped. */
function drawRows(noise: TrainingNoise, rows: number, width: number, perEntry: number, draw: (random: Random) => number): Float32Array {
  if (noise.firstRow + rows > noise.batchRows) throw new Error(`training noise: rows ${noise.firstRow}..${noise.firstRow + rows} past the batch's ${noise.batchRows}`);
  noise.random.skip(noise.firstRow * width * perEntry);
  const out = new Float32Array(rows * width);
  for (let i = 0; i < out.length; i++) out[i] = draw(noise.random);
  noise.random.skip((noise.batchRows - noise.firstRow - rows) * width * perEntry);
  return out;
}

/** Training only (noise given): adds N(0, sigma²) noise from the seeded generator to every entry. */
export function applyNoise(x: tf.Tensor2D, sigma: number, noise: TrainingNoise | undefined): tf.Tensor2D {
  if (!noise || sigma <= 0) return x;
  const [rows, width] = x.shape;
  const values = drawRows(noise, rows, width, 2, (random) => sigma * Math.sqrt(-2 * Math.log(1 - random.fraction32())) * Math.cos(2 * Math.PI * random.fraction32()));
  return tf.add(x, tf.tensor2d(values, x.shape));
}

/** Inverted dropout: zero with probability `rate`, scale the rest by 1/(1 − rate). */
export function applyDropout(x: tf.Tensor2D, rate: number, noise: TrainingNoise | undefined): tf.Tensor2D {
  if (!noise || rate <= 0) return x;
  const keep = 1 / (1 - rate);
  const [rows, width] = x.shape;
  const mask = drawRows(noise, rows, width, 1, (random) => (random.fraction32() < rate ? 0 : keep));
  return tf.mul(x, tf.tensor2d(mask, x.shape));
}
