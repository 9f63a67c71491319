/**
 * Leaf-wise (best-first) tree growth, after LightGBM's SerialTreeLearner:
 * the leaf whose best split gains most is split next, until `numLeaves`
 * leaves or no split gains. Each split partitions the leaf's rows in place,
 * builds the histogram of the smaller child only, and gets the larger
 * child's by subtracting it from the parent's (Ke et al. 2017, §3).
 */
import type { Matrix } from "../learner.js";
import type { BinnedDataset } from "./dataset.js";
import type { HistogramTask, LeafJob, SharedState } from "./histogram-task.js";
import type { Participants } from "./participants.js";
import { ExactSplitFinder } from "./exact-split.js";
import { histogramStride } from "./histogram.js";
import { Split, splitFields, type SplitConstraints } from "./split-finder.js";
import { leafGain, leafOutput } from "./split-math.js";
import { singleLeafTree, splitLeaf, type Tree } from "./tree.js";

export interface TreeLearnerConfig extends SplitConstraints {
  numLeaves: number;
  /** −1 = unlimited. */
  maxDepth: number;
  /**
   * Refine each chosen split to the exact best cut among the raw values of
   * the leaf's rows in the two bins around the binned threshold (what an
   * exact learner such as scikit-learn would find there). Off for the GBDT
   * (LightGBM's behaviour), on for the decision tree.
   */
  exactThresholds?: boolean;
  /** The objective's hessian when it is the same for every row, else 0. */
  constantHessian: number;
  /** Memory for cached leaf histograms (default histogramPoolBytes). */
  histogramPoolBytes?: number;
}

/**
 * Default memory for leaf histograms (LightGBM's histogram_pool_size). A leaf
 * histogram takes 24 bytes per bin of every feature, 16 with a constant
 * hessian (18 or 12 MB for 3,000 features of 255 bins); when the pool is
 * full, the histogram of the leaf least likely to be split next is dropped,
 * and splitting that leaf later builds both children's histograms instead
 * of subtracting.
 */
export const histogramPoolBytes = 2 ** 30;

/**
 * Largest leaf (rows) whose split the decision tree searches exactly over
 * raw values. Ordering the rows by every feature costs about count x features
 * per leaf (the bench's depth-6 tree on 8,000 x 3,000 spends ~5 s in it,
 * about scikit-learn's whole time), so big leaves, where 255 bins lose
 * little, keep the histogram search.
 */
export const exactSplitRows = 4096;

/** Which rows ended in which leaf: rows of leaf L are indices[leafStart[L] .. + leafCount[L]). */
export interface LeafPartition {
  indices: Int32Array;
  leafStart: Int32Array;
  leafCount: Int32Array;
}

export class TreeLearner {
  private readonly leafStart: Int32Array;
  private readonly leafCount: Int32Array;
  private readonly leafGradient: Float64Array;
  private readonly leafHessian: Float64Array;
  private readonly leafDepth: Int32Array;
  private readonly leafSlot: Int32Array;
  private readonly slotOwner: Int32Array;
  private readonly bestSplits: Float64Array;
  private readonly scratchIndices: Int32Array;
  private readonly scratchGradients: Float64Array;
  private readonly scratchHessians: Float64Array;
  /** Raw threshold of each leaf's best split when the exact search found it, else NaN. */
  private readonly leafRawThreshold: Float64Array;
  private readonly exactFinder: ExactSplitFinder | undefined;
  /** Largest value sent left and smallest sent right by the last partition (NaN excluded). */
  private gapLow = -Infinity;
  private gapHigh = Infinity;

  private constructor(
    private readonly dataset: BinnedDataset,
    private readonly raw: Matrix,
    private readonly config: TreeLearnerConfig,
    private readonly state: SharedState,
    private readonly participants: Participants,
  ) {
    const leaves = config.numLeaves;
    this.leafStart = new Int32Array(leaves);
    this.leafCount = new Int32Array(leaves);
    this.leafGradient = new Float64Array(leaves);
    this.leafHessian = new Float64Array(leaves);
    this.leafDepth = new Int32Array(leaves);
    this.leafSlot = new Int32Array(leaves);
    this.slotOwner = new Int32Array(state.histograms.length / (dataset.binOffsets[dataset.cols] * histogramStride(config.constantHessian)));
    this.bestSplits = new Float64Array(leaves * splitFields);
    this.scratchIndices = new Int32Array(dataset.rows);
    this.scratchGradients = new Float64Array(dataset.rows);
    this.scratchHessians = new Float64Array(dataset.rows);
    this.leafRawThreshold = new Float64Array(leaves).fill(NaN);
    this.exactFinder = config.exactThresholds ? new ExactSplitFinder(Math.min(dataset.rows, exactSplitRows)) : undefined;
  }

