/**
 * Row-wise softmax of `rows` × `k` scores (class logits) into `out`, in
 * float64 with each row's maximum subtracted first: the class
 * probabilities of the GBDT and CNN classifiers.
 */
export function softmaxRows(scores: ArrayLike<number>, out: Float64Array, rows: number, k: number): Float64Array {
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(scores[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] /= sum;
  }
  return out;
}
