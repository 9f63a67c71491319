/**
 * Regression metrics of a predictor on held-out galaxies (all in dex of
 * log10 SFR except R² and coverage).
 *
 *   R²    = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
 *   MAE   = mean |y − ŷ|
 *   RMSE  = sqrt(mean (y − ŷ)²)
 *   NMAD  = 1.4826 × median |e − median e|, e = ŷ − y  (robust scatter; equals σ for Gaussian errors)
 *   coverage1Sigma = fraction with |y − ŷ| ≤ σ̂  (≈ 0.683 when σ̂ is calibrated)
 */

export interface Metrics {
  count: number;
  r2: number;
  mae: number;
  rmse: number;
  nmad: number;
  /** Null when the predictor gives no uncertainty. */
  coverage1Sigma: number | null;
}

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

export function nmad(errors: ArrayLike<number>): number {
  const m = median(errors);
  return 1.4826 * median(Array.from(errors, (e) => Math.abs(e - m)));
}

export function regressionMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, sigma?: ArrayLike<number>): Metrics {
  const n = truth.length;
  if (predicted.length !== n || (sigma && sigma.length !== n)) throw new Error("metrics: arrays of different lengths");
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  let absSum = 0;
  let covered = 0;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = predicted[i] - truth[i];
    errors[i] = e;
    ssRes += e * e;
    ssTot += (truth[i] - mean) ** 2;
    absSum += Math.abs(e);
    if (sigma && Math.abs(e) <= sigma[i]) covered++;
  }
  return {
    count: n,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN,
    mae: absSum / n,
    rmse: Math.sqrt(ssRes / n),
    nmad: nmad(errors),
    coverage1Sigma: sigma ? covered / n : null,
  };
}

/** Mean and (sample) standard deviation of each metric over CV folds. */
export interface CvSummary {
  folds: number;
  r2Mean: number;
  r2Std: number;
  maeMean: number;
  maeStd: number;
  rmseMean: number;
  rmseStd: number;
  nmadMean: number;
  nmadStd: number;
}

function meanStd(values: number[]): [number, number] {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return [mean, Math.sqrt(variance)];
}

export function summariseFolds(folds: Metrics[]): CvSummary {
  const [r2Mean, r2Std] = meanStd(folds.map((m) => m.r2));
  const [maeMean, maeStd] = meanStd(folds.map((m) => m.mae));
  const [rmseMean, rmseStd] = meanStd(folds.map((m) => m.rmse));
  const [nmadMean, nmadStd] = meanStd(folds.map((m) => m.nmad));
  return { folds: folds.length, r2Mean, r2Std, maeMean, maeStd, rmseMean, rmseStd, nmadMean, nmadStd };
}
