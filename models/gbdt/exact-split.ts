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
  /** Positions (in the leaf) in ascending value order, for one feature. */
  private readonly order: Int32Array;
  private readonly rowBins: Int32Array;
  private readonly binCounts = new Int32Array(257);

  /** `capacity`: most rows a leaf may have. */
  constructor(readonly capacity: number) {
    this.block = new Float32Array(featureBlock * capacity);
    this.order = new Int32Array(capacity);
    this.rowBins = new Int32Array(capacity);
  }

  /**
   * Searches `features` (ascending; strictly larger gain wins, so ties keep
   * the earlier feature and the lower cut), skipping those with
   * hasMissing[feature] = 1. `bins` (column-major, binned from `raw`, at
   * most 256 per feature) order the rows cheaply before the raw values do.
   */
  find(raw: Matrix, bins: Uint8Array, hasMissing: Uint8Array, features: Int32Array, leaf: LeafRows, constraints: SplitConstraints): void {
    const { minDataInLeaf, minSumHessianInLeaf, lambdaL2, minGainToSplit } = constraints;
    const { indices, gradients, hessians, start, count, sumGradient, sumHessian } = leaf;
    if (count > this.capacity) throw new Error(`assertion: leaf of ${count} rows above exact split capacity ${this.capacity}`);
    const { split, block, order } = this;
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
        this.sortByValue(bins, feature * raw.rows, indices, start, count, base);
        let g = 0;
        let h = 0;
        for (let c = 1; c < count; c++) {
          const position = order[c - 1];
          g += gradients[start + position];
          h += hessians[start + position];
          if (c < minDataInLeaf || h < minSumHessianInLeaf) continue;
          if (count - c < minDataInLeaf || sumHessian - h < minSumHessianInLeaf) break;
          const value = block[base + position];
          if (block[base + order[c]] === value) continue; // no cut between equal values
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

  /**
   * Fills `order` with the leaf's positions by ascending value of one
   * feature (block[base + position]): a counting sort by bin (bins are
   * monotone in value), then an insertion sort, which only has to reorder
   * rows within a bin.
   */
  private sortByValue(bins: Uint8Array, column: number, indices: Int32Array, start: number, count: number, base: number): void {
    const { order, rowBins, binCounts, block } = this;
    binCounts.fill(0);
    for (let i = 0; i < count; i++) {
      const bin = bins[column + indices[start + i]];
      rowBins[i] = bin;
      binCounts[bin + 1]++;
    }
    for (let b = 1; b < binCounts.length; b++) binCounts[b] += binCounts[b - 1];
    for (let i = 0; i < count; i++) order[binCounts[rowBins[i]]++] = i;
    for (let i = 1; i < count; i++) {
      const position = order[i];
      const value = block[base + position];
      let j = i - 1;
      while (j >= 0 && block[base + order[j]] > value) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = position;
    }
  }
}
