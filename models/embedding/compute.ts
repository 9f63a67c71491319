/**
 * 2-D embeddings of a feature matrix (the study's PCA, t-SNE and UMAP per
 * zoom level) and the Pearson correlation of each axis with the label.
 *
 * The matrix is standardised first (each column to mean 0 and population
 * standard deviation 1, as scikit-learn's StandardScaler; a NaN — masked or
 * unmeasurable — becomes the column mean, 0; a constant column stays 0), so
 * that no feature dominates by its unit. Then:
 *
 *   PCA   ml-pca: SVD for matrices up to WIDE_COLUMNS (200) columns, NIPALS (two
 *         components, iterative, no p × p or n × n decomposition) beyond;
 *         deterministic; each axis' sign fixed so that its largest |loading|
 *         is positive (scikit-learn's svd_flip does this on U instead, so
 *         the two agree up to the sign of each axis)
 *   TSNE  tsne-js (exact t-SNE, O(n²)): perplexity min(30, (n − 1)/3),
 *         learning rate 100, early exaggeration 4, TSNE_ITERATIONS
 *         iterations; its random start drawn from our seeded generator
 *   UMAP  umap-js: nNeighbors min(15, n − 1), minDist 0.1, its `random`
 *         our seeded generator
 *
 * Same matrix, method and seed → the same coordinates.
 */
import { PCA } from "ml-pca";
import TSNE from "tsne-js";
import { UMAP } from "umap-js";
import { Random } from "../../random/random.js";
import type { Matrix } from "../learner.js";

export type EmbeddingMethod = "PCA" | "TSNE" | "UMAP";

/** Beyond this many columns PCA uses NIPALS (SVD of n × p costs O(n p min(n, p))). */
export const WIDE_COLUMNS = 200;
export const TSNE_ITERATIONS = 500;

export interface EmbeddingResult {
  x: Float64Array;
  y: Float64Array;
  /** PCA: the fraction of the (standardised) total variance along each axis; null otherwise. */
  explainedVariance: [number, number] | null;
}

/** Columns to mean 0, population sd 1; NaN → 0; constant columns → 0. Row-major Float64Array. */
export function standardise(m: Matrix): Float64Array {
  const { rows, cols, values } = m;
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let n = 0;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + c];
      if (!Number.isNaN(v)) {
        n++;
        sum += v;
      }
    }
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + c];
      if (!Number.isNaN(v)) ss += (v - mean) ** 2;
    }
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + c];
      out[r * cols + c] = Number.isNaN(v) || !(sd > 1e-12) ? 0 : (v - mean) / sd;
    }
  }
  return out;
}

function toRows(values: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

/** Pearson's r of two equally long series (NaN when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Runs `f` with Math.random drawing from a seeded generator (tsne-js takes no seed); restored afterwards. */
function withSeededMathRandom<T>(seed: number, f: () => T): T {
  const random = new Random(seed);
  const original = Math.random;
  Math.random = () => random.next();
  try {
    return f();
  } finally {
    Math.random = original;
  }
}

export function pcaOf(z: Float64Array, rows: number, cols: number): EmbeddingResult {
  const data = toRows(z, rows, cols);
  const pca = new PCA(data, cols > WIDE_COLUMNS ? { method: "NIPALS", nCompNIPALS: 2, center: true } : { center: true });
  const projected = pca.predict(data, { nComponents: 2 });
  const loadings = pca.getLoadings(); // components × features
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  const axes = [x, y];
  for (let k = 0; k < 2; k++) {
    const exists = k < projected.columns;
    let sign = 1;
    if (exists && k < loadings.rows) {
      let best = 0;
      for (let c = 0; c < loadings.columns; c++) if (Math.abs(loadings.get(k, c)) > Math.abs(best)) best = loadings.get(k, c);
      sign = best < 0 ? -1 : 1;
    }
    for (let r = 0; r < rows; r++) axes[k][r] = exists ? sign * projected.get(r, k) : 0;
  }
  let total = 0;
  for (let i = 0; i < z.length; i++) total += z[i] * z[i];
  total /= rows; // every column has mean 0
  const variance = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0) / rows;
  return { x, y, explainedVariance: total > 0 ? [variance(x) / total, variance(y) / total] : [0, 0] };
}

export function tsneOf(z: Float64Array, rows: number, cols: number, seed: number): EmbeddingResult {
  const data = toRows(z, rows, cols);
  const output = withSeededMathRandom(seed, () => {
    const model = new TSNE({ dim: 2, perplexity: Math.min(30, (rows - 1) / 3), earlyExaggeration: 4, learningRate: 100, nIter: TSNE_ITERATIONS, metric: "euclidean" });
    model.init({ data, type: "dense" });
    model.run();
    return model.getOutput() as number[][];
  });
  return { x: Float64Array.from(output, (p) => p[0]), y: Float64Array.from(output, (p) => p[1]), explainedVariance: null };
}

export function umapOf(z: Float64Array, rows: number, cols: number, seed: number): EmbeddingResult {
  const random = new Random(seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, rows - 1), minDist: 0.1, random: () => random.next() });
  const output = umap.fit(toRows(z, rows, cols));
  return { x: Float64Array.from(output, (p) => p[0]), y: Float64Array.from(output, (p) => p[1]), explainedVariance: null };
}

export function embed(m: Matrix, method: EmbeddingMethod, seed: number): EmbeddingResult {
  const z = standardise(m);
  if (method === "PCA") return pcaOf(z, m.rows, m.cols);
  if (method === "TSNE") return tsneOf(z, m.rows, m.cols, seed);
  return umapOf(z, m.rows, m.cols, seed);
}
