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
 * however features are shared among threads).
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
  out: Float64Array,
  at: number,
): void {
  const { minDataInLeaf, minSumHessianInLeaf, lambdaL2, minGainToSplit } = constraints;
  const parentGain = leafGain(sumGradient, sumHessian, lambdaL2);
  const valueBins = hasMissing ? numBins - 1 : numBins;
  let bestGain = out[at + Split.gain];
  if (bestGain < minGainToSplit) bestGain = minGainToSplit;
  let found = false;
  let bestBin = 0;
  let bestDefaultLeft = 0;
  let bestLG = 0;
  let bestLH = 0;
  let bestLC = 0;
  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    // pass 0: missing right (thresholds up to the last value bin: "values | missing");
    // pass 1: missing left.
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
        found = true;
        bestBin = t;
        bestLG = lg;
        bestLH = lh;
        bestLC = lc;
        // With no missing values the default direction is the side that saw more rows.
        bestDefaultLeft = pass === 1 ? 1 : hasMissing ? 0 : lc >= rc ? 1 : 0;
      }
    }
  }
  if (!found) return;
  out[at + Split.gain] = bestGain;
  out[at + Split.feature] = feature;
  out[at + Split.thresholdBin] = bestBin;
  out[at + Split.defaultLeft] = bestDefaultLeft;
  out[at + Split.leftGradient] = bestLG;
  out[at + Split.leftHessian] = bestLH;
  out[at + Split.leftCount] = bestLC;
}
