/**
 * A regression tree in LightGBM's layout: internal nodes 0 .. numLeaves−2,
 * children >= 0 are nodes and < 0 are leaves (~child = leaf index). A row
 * goes left when value <= threshold, and a missing value (NaN) goes to the
 * learned default side.
 */
export interface Tree {
  numLeaves: number;
  splitFeature: number[];
  /** Bin threshold (training only: rows with bin <= thresholdBin go left). */
  thresholdBin: number[];
  /** Raw-value threshold: the upper bound of bin `thresholdBin`. */
  threshold: number[];
  defaultLeft: boolean[];
  splitGain: number[];
  leftChild: number[];
  rightChild: number[];
  leafValue: number[];
  leafCount: number[];
}

export function singleLeafTree(value: number, count: number): Tree {
  return {
    numLeaves: 1,
    splitFeature: [],
    thresholdBin: [],
    threshold: [],
    defaultLeft: [],
    splitGain: [],
    leftChild: [],
    rightChild: [],
    leafValue: [value],
    leafCount: [count],
  };
}

/**
 * Splits `leaf` (the left child keeps its index, the right gets a new one,
 * as in LightGBM's Tree::Split); returns the new right leaf's index.
 */
export function splitLeaf(
  tree: Tree,
  leaf: number,
  leafParent: number[],
  split: { feature: number; thresholdBin: number; threshold: number; defaultLeft: boolean; gain: number },
): number {
  const node = tree.numLeaves - 1;
  const right = tree.numLeaves;
  const parent = leafParent[leaf];
  if (parent >= 0) {
    if (tree.leftChild[parent] === ~leaf) tree.leftChild[parent] = node;
    else tree.rightChild[parent] = node;
  }
  tree.splitFeature.push(split.feature);
  tree.thresholdBin.push(split.thresholdBin);
  tree.threshold.push(split.threshold);
  tree.defaultLeft.push(split.defaultLeft);
  tree.splitGain.push(split.gain);
  tree.leftChild.push(~leaf);
  tree.rightChild.push(~right);
  leafParent[leaf] = node;
  leafParent[right] = node;
  tree.leafValue.push(0);
  tree.leafCount.push(0);
  tree.numLeaves++;
  return right;
}
