/**
 * Classification metrics of a classifier on held-out galaxies, from the
 * true class indices and the predicted class probabilities (rows × K), with
 * the predicted class the most probable one (ties: the lower index):
 *
 *   accuracy           fraction predicted right
 *   balancedAccuracy   mean over the classes present in the truth of their recall
 *                      (scikit-learn's balanced_accuracy_score)
 *   macroF1            mean over the classes present in the truth or the
 *                      predictions of F1 = 2PR/(P+R), 0 where P+R = 0
 *                      (scikit-learn's f1_score(average="macro"))
 *   confusion          rows = true class, columns = predicted, over all K classes
 *   brierScore         mean over galaxies of Σ_k (p_k − [y = k])²  (0 best, 2 worst)
 *   logLoss            mean −log p_y, p clipped at 1e-15
 *   reliability        galaxies binned by the predicted class's probability
 *                      (10 equal bins of [0, 1]): per bin the mean probability
 *                      and the fraction right; `expectedCalibrationError` is their
 *                      count-weighted mean absolute difference (Guo et al. 2017, ICML)
 */

export interface ClassScores {
  className: string;
  /** Test galaxies of this class. */
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ReliabilityBin {
  low: number;
  high: number;
  count: number;
  meanProbability: number | null;
  accuracy: number | null;
}

export interface ClassificationMetrics {
  count: number;
  classes: string[];
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  /** confusion[t][p]: galaxies of true class t predicted as p. */
  confusion: number[][];
  perClass: ClassScores[];
  brierScore: number;
  logLoss: number;
  expectedCalibrationError: number;
  reliability: ReliabilityBin[];
}

export const RELIABILITY_BINS = 10;

/** Index of the largest probability of row i. */
export function argmaxRow(probabilities: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
  return best;
}

export function classificationMetrics(truth: ArrayLike<number>, probabilities: ArrayLike<number>, classes: readonly string[]): ClassificationMetrics {
  const n = truth.length;
  const k = classes.length;
  if (probabilities.length !== n * k) throw new Error("metrics: probabilities must be rows × classes");
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let brier = 0;
  let logLoss = 0;
  const bins = Array.from({ length: RELIABILITY_BINS }, () => ({ count: 0, probability: 0, right: 0 }));
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    const p = argmaxRow(probabilities, i, k);
    confusion[t][p]++;
    for (let c = 0; c < k; c++) brier += (probabilities[i * k + c] - (c === t ? 1 : 0)) ** 2;
    logLoss -= Math.log(Math.max(1e-15, probabilities[i * k + t]));
    const confidence = probabilities[i * k + p];
    const bin = bins[Math.min(RELIABILITY_BINS - 1, Math.floor(confidence * RELIABILITY_BINS))];
    bin.count++;
    bin.probability += confidence;
    if (p === t) bin.right++;
  }
  let right = 0;
  for (let c = 0; c < k; c++) right += confusion[c][c];
  const perClass: ClassScores[] = classes.map((className, c) => {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const tp = confusion[c][c];
    const precision = predicted > 0 ? tp / predicted : support > 0 ? 0 : null;
    const recall = support > 0 ? tp / support : predicted > 0 ? 0 : null;
    const f1 = precision === null && recall === null ? null : (precision ?? 0) + (recall ?? 0) > 0 ? (2 * (precision ?? 0) * (recall ?? 0)) / ((precision ?? 0) + (recall ?? 0)) : 0;
    return { className, support, precision, recall, f1 };
  });
  const present = perClass.filter((s) => s.support > 0);
  const seen = perClass.filter((s) => s.f1 !== null);
  const ece = bins.reduce((a, b) => a + (b.count > 0 ? (b.count / n) * Math.abs(b.probability / b.count - b.right / b.count) : 0), 0);
  return {
    count: n,
    classes: [...classes],
    accuracy: n > 0 ? right / n : NaN,
    balancedAccuracy: present.length ? present.reduce((a, s) => a + s.recall!, 0) / present.length : NaN,
    macroF1: seen.length ? seen.reduce((a, s) => a + s.f1!, 0) / seen.length : NaN,
    confusion,
    perClass,
    brierScore: n > 0 ? brier / n : NaN,
    logLoss: n > 0 ? logLoss / n : NaN,
    expectedCalibrationError: ece,
    reliability: bins.map((b, j) => ({
      low: j / RELIABILITY_BINS,
      high: (j + 1) / RELIABILITY_BINS,
      count: b.count,
      meanProbability: b.count > 0 ? b.probability / b.count : null,
      accuracy: b.count > 0 ? b.right / b.count : null,
    })),
  };
}

/** Mean and sample standard deviation over CV folds of the classification metrics. */
export interface ClassificationCv {
  folds: number;
  accuracyMean: number;
  accuracyStd: number;
  balancedAccuracyMean: number;
  balancedAccuracyStd: number;
  macroF1Mean: number;
  macroF1Std: number;
  logLossMean: number;
  logLossStd: number;
}

function meanStd(values: number[]): [number, number] {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return [mean, Math.sqrt(variance)];
}

export function summariseClassificationFolds(folds: ClassificationMetrics[]): ClassificationCv {
  const [accuracyMean, accuracyStd] = meanStd(folds.map((m) => m.accuracy));
  const [balancedAccuracyMean, balancedAccuracyStd] = meanStd(folds.map((m) => m.balancedAccuracy));
  const [macroF1Mean, macroF1Std] = meanStd(folds.map((m) => m.macroF1));
  const [logLossMean, logLossStd] = meanStd(folds.map((m) => m.logLoss));
  return { folds: folds.length, accuracyMean, accuracyStd, balancedAccuracyMean, balancedAccuracyStd, macroF1Mean, macroF1Std, logLossMean, logLossStd };
}
