/**
 * The two reference learners every experiment runs beside the study's:
 *
 * - constant: predicts the median label of its training rows ("knowing nothing");
 * - ridge: least squares on the feature matrix with an L2 penalty ("the
 *   simplest honest model"). Missing (NaN) values are replaced by the
 *   column's training median, columns are standardised on the training rows
 *   (constant columns are dropped), and the weights w minimise
 *   Σ (y − b − x·w)² + lambdaL2 · Σ w² with the intercept b unpenalised —
 *   scikit-learn's Ridge(alpha = lambdaL2) on the standardised columns.
 *   Solved by Cholesky on the p × p normal equations (p = feature count).
 *
 * Both know nothing about galaxies: they take a Matrix and labels.
 */
import { checkParameters, type Matrix, type ParameterTable } from "../learner.js";

export interface ConstantModel {
  type: "constant";
  value: number;
}

export interface RidgeModel {
  type: "ridge";
  cols: number;
  /** Per column: the fill for NaN, the centre and scale of standardisation, and the weight (0 for dropped columns). */
  fill: number[];
  mean: number[];
  scale: number[];
  weight: number[];
  intercept: number;
}

/** Widest matrix the ridge learner solves (its normal equations are p × p doubles). */
export const MAX_RIDGE_COLUMNS = 1024;

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).filter((v) => Number.isFinite(v)).sort();
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fitConstant(labels: ArrayLike<number>): ConstantModel {
  const value = median(labels);
  if (!Number.isFinite(value)) throw new Error("the constant baseline needs at least one finite label");
  return { type: "constant", value };
}

export function predictConstant(model: ConstantModel, rows: number): Float64Array {
  return new Float64Array(rows).fill(model.value);
}

/** The constant classifier: the training galaxies' class frequencies (unweighted: "knowing nothing" but the priors). */
export interface PriorsModel {
  type: "priors";
  probabilities: number[];
}

export function fitClassPriors(labels: ArrayLike<number>, classCount: number): PriorsModel {
  if (labels.length === 0) throw new Error("the class priors need at least one label");
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return { type: "priors", probabilities: counts.map((c) => c / labels.length) };
}

/** rows × K, every row the priors. */
export function predictPriors(model: PriorsModel, rows: number): Float64Array {
  const k = model.probabilities.length;
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) out.set(model.probabilities, r * k);
  return out;
}

/** The ridge learner's hyperparameters: the learner registry's LINEAR entry reads them from here. */
export const ridgeParameterTable = {
  lambdaL2: { type: "number", default: 1, min: 0, max: Infinity, exclusiveMax: true, doc: "Ridge penalty on the standardised weights (scikit-learn's Ridge alpha)." },
} as const satisfies ParameterTable;

/** Problems with a ridge grid point. */
export function checkRidgeParams(params: Record<string, number | string>): { argument: string; message: string }[] {
  return checkParameters(ridgeParameterTable, params, "LINEAR");
}

/**
 * The reference learners' treatment of a feature matrix, fitted on the
 * training rows: NaN → the column's median (0 when it has none), columns
 * standardised to mean 0 and standard deviation 1, constant columns dropped
 * (`kept` lists the others).
 */
export function fitStandardisation(x: Matrix): { fill: number[]; mean: number[]; scale: number[]; kept: number[] } {
  const { rows: n, cols } = x;
  const fill: number[] = [];
  const mean: number[] = [];
  const scale: number[] = [];
  const column = new Float64Array(n);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < n; r++) column[r] = x.values[r * cols + c];
    const m = median(column);
    const f = Number.isFinite(m) ? m : 0;
    let sum = 0;
    for (let r = 0; r < n; r++) sum += Number.isFinite(column[r]) ? column[r] : f;
    const mu = sum / n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += ((Number.isFinite(column[r]) ? column[r] : f) - mu) ** 2;
    fill.push(f);
    mean.push(mu);
    scale.push(Math.sqrt(ss / n));
  }
  const kept = [...Array(cols).keys()].filter((c) => scale[c] > 1e-12 * (1 + Math.abs(mean[c])));
  return { fill, mean, scale, kept };
}

export function fitRidge(x: Matrix, labels: ArrayLike<number>, lambdaL2: number): RidgeModel {
  const { rows: n, cols } = x;
  if (n === 0) throw new Error("ridge regression needs at least one training row");
  const { fill, mean, scale, kept } = fitStandardisation(x);
  const p = kept.length;
  if (p > MAX_RIDGE_COLUMNS) throw new Error(`ridge regression on ${p} columns would need a ${p} × ${p} system; at most ${MAX_RIDGE_COLUMNS} — use ENGINEERED features or a coarser zoom`);
  let yMean = 0;
  for (let r = 0; r < n; r++) yMean += labels[r];
  yMean /= n;
  // Standardised design, row-major n × p.
  const z = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < p; k++) {
      const c = kept[k];
      const v = x.values[r * cols + c];
      z[r * p + k] = ((Number.isFinite(v) ? v : fill[c]) - mean[c]) / scale[c];
    }
  }
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const y = labels[r] - yMean;
    const row = r * p;
    for (let i = 0; i < p; i++) {
      const zi = z[row + i];
      if (zi === 0) continue;
      b[i] += zi * y;
      for (let j = 0; j <= i; j++) a[i * p + j] += zi * z[row + j];
    }
  }
  // A tiny jitter keeps an unpenalised (lambda 0), rank-deficient system solvable.
  const ridge = Math.max(lambdaL2, 1e-10 * n);
  for (let i = 0; i < p; i++) a[i * p + i] += ridge;
  const w = choleskySolve(a, b, p);
  const weight = new Array<number>(cols).fill(0);
  kept.forEach((c, k) => (weight[c] = w[k]));
  const keptSet = new Set(kept);
  return { type: "ridge", cols, fill, mean, scale: scale.map((s, c) => (keptSet.has(c) ? s : 1)), weight, intercept: yMean };
}

export function predictRidge(model: RidgeModel, x: Matrix): Float64Array {
  if (x.cols !== model.cols) throw new Error(`the ridge model was fitted on ${model.cols} columns, not ${x.cols}`);
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let s = model.intercept;
    for (let c = 0; c < x.cols; c++) {
      if (model.weight[c] === 0) continue;
      const v = x.values[r * x.cols + c];
      s += (((Number.isFinite(v) ? v : model.fill[c]) - model.mean[c]) / model.scale[c]) * model.weight[c];
    }
    out[r] = s;
  }
  return out;
}

/** Solves A w = b for symmetric positive definite A (lower triangle filled, row-major p × p). */
function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0)) throw new Error("ridge normal equations are not positive definite; use lambdaL2 > 0");
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j];
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const w = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * w[k];
    w[i] = s / l[i * p + i];
  }
  return w;
}