  /** `raw` is the matrix `dataset` was binned from (thresholds are placed between its values). */
  static async create(dataset: BinnedDataset, raw: Matrix, config: TreeLearnerConfig, participants: Participants): Promise<TreeLearner> {
    const { rows, cols, binOffsets } = dataset;
    // Shared memory only when worker threads read it: V8's fill() and set()
    // on a SharedArrayBuffer use element-wise relaxed atomics (zeroing a leaf
    // histogram measured 5-10x slower than in an ArrayBuffer).
    const shared = participants.count > 1 ? (bytes: number) => new SharedArrayBuffer(bytes) : (bytes: number) => new ArrayBuffer(bytes);
    const slotBytes = binOffsets[cols] * histogramStride(config.constantHessian) * 8;
    const slots = Math.max(2, Math.min(config.numLeaves, Math.floor((config.histogramPoolBytes ?? histogramPoolBytes) / slotBytes)));
    const state: SharedState = {
      rows,
      bins: dataset.bins,
      binOffsets: dataset.binOffsets,
      numBins: dataset.numBins,
      hasMissing: dataset.hasMissing,
      features: new Int32Array(shared(cols * 4)),
      indices: new Int32Array(shared(rows * 4)),
      orderedGradients: new Float64Array(shared(rows * 8)),
      orderedHessians: new Float64Array(shared(rows * 8)),
      histograms: new Float64Array(shared(slots * slotBytes)),
      constraints: {
        minDataInLeaf: config.minDataInLeaf,
        minSumHessianInLeaf: config.minSumHessianInLeaf,
        lambdaL2: config.lambdaL2,
        minGainToSplit: config.minGainToSplit,
      },
      constantHessian: config.constantHessian,
    };
    await participants.share(state);
    return new TreeLearner(dataset, raw, config, state, participants);
  }

