/**
 * Gradient histograms of a leaf (LightGBM's FeatureHistogram): for every
 * feature and bin, the sums of gradient, hessian and row count of the leaf's
 * rows, interleaved as Float64 triples at (binOffsets[feature] + bin) * 3.
 * Gradients arrive "ordered" (gathered in the leaf's row order, as LightGBM
 * does) so the inner loop reads them sequentially.
 */

export const histogramStride = 3;

/**
 * Adds the rows `indices[start .. start+count)` of each feature in
 * `features[from .. to)` into `histogram` at `base` (which it zeroes first).
 */
export function buildHistogram(
  bins: Uint8Array,
  rows: number,
  binOffsets: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  indices: Int32Array,
  orderedGradients: Float64Array,
  orderedHessians: Float64Array,
  start: number,
  count: number,
  histogram: Float64Array,
  base: number,
  constantHessian: number,
): void {
  if (constantHessian > 0) {
    buildHistogramConstantHessian(bins, rows, binOffsets, features, from, to, indices, orderedGradients, start, count, histogram, base, constantHessian);
    return;
  }
  const end = start + count;
  for (let k = from; k < to; k++) {
    const feature = features[k];
    histogram.fill(0, base + binOffsets[feature] * 3, base + binOffsets[feature + 1] * 3);
  }
  let k = from;
  // Four features per pass over the rows: one read of the row index and
  // gradients feeds four independent histograms (~1.7x faster than one).
  for (; k + 4 <= to; k += 4) {
    const c0 = features[k] * rows;
    const c1 = features[k + 1] * rows;
    const c2 = features[k + 2] * rows;
    const c3 = features[k + 3] * rows;
    const o0 = base + binOffsets[features[k]] * 3;
    const o1 = base + binOffsets[features[k + 1]] * 3;
    const o2 = base + binOffsets[features[k + 2]] * 3;
    const o3 = base + binOffsets[features[k + 3]] * 3;
    for (let i = start; i < end; i++) {
      const row = indices[i];
      const g = orderedGradients[i];
      const h = orderedHessians[i];
      let at = o0 + bins[c0 + row] * 3;
      histogram[at] += g;
      histogram[at + 1] += h;
      histogram[at + 2] += 1;
      at = o1 + bins[c1 + row] * 3;
      histogram[at] += g;
      histogram[at + 1] += h;
      histogram[at + 2] += 1;
      at = o2 + bins[c2 + row] * 3;
      histogram[at] += g;
      histogram[at + 1] += h;
      histogram[at + 2] += 1;
      at = o3 + bins[c3 + row] * 3;
      histogram[at] += g;
      histogram[at + 1] += h;
      histogram[at + 2] += 1;
    }
  }
  for (; k < to; k++) {
    const column = features[k] * rows;
    const offset = base + binOffsets[features[k]] * 3;
    for (let i = start; i < end; i++) {
      const at = offset + bins[column + indices[i]] * 3;
      histogram[at] += orderedGradients[i];
      histogram[at + 1] += orderedHessians[i];
      histogram[at + 2] += 1;
    }
  }
}

/**
 * buildHistogram when every row's hessian is `constantHessian` (l2, quantile):
 * only gradients and counts are summed (a third fewer memory updates) and the
 * hessian sums are count x constantHessian.
 */
function buildHistogramConstantHessian(
  bins: Uint8Array,
  rows: number,
  binOffsets: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  indices: Int32Array,
  orderedGradients: Float64Array,
  start: number,
  count: number,
  histogram: Float64Array,
  base: number,
  constantHessian: number,
): void {
  const end = start + count;
  for (let k = from; k < to; k++) {
    const feature = features[k];
    histogram.fill(0, base + binOffsets[feature] * 3, base + binOffsets[feature + 1] * 3);
  }
  let k = from;
  for (; k + 4 <= to; k += 4) {
    const c0 = features[k] * rows;
    const c1 = features[k + 1] * rows;
    const c2 = features[k + 2] * rows;
    const c3 = features[k + 3] * rows;
    const o0 = base + binOffsets[features[k]] * 3;
    const o1 = base + binOffsets[features[k + 1]] * 3;
    const o2 = base + binOffsets[features[k + 2]] * 3;
    const o3 = base + binOffsets[features[k + 3]] * 3;
    for (let i = start; i < end; i++) {
      const row = indices[i];
      const g = orderedGradients[i];
      let at = o0 + bins[c0 + row] * 3;
      histogram[at] += g;
      histogram[at + 2] += 1;
      at = o1 + bins[c1 + row] * 3;
      histogram[at] += g;
      histogram[at + 2] += 1;
      at = o2 + bins[c2 + row] * 3;
      histogram[at] += g;
      histogram[at + 2] += 1;
      at = o3 + bins[c3 + row] * 3;
      histogram[at] += g;
      histogram[at + 2] += 1;
    }
  }
  for (; k < to; k++) {
    const column = features[k] * rows;
    const offset = base + binOffsets[features[k]] * 3;
    for (let i = start; i < end; i++) {
      const at = offset + bins[column + indices[i]] * 3;
      histogram[at] += orderedGradients[i];
      histogram[at + 2] += 1;
    }
  }
  for (let k = from; k < to; k++) {
    const feature = features[k];
    const last = base + binOffsets[feature + 1] * 3;
    for (let at = base + binOffsets[feature] * 3; at < last; at += 3) histogram[at + 1] = histogram[at + 2] * constantHessian;
  }
}

/** In place: the parent's histogram at `parentBase` becomes parent − child (the larger sibling's). */
export function subtractHistogram(
  binOffsets: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  histogram: Float64Array,
  parentBase: number,
  childBase: number,
): void {
  for (let k = from; k < to; k++) {
    const feature = features[k];
    const first = binOffsets[feature] * 3;
    const last = binOffsets[feature + 1] * 3;
    for (let j = first; j < last; j++) histogram[parentBase + j] -= histogram[childBase + j];
  }
}
