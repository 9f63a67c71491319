/**
 * Gradient histograms of a leaf (LightGBM's FeatureHistogram): for every
 * feature and bin, the sums of gradient, hessian and row count of the leaf's
 * rows, interleaved as Float64 triples at (binOffsets[feature] + bin) * 3.
 * Gradients arrive "ordered" (gathered in the leaf's row order, as LightGBM
 * does) so the inner loop reads them sequentially.
 *
 * Each loop lives in its own small function: V8 then optimises each one
 * with complete type feedback instead of repeatedly deoptimising one large
 * function at its not-yet-run loops (measured: 2-5x slower and erratic).
 */

export const histogramStride = 3;

/**
 * Sums the rows `indices[start .. start+count)` of each feature in
 * `features[from .. to)` into `histogram` at `base` (zeroing it first).
 * With `constantHessian` > 0 (l2, quantile) only gradients and counts are
 * summed (a third fewer memory updates) and hessians are count x constantHessian.
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
  const end = start + count;
  for (let k = from; k < to; k++) {
    const feature = features[k];
    histogram.fill(0, base + binOffsets[feature] * 3, base + binOffsets[feature + 1] * 3);
  }
  let k = from;
  // Four features per pass over the rows: one read of the row index and
  // gradient feeds four independent histograms (~1.7x faster than one).
  for (; k + 4 <= to; k += 4) {
    const c0 = features[k] * rows;
    const c1 = features[k + 1] * rows;
    const c2 = features[k + 2] * rows;
    const c3 = features[k + 3] * rows;
    const o0 = base + binOffsets[features[k]] * 3;
    const o1 = base + binOffsets[features[k + 1]] * 3;
    const o2 = base + binOffsets[features[k + 2]] * 3;
    const o3 = base + binOffsets[features[k + 3]] * 3;
    if (constantHessian > 0) addFourFeaturesConstantHessian(bins, c0, c1, c2, c3, o0, o1, o2, o3, indices, orderedGradients, start, end, histogram);
    else addFourFeatures(bins, c0, c1, c2, c3, o0, o1, o2, o3, indices, orderedGradients, orderedHessians, start, end, histogram);
  }
  for (; k < to; k++) {
    addFeature(bins, features[k] * rows, base + binOffsets[features[k]] * 3, indices, orderedGradients, orderedHessians, start, end, histogram, constantHessian > 0);
  }
  if (constantHessian > 0) {
    for (let j = from; j < to; j++) {
      const feature = features[j];
      fillHessians(histogram, base + binOffsets[feature] * 3, base + binOffsets[feature + 1] * 3, constantHessian);
    }
  }
}

function addFourFeatures(
  bins: Uint8Array,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  indices: Int32Array,
  orderedGradients: Float64Array,
  orderedHessians: Float64Array,
  start: number,
  end: number,
  histogram: Float64Array,
): void {
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

function addFourFeaturesConstantHessian(
  bins: Uint8Array,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  indices: Int32Array,
  orderedGradients: Float64Array,
  start: number,
  end: number,
  histogram: Float64Array,
): void {
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

function addFeature(
  bins: Uint8Array,
  column: number,
  offset: number,
  indices: Int32Array,
  orderedGradients: Float64Array,
  orderedHessians: Float64Array,
  start: number,
  end: number,
  histogram: Float64Array,
  skipHessians: boolean,
): void {
  for (let i = start; i < end; i++) {
    const at = offset + bins[column + indices[i]] * 3;
    histogram[at] += orderedGradients[i];
    if (!skipHessians) histogram[at + 1] += orderedHessians[i];
    histogram[at + 2] += 1;
  }
}

function fillHessians(histogram: Float64Array, first: number, last: number, constantHessian: number): void {
  for (let at = first; at < last; at += 3) histogram[at + 1] = histogram[at + 2] * constantHessian;
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
    subtractRange(histogram, parentBase + binOffsets[feature] * 3, childBase + binOffsets[feature] * 3, (binOffsets[feature + 1] - binOffsets[feature]) * 3);
  }
}

function subtractRange(histogram: Float64Array, parent: number, child: number, length: number): void {
  for (let j = 0; j < length; j++) histogram[parent + j] -= histogram[child + j];
}
