/**
 * Feature quantisation, after LightGBM's BinMapper::FindBin (bin.cpp,
 * FindBinWithZeroAsOneBin and GreedyFindBin): the values of a feature are
 * cut at zero into negatives, a bin of their own for zeros, and positives;
 * each side gets bins in proportion to its rows and is cut greedily so that
 * bins hold similar numbers of rows, with values frequent enough to fill a
 * bin alone kept alone, and no bin below `minDataInBin` rows. A feature
 * with no more distinct values than bins gives each value its own bin
 * (again merged up to `minDataInBin` rows). Boundaries lie midway between
 * the last value of a bin and the first of the next. NaN (missing) gets an
 * extra bin after the value bins when the feature has missing values in the
 * sample. Matching LightGBM's boundaries matters for accuracy: on the
 * bench's 8,000 x 3,000 data set its bins alone account for the held-out R²
 * gap we had (0.7174 against 0.7263; fed the same bins, both learners reach
 * 0.717; bench/RESULTS.md).
 */

/** Bins of one feature: value v goes to the first bin b with v <= upperBounds[b]. */
export interface BinMapper {
  /** Ascending; the last is +Infinity. Length = number of value bins. */
  upperBounds: Float64Array;
  /** Whether a missing bin (index upperBounds.length) exists. */
  hasMissing: boolean;
}

/** LightGBM's default min_data_in_bin: fewest sampled rows a bin may hold. */
export const defaultMinDataInBin = 3;

/** Values within ±zeroThreshold count as zero (LightGBM's kZeroThreshold). */
export const zeroThreshold = 1e-35;

/** Value bins + the missing bin if any. */
export function totalBins(mapper: BinMapper): number {
  return mapper.upperBounds.length + (mapper.hasMissing ? 1 : 0);
}

/** Bin boundaries for one feature from its (sampled) values; NaN marks missing. */
export function findBinMapper(values: Float64Array | Float32Array, maxBin: number, minDataInBin = defaultMinDataInBin): BinMapper {
  const sorted = values.slice().sort(); // typed-array sort is numeric, NaN last
  let present = sorted.length;
  while (present > 0 && Number.isNaN(sorted[present - 1])) present--;
  return findBinMapperSorted(sorted, present, present < sorted.length, maxBin, minDataInBin);
}

/** Bin boundaries from the ascending values `sorted[0 .. present)`. */
export function findBinMapperSorted(
  sorted: Float64Array | Float32Array,
  present: number,
  hasMissing: boolean,
  maxBin: number,
  minDataInBin = defaultMinDataInBin,
): BinMapper {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < present; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      distinct.push(sorted[i]);
      counts.push(1);
    }
  }
  const bounds = distinct.length === 0 ? [Infinity] : zeroAsOneBin(distinct, counts, present, maxBin, minDataInBin);
  return { upperBounds: Float64Array.from(bounds), hasMissing };
}

/**
 * Negative values, then a bin (−zeroThreshold, zeroThreshold] for zeros,
 * then positive values; the negatives get their share of `maxBin − 1` bins
 * by row count (LightGBM's FindBinWithZeroAsOneBin).
 */
function zeroAsOneBin(distinct: number[], counts: number[], total: number, maxBin: number, minDataInBin: number): number[] {
  let negatives = 0; // distinct values below the zero bin
  let negativeRows = 0;
  let zeroRows = 0;
  let positiveStart = distinct.length;
  for (let i = 0; i < distinct.length; i++) {
    if (distinct[i] <= -zeroThreshold) {
      negatives = i + 1;
      negativeRows += counts[i];
    } else if (distinct[i] <= zeroThreshold) zeroRows += counts[i];
    else if (positiveStart === distinct.length) positiveStart = i;
  }
  const positiveRows = total - negativeRows - zeroRows;
  let bounds: number[] = [];
  if (negatives > 0 && maxBin > 1) {
    const negativeBins = Math.max(1, Math.floor((negativeRows / (total - zeroRows)) * (maxBin - 1)));
    bounds = greedyBins(distinct.slice(0, negatives), counts.slice(0, negatives), negativeBins, negativeRows, minDataInBin);
    bounds[bounds.length - 1] = -zeroThreshold;
  }
  const positiveBins = maxBin - 1 - bounds.length;
  if (positiveStart < distinct.length && positiveBins > 0) {
    bounds.push(zeroThreshold);
    bounds.push(...greedyBins(distinct.slice(positiveStart), counts.slice(positiveStart), positiveBins, positiveRows, minDataInBin));
  } else bounds.push(Infinity);
  return bounds;
}

/**
 * Upper bounds (the last +Infinity) cutting ascending distinct values with
 * their counts into at most `maxBin` bins of similar row counts (LightGBM's
 * GreedyFindBin).
 */
function greedyBins(distinct: number[], counts: number[], maxBin: number, total: number, minDataInBin: number): number[] {
  const n = distinct.length;
  const bounds: number[] = [];
  const push = (low: number, high: number) => {
    const bound = upperMidpoint(low, high);
    if (bound === Infinity) return; // +Infinity values share the last bin
    if (bounds.length === 0 || bound > bounds[bounds.length - 1]) bounds.push(bound);
  };
  if (n <= maxBin) {
    let inBin = 0;
    for (let i = 0; i + 1 < n; i++) {
      inBin += counts[i];
      if (inBin >= minDataInBin) {
        push(distinct[i], distinct[i + 1]);
        inBin = 0;
      }
    }
    bounds.push(Infinity);
    return bounds;
  }
  if (minDataInBin > 0) maxBin = Math.max(1, Math.min(maxBin, Math.floor(total / minDataInBin)));
  // Values that fill a bin alone are bins of their own; the rest share the remaining bins evenly.
  let meanBinSize = total / maxBin;
  let restBins = maxBin;
  let restRows = total;
  const big = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (counts[i] >= meanBinSize) {
      big[i] = 1;
      restBins--;
      restRows -= counts[i];
    }
  }
  meanBinSize = restRows / restBins;
  let bins = 0;
  let inBin = 0;
  for (let i = 0; i + 1 < n; i++) {
    if (!big[i]) restRows -= counts[i];
    inBin += counts[i];
    if (big[i] || inBin >= meanBinSize || (big[i + 1] && inBin >= Math.max(1, meanBinSize * 0.5))) {
      push(distinct[i], distinct[i + 1]);
      bins++;
      if (bins >= maxBin - 1) break;
      inBin = 0;
      if (!big[i]) {
        restBins--;
        meanBinSize = restRows / restBins;
      }
    }
  }
  bounds.push(Infinity);
  return bounds;
}

const bits = new Float64Array(1);
const bitsInteger = new BigInt64Array(bits.buffer);

/**
 * The smallest double above the midpoint of a < b (LightGBM's
 * GetDoubleUpperBound), kept below b so that a lands left of the boundary and b right.
 */
function upperMidpoint(a: number, b: number): number {
  const m = (a + b) / 2;
  if (!Number.isFinite(m)) return m;
  bits[0] = m;
  if (m === 0) bitsInteger[0] = 1n; // the smallest positive double
  else bitsInteger[0] += m > 0 ? 1n : -1n;
  const up = bits[0];
  return up < b ? up : m < b ? m : a;
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