  /**
   * Grows one tree on the rows `rowsInBag` (all rows when null) using only
   * `features` (ascending). Leaf values are −G/(H+λ), not yet shrunk.
   */
  async train(gradients: Float64Array, hessians: Float64Array, rowsInBag: Int32Array | null, features: Int32Array): Promise<{ tree: Tree; partition: LeafPartition }> {
    const { state, config, dataset } = this;
    const { indices, orderedGradients, orderedHessians } = state;
    const n = rowsInBag ? rowsInBag.length : dataset.rows;
    let sumGradient = 0;
    let sumHessian = 0;
    for (let i = 0; i < n; i++) {
      const row = rowsInBag ? rowsInBag[i] : i;
      indices[i] = row;
      orderedGradients[i] = gradients[row];
      orderedHessians[i] = hessians[row];
      sumGradient += gradients[row];
      sumHessian += hessians[row];
    }
    state.features.set(features);
    const slices = this.featureSlices(features);

    const tree = singleLeafTree(0, n);
    const leafParent = [-1];
    this.leafStart[0] = 0;
    this.leafCount[0] = n;
    this.leafGradient[0] = sumGradient;
    this.leafHessian[0] = sumHessian;
    this.leafDepth[0] = 0;
    this.slotOwner.fill(-1);
    this.leafSlot.fill(-1);
    this.acquireSlot(0, -1);
    await this.findSplits(slices, { ...this.leafJob(0), start: 0 }, 0, undefined, -1);

    while (tree.numLeaves < config.numLeaves) {
      const leaf = this.bestLeaf(tree.numLeaves);
      if (leaf < 0) break;
      const at = leaf * splitFields;
      const split = this.bestSplits.subarray(at, at + splitFields);
      const feature = split[Split.feature];
      const thresholdBin = split[Split.thresholdBin];
      const defaultLeft = split[Split.defaultLeft] === 1;
      const start = this.leafStart[leaf];
      const count = this.leafCount[leaf];
      const exactThreshold = this.leafRawThreshold[leaf];
      const rawThreshold = !Number.isNaN(exactThreshold) ? exactThreshold : config.exactThresholds ? this.refineSplit(leaf, split) : NaN;
      const leftCount = this.partition(start, count, feature, thresholdBin, defaultLeft, rawThreshold);
      if (leftCount !== split[Split.leftCount]) throw new Error(`assertion: partition put ${leftCount} rows left, histogram said ${split[Split.leftCount]}`);
      const right = splitLeaf(tree, leaf, leafParent, {
        feature,
        thresholdBin,
        threshold: this.threshold(feature, thresholdBin),
        defaultLeft,
        gain: split[Split.gain],
      });
      const parentGradient = this.leafGradient[leaf];
      const parentHessian = this.leafHessian[leaf];
      const depth = this.leafDepth[leaf] + 1;
      this.leafStart[right] = start + leftCount;
      this.leafCount[right] = count - leftCount;
      this.leafGradient[right] = parentGradient - split[Split.leftGradient];
      this.leafHessian[right] = parentHessian - split[Split.leftHessian];
      this.leafCount[leaf] = leftCount;
      this.leafGradient[leaf] = split[Split.leftGradient];
      this.leafHessian[leaf] = split[Split.leftHessian];
      this.leafDepth[leaf] = depth;
      this.leafDepth[right] = depth;
      if (tree.numLeaves === config.numLeaves) break; // no further split: children's histograms not needed
      const [small, large] = leftCount <= count - leftCount ? [leaf, right] : [right, leaf];
      const parentSlot = this.leafSlot[leaf];
      this.leafSlot[right] = -1;
      if (parentSlot >= 0) {
        // The larger child inherits the parent's histogram slot (then subtracts); the smaller gets a fresh one.
        this.leafSlot[leaf] = -1;
        this.leafSlot[large] = parentSlot;
        this.slotOwner[parentSlot] = large;
        this.acquireSlot(small, large);
        await this.findSplits(slices, { ...this.leafJob(small), start: this.leafStart[small] }, small, this.leafJob(large), large);
      } else {
        // The parent's histogram was dropped from the pool: build both children.
        this.acquireSlot(small, -1);
        await this.findSplits(slices, { ...this.leafJob(small), start: this.leafStart[small] }, small, undefined, -1);
        this.acquireSlot(large, small);
        await this.findSplits(slices, { ...this.leafJob(large), start: this.leafStart[large] }, large, undefined, -1);
      }
    }

    for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
      tree.leafValue[leaf] = leafOutput(this.leafGradient[leaf], this.leafHessian[leaf], config.lambdaL2);
      tree.leafCount[leaf] = this.leafCount[leaf];
    }
    return {
      tree,
      partition: { indices, leafStart: this.leafStart.slice(0, tree.numLeaves), leafCount: this.leafCount.slice(0, tree.numLeaves) },
    };
  }

  private leafJob(leaf: number): LeafJob {
    const { maxDepth, minDataInLeaf, minSumHessianInLeaf } = this.config;
    const count = this.leafCount[leaf];
    const sumHessian = this.leafHessian[leaf];
    return {
      slot: this.leafSlot[leaf],
      sumGradient: this.leafGradient[leaf],
      sumHessian,
      count,
      splittable: (maxDepth < 0 || this.leafDepth[leaf] < maxDepth) && count >= 2 * minDataInLeaf && sumHessian >= 2 * minSumHessianInLeaf,
    };
  }

  /**
   * Histograms and best splits for `small` (and `large`, from the parent's
   * slot); merged over participants. Synchronous (undefined) when this
   * thread does all the work, so a tree on few features costs no
   * promise per split.
   */
  private findSplits(slices: Int32Array, small: LeafJob & { start: number }, smallLeaf: number, large: LeafJob | undefined, largeLeaf: number): Promise<void> | undefined {
    const tasks: HistogramTask[] = [];
    // Neither child can be split: no histogram is needed (runHistogramTask would return no split).
    const needed = small.splittable || large?.splittable === true;
    for (let p = 0; needed && p + 1 < slices.length; p++) {
      if (slices[p] < slices[p + 1] || p === 0) tasks.push({ from: slices[p], to: slices[p + 1], small, large });
    }
    if (tasks.length > 1) return this.participants.run(tasks).then((results) => this.keepBestSplits(results, slices, small, smallLeaf, large, largeLeaf));
    this.keepBestSplits(tasks.length === 1 ? [this.participants.runHere(tasks[0])] : [], slices, small, smallLeaf, large, largeLeaf);
    return undefined;
  }

  /** Each child's best split over the participants' results (none when `results` is empty), then the exact search and slot release. */
  private keepBestSplits(results: Float64Array[], slices: Int32Array, small: LeafJob, smallLeaf: number, large: LeafJob | undefined, largeLeaf: number): void {
    for (const [leaf, offset, job] of [[smallLeaf, 0, small], [largeLeaf, splitFields, large]] as const) {
      if (leaf < 0) continue;
      const at = leaf * splitFields;
      this.bestSplits[at + Split.gain] = -Infinity;
      for (const out of results) {
        if (out[offset + Split.gain] > this.bestSplits[at + Split.gain]) this.bestSplits.set(out.subarray(offset, offset + splitFields), at);
      }
      this.leafRawThreshold[leaf] = NaN;
      if (job?.splittable) this.findExactSplit(leaf, slices);
      this.releaseIfUnsplittable(leaf);
    }
  }

  /**
   * Replaces the histogram's best split of a small enough leaf by the exact
   * search's over the features without missing values (kept only when a
   * feature with missing values splits better).
   */
  private findExactSplit(leaf: number, slices: Int32Array): void {
    const finder = this.exactFinder;
    const count = this.leafCount[leaf];
    if (!finder || count > finder.capacity) return;
    const { state, dataset } = this;
    const features = state.features.subarray(0, slices[slices.length - 1]);
    const leafRows = {
      indices: state.indices,
      gradients: state.orderedGradients,
      hessians: state.orderedHessians,
      start: this.leafStart[leaf],
      count,
      sumGradient: this.leafGradient[leaf],
      sumHessian: this.leafHessian[leaf],
    };
    finder.find(this.raw, dataset.bins, dataset.hasMissing, features, leafRows, this.config);
    const at = leaf * splitFields;
    const histogramFeature = this.bestSplits[at + Split.feature];
    const histogramGain = this.bestSplits[at + Split.gain];
    const exactGain = finder.split[Split.gain];
    if (exactGain === -Infinity) return;
    if (histogramGain === -Infinity || dataset.hasMissing[histogramFeature] === 0 || exactGain > histogramGain) {
      this.bestSplits.set(finder.split, at);
      this.leafRawThreshold[leaf] = finder.threshold;
    }
  }

  /**
   * Gives `leaf` a histogram slot: a free one, else the slot of the leaf
   * (other than `keep`) whose best split gains least.
   */
  private acquireSlot(leaf: number, keep: number): void {
    let slot = this.slotOwner.indexOf(-1);
    if (slot < 0) {
      let lowest = Infinity;
      for (let s = 0; s < this.slotOwner.length; s++) {
        const owner = this.slotOwner[s];
        if (owner === keep) continue;
        const gain = this.bestSplits[owner * splitFields + Split.gain];
        if (slot < 0 || gain < lowest) {
          lowest = gain;
          slot = s;
        }
      }
      this.leafSlot[this.slotOwner[slot]] = -1;
    }
    this.slotOwner[slot] = leaf;
    this.leafSlot[leaf] = slot;
  }

  /** Frees the slot of a leaf that can never be split (its histogram is not needed again). */
  private releaseIfUnsplittable(leaf: number): void {
    const slot = this.leafSlot[leaf];
    if (slot >= 0 && this.bestSplits[leaf * splitFields + Split.gain] === -Infinity) {
      this.slotOwner[slot] = -1;
      this.leafSlot[leaf] = -1;
    }
  }

  /** The leaf with the largest split gain (lowest index on ties), or −1 when none can split. */
  private bestLeaf(numLeaves: number): number {
    let best = -1;
    let bestGain = -Infinity;
    for (let leaf = 0; leaf < numLeaves; leaf++) {
      const gain = this.bestSplits[leaf * splitFields + Split.gain];
      if (gain > bestGain) {
        bestGain = gain;
        best = leaf;
      }
    }
    return best;
  }

  /** Stable in-place partition of a leaf's rows (with their ordered gradients); returns how many went left. */
  private partition(start: number, count: number, feature: number, thresholdBin: number, defaultLeft: boolean, rawThreshold: number): number {
    const byValue = !Number.isNaN(rawThreshold);
    const { indices, orderedGradients, orderedHessians, rows, bins } = this.state;
    const missingBin = this.dataset.hasMissing[feature] === 1 ? this.dataset.numBins[feature] - 1 : -1;
    const column = feature * rows;
    const { values, cols } = this.raw;
    let gapLow = -Infinity;
    let gapHigh = Infinity;
    const { scratchIndices, scratchGradients, scratchHessians } = this;
    let left = start;
    let right = 0;
    const end = start + count;
    for (let i = start; i < end; i++) {
      const row = indices[i];
      const bin = bins[column + row];
      const value = values[row * cols + feature];
      if (bin === missingBin ? defaultLeft : byValue ? value <= rawThreshold : bin <= thresholdBin) {
        if (value > gapLow) gapLow = value;
        indices[left] = row;
        orderedGradients[left] = orderedGradients[i];
        orderedHessians[left] = orderedHessians[i];
        left++;
      } else {
        if (value < gapHigh) gapHigh = value;
        scratchIndices[right] = row;
        scratchGradients[right] = orderedGradients[i];
        scratchHessians[right] = orderedHessians[i];
        right++;
      }
    }
    this.gapLow = gapLow;
    this.gapHigh = gapHigh;
    indices.set(scratchIndices.subarray(0, right), left);
    orderedGradients.set(scratchGradients.subarray(0, right), left);
    orderedHessians.set(scratchHessians.subarray(0, right), left);
    return left - start;
  }

  /**
   * Moves the split of `leaf` (in `split`, updated in place: gain and left
   * sums) to the best cut between consecutive raw values of the leaf's rows
   * in bins thresholdBin and thresholdBin + 1; returns the raw threshold the
   * partition must use.
   */
  private refineSplit(leaf: number, split: Float64Array): number {
    const { indices, orderedGradients, orderedHessians, rows, bins } = this.state;
    const { minDataInLeaf, minSumHessianInLeaf, lambdaL2 } = this.config;
    const feature = split[Split.feature];
    const t = split[Split.thresholdBin];
    const defaultLeft = split[Split.defaultLeft] === 1;
    const missingBin = this.dataset.hasMissing[feature] === 1 ? this.dataset.numBins[feature] - 1 : -1;
    const bounds = this.dataset.mappers[feature].upperBounds;
    if (t + 1 >= bounds.length) return NaN; // "all values | missing": nothing to refine
    const { values, cols } = this.raw;
    const start = this.leafStart[leaf];
    const end = start + this.leafCount[leaf];
    // Rows below bin t (and missing sent left) are left whatever the cut; collect bins t, t+1.
    let baseG = 0;
    let baseH = 0;
    let baseC = 0;
    const column = feature * rows;
    const candidates: number[] = [];
    for (let i = start; i < end; i++) {
      const bin = bins[column + indices[i]];
      if (bin === missingBin ? defaultLeft : bin < t) {
        baseG += orderedGradients[i];
        baseH += orderedHessians[i];
        baseC++;
      } else if (bin !== missingBin && bin <= t + 1) candidates.push(i);
    }
    const value = (i: number) => values[indices[i] * cols + feature];
    candidates.sort((a, b) => value(a) - value(b) || a - b);
    const sumG = this.leafGradient[leaf];
    const sumH = this.leafHessian[leaf];
    const count = this.leafCount[leaf];
    const parentGain = leafGain(sumG, sumH, lambdaL2);
    let bestGain = split[Split.gain];
    let bestCut = -1;
    let bestG = 0;
    let bestH = 0;
    let bestC = 0;
    let g = baseG;
    let h = baseH;
    let c = baseC;
    for (let k = 0; k + 1 < candidates.length; k++) {
      g += orderedGradients[candidates[k]];
      h += orderedHessians[candidates[k]];
      c++;
      if (value(candidates[k]) === value(candidates[k + 1])) continue;
      if (c < minDataInLeaf || h < minSumHessianInLeaf || count - c < minDataInLeaf || sumH - h < minSumHessianInLeaf) continue;
      const gain = leafGain(g, h, lambdaL2) + leafGain(sumG - g, sumH - h, lambdaL2) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        bestCut = k;
        bestG = g;
        bestH = h;
        bestC = c;
      }
    }
    if (bestCut < 0) return NaN; // the bin boundary was best
    split[Split.gain] = bestGain;
    split[Split.leftGradient] = bestG;
    split[Split.leftHessian] = bestH;
    split[Split.leftCount] = bestC;
    return value(candidates[bestCut]);
  }

  /**
   * The raw-value threshold of the split just partitioned: midway between
   * the largest value of the leaf's rows that went left and the smallest
   * that went right (scikit-learn's choice), so it does not depend on which
   * empty bins lie between them. Falls back to the bin's upper bound when a
   * side holds only missing values.
   */
  private threshold(feature: number, thresholdBin: number): number {
    const bound = this.dataset.mappers[feature].upperBounds[thresholdBin];
    if (this.gapLow === -Infinity || this.gapHigh === Infinity) return bound;
    const middle = (this.gapLow + this.gapHigh) / 2;
    return middle < this.gapHigh ? middle : this.gapLow;
  }

  /** Cuts the used features into one contiguous slice per participant with similar numbers of bins. */
  private featureSlices(features: Int32Array): Int32Array {
    const parts = this.participants.count;
    const { binOffsets, numBins } = this.dataset;
    let total = 0;
    for (const feature of features) total += numBins[feature];
    const slices = new Int32Array(parts + 1);
    let part = 1;
    let sum = 0;
    for (let k = 0; k < features.length && part < parts; k++) {
      sum += numBins[features[k]];
      while (part < parts && sum >= (total * part) / parts) slices[part++] = k + 1;
    }
    while (part <= parts) slices[part++] = features.length;
    void binOffsets;
    return slices;
  }
}
