/**
 * Feature quantisation, after LightGBM's BinMapper (bin.cpp, GreedyFindBin):
 * each feature's values are cut into at most `maxBin` bins at boundaries
 * chosen from a sample so bins hold similar numbers of rows; with fewer
 * distinct values than `maxBin`, each distinct value gets its own bin and the
 * boundary is the midpoint between neighbours (as scikit-learn's thresholds).
 * NaN (missing) gets an extra bin after the value bins when the feature has
 * missing values in the sample.
 */

/** Bins of one feature: value v goes to the first bin b with v <= upperBounds[b]. */
export interface BinMapper {
  /** Ascending; the last is +Infinity. Length = number of value bins. */
  upperBounds: Float64Array;
  /** Whether a missing bin (index upperBounds.length) exists. */
  hasMissing: boolean;
}

/** Value bins + the missing bin if any. */
export function totalBins(mapper: BinMapper): number {
  return mapper.upperBounds.length + (mapper.hasMissing ? 1 : 0);
}

/** Bin boundaries for one feature from its (sampled) values; NaN marks missing. */
export function findBinMapper(values: Float64Array | Float32Array, maxBin: number): BinMapper {
  const sorted = values.slice().sort(); // typed-array sort is numeric, NaN last
  let present = sorted.length;
  while (present > 0 && Number.isNaN(sorted[present - 1])) present--;
  return findBinMapperSorted(sorted, present, present < sorted.length, maxBin);
}

/** Bin boundaries from the ascending values `sorted[0 .. present)`. */
export function findBinMapperSorted(sorted: Float64Array | Float32Array, present: number, hasMissing: boolean, maxBin: number): BinMapper {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < present; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      distinct.push(sorted[i]);
      counts.push(1);
    }
  }
  const bounds: number[] = [];
  if (distinct.length <= maxBin) {
    for (let i = 0; i + 1 < distinct.length; i++) bounds.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    // Greedy equal-count cuts: close a bin once it holds its share of what is left.
    let remaining = present;
    let binsLeft = maxBin;
    let inBin = 0;
    for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
      inBin += counts[i];
      const target = remaining / binsLeft;
      // Cut when the bin is full, or when adding the next value would overshoot more than stopping now.
      if (inBin >= target || inBin + counts[i + 1] - target > target - inBin) {
        bounds.push(midpoint(distinct[i], distinct[i + 1]));
        remaining -= inBin;
        binsLeft--;
        inBin = 0;
      }
    }
  }
  bounds.push(Infinity);
  return { upperBounds: Float64Array.from(bounds), hasMissing };
}

function midpoint(a: number, b: number): number {
  const m = (a + b) / 2;
  // Keep a < m strictly so that a lands left of the boundary and b right.
  return m >= b ? a : m;
}

/** The bin of `value` (binary search over upper bounds); NaN → the missing bin, or the bin of 0 if there is none. */
export function valueToBin(mapper: BinMapper, value: number): number {
  const bounds = mapper.upperBounds;
  if (Number.isNaN(value)) {
    if (mapper.hasMissing) return bounds.length;
    value = 0;
  }
  let low = 0;
  let high = bounds.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value <= bounds[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}
