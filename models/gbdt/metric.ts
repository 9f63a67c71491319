/** Evaluation metrics (LightGBM's Metric); smaller is better for all of these. */

/** Root mean squared error √(Σ(score − label)²/n), in the label's unit. */
export function rootMeanSquaredError(labels: Float32Array, scores: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i] - labels[i];
    sum += d * d;
  }
  return Math.sqrt(sum / labels.length);
}

/** Coefficient of determination 1 − SS_res/SS_tot. */
export function rSquared(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < labels.length; i++) mean += labels[i];
  mean /= labels.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    residual += (labels[i] - predictions[i]) ** 2;
    total += (labels[i] - mean) ** 2;
  }
  return 1 - residual / total;
}
