/**
 * The decision-tree classifier: one CART tree grown on the Gini impurity of
 * the class-weighted class counts, as scikit-learn's
 * DecisionTreeClassifier(criterion="gini", splitter="best") with
 * class_weight / sample weights (tested against it on the same matrix).
 *
 * Every node of fewer than maxDepth levels with at least 2 · minDataInLeaf
 * rows and an impurity above 0 is split at the best cut of any feature: the
 * cut between two consecutive distinct values (more than 1e-7 apart, as
 * scikit-learn's FEATURE_THRESHOLD) that leaves ≥ minDataInLeaf rows (a
 * count, scikit-learn's min_samples_leaf) on each side and maximises
 *
 *     Σ_k L_k² / W_L + Σ_k R_k² / W_R          (L_k, R_k: weighted class counts of the sides)
 *
 * which is the weighted Gini decrease up to terms that do not depend on the
 * cut (scikit-learn's proxy_impurity_improvement). As in scikit-learn a
 * split is made even when it decreases nothing (a later one may), the
 * threshold is the midpoint of the two values (the lower one where the
 * midpoint rounds up to the higher), a row goes left when value ≤
 * threshold, and ties between features keep the lower column (scikit-learn
 * visits them in a random order, so exactly tied features may differ).
 * A leaf predicts its weighted class fractions.
 *
 * Missing values (NaN; scikit-learn 1.2 refuses them, 1.3+ handles them
 * alike): at each cut the node's rows missing that feature are tried on
 * both sides, and "all rows that have the value | the rows missing it" is a
 * candidate too; where a node saw no missing value of its split feature, a
 * missing value goes to the side of more rows.
 *
 * Grown level by level (the nodes are independent, so the tree is the one
 * scikit-learn's depth-first builder grows): each feature's rows are
 * radix-sorted once (kept with their values: 6 bytes per matrix cell below
 * 65,536 rows), and each level
 * sweeps every feature once in that order, each row adding to its node's
 * running class counts.
 * The result is a GbdtClassifier with the "normalise" link: K GbdtModels of
 * one tree each, sharing the structure, leaf k holding class k's fraction.
 */
import type { FitControl, Matrix } from "../learner.js";
import { GbdtClassifier, weightedLogLoss } from "./classifier.js";
import { GbdtModel } from "./model.js";
import { GbdtParameterError, resolveGbdtParams } from "./params.js";
import { Float32Argsort } from "./radix-sort.js";
import { singleLeafTree, splitLeaf, type Tree } from "./tree.js";

export interface GiniTreeParams {
  /** Levels of splits, ≥ 1 (2^maxDepth leaves at most). */
  maxDepth: number;
  /** Fewest rows (a count) in a leaf: scikit-learn's min_samples_leaf. */
  minDataInLeaf: number;
}

/** scikit-learn's FEATURE_THRESHOLD: values closer than this are not cut between. */
const FEATURE_THRESHOLD = 1e-7;
/** scikit-learn's EPSILON (np.finfo(np.double).eps): a node this pure is a leaf. */
const PURE = 2.220446049250313e-16;

/** A node still to split: its rows are those with nodeOf[row] === its index in the level. */
interface OpenNode {
  leaf: number;
  depth: number;
  count: number;
  /** Weighted class counts (K). */
  classes: Float64Array;
  weight: number;
}

interface BestSplit {
  proxy: number;
  feature: number;
  threshold: number;
  /** Where rows missing the feature go: "left", "right", or null when the node had none (then the bigger side). */
  missing: "left" | "right" | null;
  leftCount: number;
  leftClasses: Float64Array;
}

function problemsOf(x: Matrix, y: Float32Array, classCount: number, classWeights: Float64Array, params: GiniTreeParams) {
  const problems: { argument: string; message: string }[] = [];
  if (!Number.isInteger(classCount) || classCount < 2) problems.push({ argument: "classCount", message: "needs at least 2 classes" });
  if (classWeights.length !== classCount || classWeights.some((w) => !(w >= 0) || !Number.isFinite(w))) problems.push({ argument: "classWeights", message: `needs ${classCount} finite weights ≥ 0` });
  if (y.some((c) => !Number.isInteger(c) || c < 0 || c >= classCount)) problems.push({ argument: "y", message: `labels must be class indices 0..${classCount - 1}` });
  if (x.rows !== y.length || x.rows < 1) problems.push({ argument: "y", message: `has ${y.length} labels for ${x.rows} rows` });
  if (!Number.isInteger(params.maxDepth) || params.maxDepth < 1 || params.maxDepth > 16) problems.push({ argument: "maxDepth", message: "must be an integer in [1, 16]" });
  if (!Number.isInteger(params.minDataInLeaf) || params.minDataInLeaf < 1) problems.push({ argument: "minDataInLeaf", message: "must be an integer ≥ 1" });
  return problems;
}

