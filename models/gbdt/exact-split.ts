/**
 * Exact best split of one leaf over the raw feature values, as
 * scikit-learn's BestSplitter does for squared error: per feature, sort the
 * leaf's rows by value and try every cut between consecutive distinct
 * values, keeping the largest gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
 * (for l2 with λ = 0 the drop in squared error). The decision tree uses it
 * at leaves of few rows, where a 255-bin histogram can miss the best feature.
 * Features with missing values are left to the histogram search.
 */
import type { Matrix } from "../learner.js";
import { Split, splitFields, type SplitConstraints } from "./split-finder.js";
import { leafGain } from "./split-math.js";

/** A leaf's rows: indices[start .. start+count), with gradients and hessians in the same order. */
export interface LeafRows {
  indices: Int32Array;
  gradients: Float64Array;
  hessians: Float64Array;
  start: number;
  count: number;
  sumGradient: number;
  sumHessian: number;
}

/** Features copied per pass over the leaf's rows (the raw matrix is row-major). */
const featureBlock = 64;

export class ExactSplitFinder {
  /** Best split of the last find() (gain −Infinity when none) and its raw threshold: values ≤ it go left. */
  readonly split = new Float64Array(splitFields);
  threshold = NaN;
  private readonly block: Float32Array;
  private readonly keys: Float64Array;
  /** Position multiplier in a sort key: key = orderedBits(value) · positions + position, exact below 2^53. */
  private readonly positions: number;

  /** `capacity`: most rows a leaf may have (at most 2^21). */
  constructor(readonly capacity: number) {
    this.positions = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    if (this.positions > 2 ** 21) throw new Error(`assertion: exact split capacity ${capacity} above 2^21`);
    this.block = new Float32Array(featureBlock * capacity);
    this.keys = new Float64Array(capacity);
  }

  /**
   * Searches `features` (ascending; strictly larger gain wins, so ties keep
   * the earlier feature and the lower cut), skipping those with
   * hasMissing[feature] = 1. `bins` (column-major, binned from `raw`) give
   * the split's threshold bin.
   */
  find(raw: Matrix, bins: Uint8Array, hasMissing: Uint8Array, features: Int32Array, leaf: LeafRows, constraints: SplitConstraints): void {
    const { minDataInLeaf, minSumHessianInLeaf, lambdaL2, minGainToSplit } = constraints;
    const { indices, gradients, hessians, start, count, sumGradient, sumHessian } = leaf;
    if (count > this.capacity) throw new Error(`assertion: leaf of ${count} rows above exact split capacity ${this.capacity}`);
    const { split, block, positions } = this;
    const keys = this.keys.subarray(0, count);
    const blockBits = new Uint32Array(block.buffer, block.byteOffset, block.length);
    const { values, cols } = raw;
    const parentGain = leafGain(sumGradient, sumHessian, lambdaL2);
    split.fill(0);
    split[Split.gain] = -Infinity;
    let bestGain = minGainToSplit;
    for (let from = 0; from < features.length; from += featureBlock) {
      const to = Math.min(features.length, from + featureBlock);
      for (let i = 0; i < count; i++) {
        const rowAt = indices[start + i] * cols;
        for (let k = from; k < to; k++) block[(k - from) * count + i] = values[rowAt + features[k]];
      }
      for (let k = from; k < to; k++) {
        const feature = features[k];
        if (hasMissing[feature] === 1) continue;
        const base = (k - from) * count;
        for (let i = 0; i < count; i++) keys[i] = orderedBits(blockBits[base + i]) * positions + i;
        keys.sort();
        let g = 0;
        let h = 0;
        for (let c = 1; c < count; c++) {
          const position = keys[c - 1] % positions;
          g += gradients[start + position];
          h += hessians[start + position];
          if (c < minDataInLeaf || h < minSumHessianInLeaf) continue;
          if (count - c < minDataInLeaf || sumHessian - h < minSumHessianInLeaf) break;
          const value = block[base + position];
          if (block[base + (keys[c] % positions)] === value) continue; // no cut between equal values
          const rg = sumGradient - g;
          const gain = (g * g) / (h + lambdaL2) + (rg * rg) / (sumHessian - h + lambdaL2) - parentGain;
          if (gain > bestGain) {
            bestGain = gain;
            split[Split.gain] = gain;
            split[Split.feature] = feature;
            split[Split.thresholdBin] = bins[feature * raw.rows + indices[start + position]];
            // No missing values: the default direction is the side that saw more rows (as the histogram search).
            split[Split.defaultLeft] = c >= count - c ? 1 : 0;
            split[Split.leftGradient] = g;
            split[Split.leftHessian] = h;
            split[Split.leftCount] = c;
            this.threshold = value;
          }
        }
      }
    }
    if (split[Split.gain] === -Infinity) this.threshold = NaN;
  }
}

/** Float32 bits as an unsigned key in numeric order (negatives inverted, positives get the sign bit). */
function orderedBits(bits: number): number {
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}
