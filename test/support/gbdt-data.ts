/**
 * Synthetic regression data for the GBDT tests and bench: Gaussian features,
 * a nonlinear target of a few of them (smooth, interaction, step, absolute
 * value) plus Gaussian noise; the other features are noise the learner must
 * ignore. Optionally some values missing (NaN) and some features discrete.
 */
import type { Matrix } from "../../models/learner.js";

export interface SyntheticRegression {
  x: Matrix;
  y: Float32Array;
}

export interface SyntheticOptions {
  rows: number;
  cols: number;
  seed: number;
  /** Fraction of feature values replaced by NaN. */
  missing?: number;
  /** Round every feature to this many decimals (fewer distinct values than bins). */
  decimals?: number;
  noise?: number;
  /**
   * Draw every feature from this many fixed values (Gaussian levels per
   * feature): fewer distinct values than bins, so binning loses nothing.
   */
  levels?: number;
}

export function syntheticRegression(options: SyntheticOptions): SyntheticRegression {
  const { rows, cols, seed, missing = 0, decimals, noise = 0.3, levels } = options;
  const random = gaussianSource(seed);
  const levelValues = levels ? Float32Array.from({ length: levels * cols }, () => random.gaussian()) : undefined;
  const values = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  const scale = decimals === undefined ? 0 : 10 ** decimals;
  for (let row = 0; row < rows; row++) {
    const base = row * cols;
    for (let col = 0; col < cols; col++) {
      let v = levelValues ? levelValues[col * levels! + Math.floor(random.uniform() * levels!)] : random.gaussian();
      if (scale) v = Math.round(v * scale) / scale;
      values[base + col] = v;
    }
    const f = (k: number) => values[base + (k % cols)];
    const target = 2 * Math.sin(1.5 * f(0)) + f(1) * f(2) + Math.abs(f(3)) + (f(4) > 0.5 ? 1.5 : 0) + 0.5 * f(5) * f(5) - 0.8 * f(6) + 0.3 * Math.cos(3 * f(7));
    y[row] = target + noise * random.gaussian();
    if (missing > 0) {
      for (let col = 0; col < cols; col++) if (random.uniform() < missing) values[base + col] = NaN;
    }
  }
  return { x: { rows, cols, values }, y };
}

/** First `rows` rows and the rest, as two data sets. */
export function splitRows(data: SyntheticRegression, rows: number): [SyntheticRegression, SyntheticRegression] {
  const { cols, values } = data.x;
  const head = { x: { rows, cols, values: values.slice(0, rows * cols) }, y: data.y.slice(0, rows) };
  const tail = { x: { rows: data.x.rows - rows, cols, values: values.slice(rows * cols) }, y: data.y.slice(rows) };
  return [head, tail];
}

function gaussianSource(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    gaussian: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}