const gini = (classes: Float64Array, weight: number) => {
  if (weight <= 0) return 0;
  let s = 0;
  for (const c of classes) s += c * c;
  return 1 - s / (weight * weight);
};

/** Trains the Gini decision tree (see the module head); GbdtParameterError lists every problem. */
export async function trainGiniTree(x: Matrix, y: Float32Array, classCount: number, classWeights: Float64Array, params: GiniTreeParams, control: FitControl): Promise<GbdtClassifier> {
  const problems = problemsOf(x, y, classCount, classWeights, params);
  if (problems.length > 0) throw new GbdtParameterError(problems);
  const k = classCount;
  const { rows: n, cols, values } = x;
  const weights = Float64Array.from(y, (c) => classWeights[c]);
  const aborted = () => {
    if (control.signal?.aborted) throw new DOMException("decision tree training was aborted", "AbortError");
  };

  const tree: Tree = singleLeafTree(0, n);
  const leafParent = [-1];
  const leafClasses: Float64Array[] = [];
  const leafCounts: number[] = [];
  const rootClasses = new Float64Array(k);
  let rootWeight = 0;
  for (let i = 0; i < n; i++) {
    rootClasses[y[i]] += weights[i];
    rootWeight += weights[i];
  }
  leafClasses[0] = rootClasses;
  leafCounts[0] = n;

  // nodeOf[row]: index of the row's node in the current level's open nodes, or −1 (in a finished leaf).
  const nodeOf = new Int32Array(n);
  let open: OpenNode[] = [{ leaf: 0, depth: 0, count: n, classes: rootClasses, weight: rootWeight }];
  const splittable = (node: OpenNode) => node.depth < params.maxDepth && node.count >= 2 && node.count >= 2 * params.minDataInLeaf && gini(node.classes, node.weight) > PURE;
  // Every feature's rows in ascending value order (NaN last), sorted once: each level sweeps them in this order.
  const sorted = n <= 65536 ? new Uint16Array(n * cols) : new Int32Array(n * cols);
  // ... and their values in that order (the sweeps read them sequentially).
  const sortedValues = new Float32Array(n * cols);
  {
    const sorter = new Float32Argsort(n);
    const column = new Float32Array(n);
    for (let f = 0; f < cols; f++) {
      if ((f & 1023) === 1023) aborted();
      for (let i = 0; i < n; i++) column[i] = values[i * cols + f];
      const order = sorter.sort(column, n);
      sorted.set(order, f * n);
      for (let j = 0; j < n; j++) sortedValues[f * n + j] = column[order[j]];
    }
  }

  while (open.length > 0) {
    aborted();
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Rows of nodes that cannot split leave the level.
    const active = open.map(splittable);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const node = nodeOf[i];
      if (node >= 0 && active[node]) m++;
      else nodeOf[i] = -1;
    }
    if (m === 0) break;
    const best: (BestSplit | null)[] = open.map(() => null);
    const left = new Float64Array(open.length * k);
    const leftCount = new Int32Array(open.length);
    const lastValue = new Float64Array(open.length);
    const missing = new Float64Array(open.length * k);
    const missingCount = new Int32Array(open.length);
    const missingWeight = new Float64Array(open.length);
    const leftWeight = new Float64Array(open.length);

    const consider = (a: number, feature: number, threshold: number, withMissing: "left" | "right" | null) => {
      const node = open[a];
      const mc = missingCount[a];
      let lc = leftCount[a];
      let lw = leftWeight[a];
      if (withMissing === "left") {
        lc += mc;
        lw += missingWeight[a];
      }
      const rc = node.count - lc;
      if (lc < params.minDataInLeaf || rc < params.minDataInLeaf) return;
      let sl = 0;
      let sr = 0;
      for (let c = 0; c < k; c++) {
        const l = left[a * k + c] + (withMissing === "left" ? missing[a * k + c] : 0);
        const r = node.classes[c] - l;
        sl += l * l;
        sr += r * r;
      }
      const rw = node.weight - lw;
      const proxy = (lw > 0 ? sl / lw : 0) + (rw > 0 ? sr / rw : 0);
      const current = best[a];
      if (current !== null && !(proxy > current.proxy)) return;
      const leftClasses = new Float64Array(k);
      for (let c = 0; c < k; c++) leftClasses[c] = left[a * k + c] + (withMissing === "left" ? missing[a * k + c] : 0);
      best[a] = { proxy, feature, threshold, missing: mc > 0 ? (withMissing ?? "right") : null, leftCount: lc, leftClasses };
    };

    for (let feature = 0; feature < cols; feature++) {
      if ((feature & 1023) === 1023) aborted();
      const order = sorted.subarray(feature * n, (feature + 1) * n);
      const ordered = sortedValues.subarray(feature * n, (feature + 1) * n);
      left.fill(0);
      leftCount.fill(0);
      leftWeight.fill(0);
      missing.fill(0);
      missingCount.fill(0);
      missingWeight.fill(0);
      // NaN sorts last: the rows missing this feature, per node, first.
      let end = n;
      while (end > 0 && Number.isNaN(ordered[end - 1])) {
        const row = order[--end];
        const a = nodeOf[row];
        if (a < 0) continue;
        missing[a * k + y[row]] += weights[row];
        missingCount[a]++;
        missingWeight[a] += weights[row];
      }
      for (let j = 0; j < end; j++) {
        const row = order[j];
        const a = nodeOf[row];
        if (a < 0) continue;
        const value = ordered[j];
        if (leftCount[a] > 0 && value > lastValue[a] + FEATURE_THRESHOLD) {
          const previous = lastValue[a];
          let threshold = previous / 2 + value / 2;
          if (threshold === value || !Number.isFinite(threshold)) threshold = previous;
          consider(a, feature, threshold, missingCount[a] > 0 ? "right" : null);
          if (missingCount[a] > 0) consider(a, feature, threshold, "left");
        }
        left[a * k + y[row]] += weights[row];
        leftWeight[a] += weights[row];
        leftCount[a]++;
        lastValue[a] = value;
      }
      // Every row that has the value left, the rows missing it right.
      for (let a = 0; a < open.length; a++) if (missingCount[a] > 0 && leftCount[a] > 0) consider(a, feature, Infinity, "right");
    }

    const next: OpenNode[] = [];
    const childOf = new Int32Array(open.length * 2).fill(-1);
    const missingLeft = new Uint8Array(open.length);
    for (const [a, node] of open.entries()) {
      const split = best[a];
      if (!active[a] || split === null) continue;
      const rightClasses = Float64Array.from(node.classes, (c, i) => c - split.leftClasses[i]);
      const leftWeightOf = split.leftClasses.reduce((s, v) => s + v, 0);
      const rightWeightOf = node.weight - leftWeightOf;
      const impurity = gini(node.classes, node.weight);
      const decrease = node.weight > 0 ? (node.weight / rootWeight) * (impurity - (leftWeightOf / node.weight) * gini(split.leftClasses, leftWeightOf) - (rightWeightOf / node.weight) * gini(rightClasses, rightWeightOf)) : 0;
      const rightCount = node.count - split.leftCount;
      const defaultLeft = split.missing === null ? split.leftCount >= rightCount : split.missing === "left";
      missingLeft[a] = defaultLeft ? 1 : 0;
      const right = splitLeaf(tree, node.leaf, leafParent, { feature: split.feature, thresholdBin: 0, threshold: split.threshold, defaultLeft, gain: Math.max(0, decrease) });
      leafClasses[node.leaf] = split.leftClasses;
      leafCounts[node.leaf] = split.leftCount;
      leafClasses[right] = rightClasses;
      leafCounts[right] = rightCount;
      childOf[a * 2] = next.length;
      next.push({ leaf: node.leaf, depth: node.depth + 1, count: split.leftCount, classes: split.leftClasses, weight: leftWeightOf });
      childOf[a * 2 + 1] = next.length;
      next.push({ leaf: right, depth: node.depth + 1, count: rightCount, classes: rightClasses, weight: rightWeightOf });
    }
    for (let row = 0; row < n; row++) {
      const a = nodeOf[row];
      if (a < 0) continue;
      const split = best[a];
      if (split === null) {
        nodeOf[row] = -1;
        continue;
      }
      const value = values[row * cols + split.feature];
      const goesLeft = value <= split.threshold ? true : value > split.threshold ? false : missingLeft[a] === 1;
      nodeOf[row] = childOf[a * 2 + (goesLeft ? 0 : 1)];
    }
    open = next;
  }

  const resolved = resolveGbdtParams({ numIterations: 1, learningRate: 1, numLeaves: 2 ** params.maxDepth, maxDepth: params.maxDepth, minDataInLeaf: params.minDataInLeaf, minSumHessianInLeaf: 0 });
  const { thresholdBin: _bins, ...shape } = tree;
  const models = Array.from({ length: k }, (_c, c) => {
    const leafValue = Array.from({ length: tree.numLeaves }, (_leaf, leaf) => {
      const classes = leafClasses[leaf];
      const total = classes.reduce((s, v) => s + v, 0);
      return total > 0 ? classes[c] / total : 1 / k;
    });
    return new GbdtModel("l2", cols, 0, [{ ...shape, leafValue, leafCount: [...leafCounts] }], resolved);
  });
  const classifier = new GbdtClassifier("normalise", models);
  control.onIteration?.({ iteration: 1, train: weightedLogLoss(y, classifier.predictProbabilities(x), k, weights) });
  return classifier;
}
