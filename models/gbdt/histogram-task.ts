/**
 * One participant's share of a split step: for its slice of the used
 * features, build the smaller child's histogram, turn the parent's into the
 * larger child's by subtraction, and find both children's best splits. The
 * main thread and every histogram worker run this same function on the same
 * shared memory, which is why threads = 1 and threads = 2 give identical
 * models (each feature is always summed in the same order).
 */
import { buildHistogram, histogramStride, subtractHistogram } from "./histogram.js";
import { emptySplit, findBestThreshold, splitFields, type SplitConstraints } from "./split-finder.js";

/** Memory shared by the main thread and the workers for one training run. */
export interface SharedState {
  rows: number;
  bins: Uint8Array;
  binOffsets: Int32Array;
  numBins: Int32Array;
  hasMissing: Uint8Array;
  /** The features this tree may use (ascending); participants take contiguous slices. */
  features: Int32Array;
  /** Rows of every leaf, leaf after leaf (LightGBM's DataPartition). */
  indices: Int32Array;
  /** Gradients and hessians in `indices` order. */
  orderedGradients: Float64Array;
  orderedHessians: Float64Array;
  /** Histogram slots, each totalBins * histogramStride(constantHessian) doubles. */
  histograms: Float64Array;
  constraints: SplitConstraints;
  /** Every row's hessian when the objective's is constant (> 0), else 0. */
  constantHessian: number;
}

/** A leaf whose histogram this step produces. */
export interface LeafJob {
  slot: number;
  sumGradient: number;
  sumHessian: number;
  count: number;
  /** False when depth or size forbid splitting it: skip the split search. */
  splittable: boolean;
}

export interface HistogramTask {
  /** Slice of `features` this participant handles. */
  from: number;
  to: number;
  /** The smaller (or only) leaf: its rows are indices[start .. start+count). */
  small: LeafJob & { start: number };
  /** The larger sibling, whose slot holds the parent's histogram; absent at the root. */
  large?: LeafJob;
}

/**
 * Features are handled a block at a time: build the small leaf's histogram
 * of the block, subtract it from the parent's, and search both children's
 * splits while the block's bins are still in cache. A leaf's histogram of
 * 3,000 features x 255 bins is 18 MB, far above the caches, so separate
 * passes for building, subtracting and searching (as before) each streamed it
 * from memory again (LightGBM fuses subtraction and search per feature too).
 */
export const featureBlock = 4;

/** Best splits of [small, large] over this slice: 2 * splitFields numbers. */
export function runHistogramTask(state: SharedState, task: HistogramTask): Float64Array {
  const { rows, bins, binOffsets, numBins, hasMissing, features, histograms, constraints, constantHessian } = state;
  const stride = histogramStride(constantHessian);
  const slotSize = binOffsets[binOffsets.length - 1] * stride;
  const { from, to, small, large } = task;
  const smallBase = small.slot * slotSize;
  const largeBase = large ? large.slot * slotSize : 0;
  const out = new Float64Array(2 * splitFields);
  emptySplit(out, 0);
  emptySplit(out, splitFields);
  // A leaf that cannot be split never needs its histogram again: the larger
  // child's is only derived when it will be searched, and the smaller's only
  // built when it is searched or needed for that subtraction.
  const searchLarge = large !== undefined && large.splittable;
  if (!small.splittable && !searchLarge) return out;
  for (let first = from; first < to; first += featureBlock) {
    const last = Math.min(to, first + featureBlock);
    buildHistogram(bins, rows, binOffsets, features, first, last, state.indices, state.orderedGradients, state.orderedHessians, small.start, small.count, histograms, smallBase, constantHessian);
    if (searchLarge) subtractHistogram(binOffsets, features, first, last, histograms, largeBase, smallBase, stride);
    if (small.splittable) findBlock(histograms, smallBase, stride, features, first, last, binOffsets, numBins, hasMissing, small, constraints, constantHessian, out, 0);
    if (searchLarge) findBlock(histograms, largeBase, stride, features, first, last, binOffsets, numBins, hasMissing, large, constraints, constantHessian, out, splitFields);
  }
  return out;
}

function findBlock(
  histograms: Float64Array,
  base: number,
  stride: number,
  features: Int32Array,
  first: number,
  last: number,
  binOffsets: Int32Array,
  numBins: Int32Array,
  hasMissing: Uint8Array,
  leaf: LeafJob,
  constraints: SplitConstraints,
  constantHessian: number,
  out: Float64Array,
  at: number,
): void {
  for (let k = first; k < last; k++) {
    const feature = features[k];
    findBestThreshold(histograms, base + binOffsets[feature] * stride, feature, numBins[feature], hasMissing[feature] === 1, leaf.sumGradient, leaf.sumHessian, leaf.count, constraints, constantHessian, out, at);
  }
}
