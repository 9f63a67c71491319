/**
 * The LINEAR learner's classifier: multinomial logistic regression on the
 * reference learners' standardised columns (./index.ts fitStandardisation),
 * weights W (p × K) and intercepts b (K) minimising
 *
 *   Σ_i w_i · (−log softmax(b + z_i W)_{y_i}) + (λ/2) Σ W²
 *
 * with the intercepts unpenalised — scikit-learn's
 * LogisticRegression(C = 1/λ, multinomial) with sample_weight w on the
 * same columns. Solved by L-BFGS (Nocedal & Wright 2006, algorithm 7.4,
 * memory 10) with a backtracking Armijo line search, to a gradient whose
 * largest entry is below 1e-7 of the weighted row count.
 */
import type { Matrix } from "../learner.js";
import { fitStandardisation } from "./index.js";

export interface LogisticModel {
  type: "logistic";
  cols: number;
  classCount: number;
  fill: number[];
  mean: number[];
  scale: number[];
  /** cols × K, row-major; 0 for dropped (constant) columns. */
  weight: number[];
  intercept: number[];
  /** L-BFGS iterations taken. */
  iterations: number;
}

const MEMORY = 10;
const MAX_ITERATIONS = 1000;

export function fitLogistic(x: Matrix, labels: ArrayLike<number>, classCount: number, rowWeights: ArrayLike<number>, lambdaL2: number): LogisticModel {
  const n = x.rows;
  if (n === 0) throw new Error("logistic regression needs at least one training row");
  const { fill, mean, scale, kept } = fitStandardisation(x);
  const p = kept.length;
  const k = classCount;
  const z = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) {
      const c = kept[j];
      const v = x.values[r * x.cols + c];
      z[r * p + j] = ((Number.isFinite(v) ? v : fill[c]) - mean[c]) / scale[c];
    }
  }
  // θ = [W (p × K, row-major), b (K)]; a tiny penalty keeps separable data bounded when λ = 0.
  const lambda = Math.max(lambdaL2, 1e-8);
  const size = p * k + k;
  const scores = new Float64Array(k);
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let f = 0;
    for (let r = 0; r < n; r++) {
      const w = rowWeights[r];
      if (w === 0) continue;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = theta[p * k + c];
        for (let j = 0; j < p; j++) s += z[r * p + j] * theta[j * k + c];
        scores[c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(scores[c] - max);
      const logSum = max + Math.log(sum);
      f += w * (logSum - scores[labels[r]]);
      for (let c = 0; c < k; c++) {
        const residual = w * (Math.exp(scores[c] - logSum) - (labels[r] === c ? 1 : 0));
        gradient[p * k + c] += residual;
        for (let j = 0; j < p; j++) gradient[j * k + c] += residual * z[r * p + j];
      }
    }
    for (let i = 0; i < p * k; i++) {
      f += 0.5 * lambda * theta[i] ** 2;
      gradient[i] += lambda * theta[i];
    }
    return f;
  };
  let totalWeight = 0;
  for (let r = 0; r < n; r++) totalWeight += rowWeights[r];
  const { theta, iterations } = lbfgs(objective, new Float64Array(size), 1e-7 * Math.max(1, totalWeight));
  const weight = new Array<number>(x.cols * k).fill(0);
  kept.forEach((c, j) => {
    for (let cl = 0; cl < k; cl++) weight[c * k + cl] = theta[j * k + cl];
  });
  const keptSet = new Set(kept);
  return { type: "logistic", cols: x.cols, classCount: k, fill, mean, scale: scale.map((s, c) => (keptSet.has(c) ? s : 1)), weight, intercept: Array.from(theta.subarray(p * k)), iterations };
}

/** rows × K probabilities. */
export function predictLogistic(model: LogisticModel, x: Matrix): Float64Array {
  if (x.cols !== model.cols) throw new Error(`the logistic model was fitted on ${model.cols} columns, not ${x.cols}`);
  const k = model.classCount;
  const out = new Float64Array(x.rows * k);
  const s = new Float64Array(k);
  for (let r = 0; r < x.rows; r++) {
    s.set(model.intercept);
    for (let c = 0; c < x.cols; c++) {
      const v = x.values[r * x.cols + c];
      const zc = ((Number.isFinite(v) ? v : model.fill[c]) - model.mean[c]) / model.scale[c];
      if (zc === 0) continue;
      for (let cl = 0; cl < k; cl++) s[cl] += zc * model.weight[c * k + cl];
    }
    const max = Math.max(...s);
    let sum = 0;
    for (let cl = 0; cl < k; cl++) sum += out[r * k + cl] = Math.exp(s[cl] - max);
    for (let cl = 0; cl < k; cl++) out[r * k + cl] /= sum;
  }
  return out;
}

/** Minimises a smooth convex f from x0 until max |∇f| ≤ tolerance (or MAX_ITERATIONS). */
function lbfgs(f: (x: Float64Array, gradient: Float64Array) => number, x0: Float64Array, tolerance: number): { theta: Float64Array; iterations: number } {
  const size = x0.length;
  let x = x0;
  let g = new Float64Array(size);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let iteration = 0;
  for (; iteration < MAX_ITERATIONS && maxAbs(g) > tolerance; iteration++) {
    // Two-loop recursion: d = −H g.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let i = sList.length - 1; i >= 0; i--) {
      const a = dot(sList[i], q) / dot(yList[i], sList[i]);
      alphas[i] = a;
      for (let j = 0; j < size; j++) q[j] -= a * yList[i][j];
    }
    const gamma = sList.length ? dot(sList.at(-1)!, yList.at(-1)!) / dot(yList.at(-1)!, yList.at(-1)!) : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < size; j++) q[j] *= gamma;
    for (let i = 0; i < sList.length; i++) {
      const b = dot(yList[i], q) / dot(yList[i], sList[i]);
      for (let j = 0; j < size; j++) q[j] += sList[i][j] * (alphas[i] - b);
    }
    const d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      for (let j = 0; j < size; j++) d[j] = -g[j] / Math.max(1, maxAbs(g));
      slope = dot(g, d);
    }
    let step = 1;
    const next = new Float64Array(size);
    const nextG = new Float64Array(size);
    let fNext = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < size; j++) next[j] = x[j] + step * d[j];
      fNext = f(next, nextG);
      if (fNext <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNext < fx) && !(fNext <= fx)) break;
    const s = next.map((v, j) => v - x[j]);
    const y = nextG.map((v, j) => v - g[j]);
    if (dot(s, y) > 1e-12 * dot(y, y)) {
      sList.push(s);
      yList.push(y);
      if (sList.length > MEMORY) {
        sList.shift();
        yList.shift();
      }
    }
    x = next;
    g = nextG;
    if (Math.abs(fx - fNext) <= 1e-15 * Math.max(1, Math.abs(fx)) && step < 1e-12) break;
    fx = fNext;
  }
  return { theta: x, iterations: iteration };
}
