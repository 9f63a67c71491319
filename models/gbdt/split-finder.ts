/**
 * Best threshold of one feature from its histogram (LightGBM's
 * FindBestThresholdSequentially): scan the value bins left to right, with
 * the missing bin sent right, then (if the feature has missing values) again
 * with it sent left, and keep the split of largest gain that leaves every
 * side at least `minDataInLeaf` rows and `minSumHessianInLeaf` hessian.
 */
import { leafGain } from "./split-math.js";

export interface SplitConstraints {
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambdaL2: number;
  minGainToSplit: number;
}

/**
 * A candidate split, packed in a Float64Array so workers can send it:
 * [gain, feature, thresholdBin, defaultLeft, leftG, leftH, leftCount].
 * gain = −Infinity means no valid split.
 */
export const splitFields = 7;
export const Split = { gain: 0, feature: 1, thresholdBin: 2, defaultLeft: 3, leftGradient: 4, leftHessian: 5, leftCount: 6 } as const;

export function emptySplit(out: Float64Array, at: number): void {
  out.fill(0, at, at + splitFields);
  out[at + Split.gain] = -Infinity;
}

/**
 * Updates `out[at ..]` when this feature has a better split (strictly larger
 * gain, so on ties the earlier feature and the lower threshold win — the same
 * however features are shared among threads). The feature's histogram starts
 * at `base` in the layout histogramStride(constantHessian) gives.
 */
export function findBestThreshold(
  histogram: Float64Array,
  base: number,
  feature: number,
  numBins: number,
  hasMissing: boolean,
  sumGradient: number,
  sumHessian: number,
  count: number,
  constraints: SplitConstraints,
  constantHessian: number,
  out: Float64Array,
  at: number,
): void {
  let bestGain = out[at + Split.gain];
  if (bestGain < constraints.minGainToSplit) bestGain = constraints.minGainToSplit;
  best.found = false;
  best.gain = bestGain;
  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    if (constantHessian > 0) scanConstantHessian(histogram, base, numBins, hasMissing, pass, sumGradient, sumHessian, count, constraints, constantHessian);
    else scan(histogram, base, numBins, hasMissing, pass, sumGradient, sumHessian, count, constraints);
  }
  if (!best.found) return;
  out[at + Split.gain] = best.gain;
  out[at + Split.feature] = feature;
  out[at + Split.thresholdBin] = best.bin;
  out[at + Split.defaultLeft] = best.defaultLeft;
  out[at + Split.leftGradient] = best.leftGradient;
  out[at + Split.leftHessian] = best.leftHessian;
  out[at + Split.leftCount] = best.leftCount;
}

/** The best threshold found so far for the feature being scanned (one per thread: the scans are synchronous). */
const best = { found: false, gain: 0, bin: 0, defaultLeft: 0, leftGradient: 0, leftHessian: 0, leftCount: 0 };

/**
 * One left-to-right scan of thresholds over [gradient, hessian, count] bins.
 * pass 0: missing right (thresholds up to the last value bin: "values |
 * missing"); pass 1: missing left (the missing bin starts on the left).
 */
function scan(histogram: Float64Array, base: number, numBins: number, hasMissing: boolean, pass: number, sumGradient: number, sumHessian: number, count: number, constraints: SplitConstraints): void {
  const { minDataInLeaf, minSumHessianInLeaf, lambdaL2 } = constraints;
  const parentGain = leafGain(sumGradient, sumHessian, lambdaL2);
  const valueBins = hasMissing ? numBins - 1 : numBins;
  let bestGain = best.gain;
  let bestBin = -1;
  let bestLG = 0;
  let bestLH = 0;
  let bestLC = 0;
  let lg = 0;
  let lh = 0;
  let lc = 0;
  if (pass === 1) {
    const m = base + (numBins - 1) * 3;
    lg = histogram[m];
    lh = histogram[m + 1];
    lc = histogram[m + 2];
  }
  const lastThreshold = pass === 0 && hasMissing ? valueBins - 1 : valueBins - 2;
  for (let t = 0, h = base; t <= lastThreshold; t++, h += 3) {
    lg += histogram[h];
    lh += histogram[h + 1];
    lc += histogram[h + 2];
    if (lc < minDataInLeaf || lh < minSumHessianInLeaf) continue;
    const rc = count - lc;
    const rh = sumHessian - lh;
    if (rc < minDataInLeaf) break;
    if (rh < minSumHessianInLeaf) break;
    const rg = sumGradient - lg;
    const gain = (lg * lg) / (lh + lambdaL2) + (rg * rg) / (rh + lambdaL2) - parentGain;
    if (gain > bestGain) {
      bestGain = gain;
      bestBin = t;
      bestLG = lg;
      bestLH = lh;
      bestLC = lc;
    }
  }
  if (bestBin >= 0) record(bestGain, bestBin, pass, hasMissing, count, bestLG, bestLH, bestLC);
}

/** scan() over [gradient, count] bins, a bin's hessian being count x constantHessian. */
function scanConstantHessian(
  histogram: Float64Array,
  base: number,
  numBins: number,
  hasMissing: boolean,
  pass: number,
  sumGradient: number,
  sumHessian: number,
  count: number,
  constraints: SplitConstraints,
  constantHessian: number,
): void {
  const { minDataInLeaf, minSumHessianInLeaf, lambdaL2 } = constraints;
  const parentGain = leafGain(sumGradient, sumHessian, lambdaL2);
  const valueBins = hasMissing ? numBins - 1 : numBins;
  let bestGain = best.gain;
  let bestBin = -1;
  let bestLG = 0;
  let bestLH = 0;
  let bestLC = 0;
  let lg = 0;
  let lc = 0;
  if (pass === 1) {
    const m = base + (numBins - 1) * 2;
    lg = histogram[m];
    lc = histogram[m + 1];
  }
  const lastThreshold = pass === 0 && hasMissing ? valueBins - 1 : valueBins - 2;
  for (let t = 0, h = base; t <= lastThreshold; t++, h += 2) {
    lg += histogram[h];
    lc += histogram[h + 1];
    const lh = lc * constantHessian;
    if (lc < minDataInLeaf || lh < minSumHessianInLeaf) continue;
    const rc = count - lc;
    const rh = sumHessian - lh;
    if (rc < minDataInLeaf) break;
    if (rh < minSumHessianInLeaf) break;
    const rg = sumGradient - lg;
    const gain = (lg * lg) / (lh + lambdaL2) + (rg * rg) / (rh + lambdaL2) - parentGain;
    if (gain > bestGain) {
      bestGain = gain;
      bestBin = t;
      bestLG = lg;
      bestLH = lh;
      bestLC = lc;
    }
  }
  if (bestBin >= 0) record(bestGain, bestBin, pass, hasMissing, count, bestLG, bestLH, bestLC);
}

/** Keeps a scan's best threshold; with no missing values the default direction is the side that saw more rows. */
function record(gain: number, bin: number, pass: number, hasMissing: boolean, count: number, leftGradient: number, leftHessian: number, leftCount: number): void {
  best.found = true;
  best.gain = gain;
  best.bin = bin;
  best.defaultLeft = pass === 1 ? 1 : hasMissing ? 0 : leftCount >= count - leftCount ? 1 : 0;
  best.leftGradient = leftGradient;
  best.leftHessian = leftHessian;
  best.leftCount = leftCount;
}
