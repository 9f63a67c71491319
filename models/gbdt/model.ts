/**
 * A trained GBDT: the start score plus the sum of its trees' leaf values,
 * and its versioned plain-JSON format (the counterpart of LightGBM's model
 * text file). Prediction walks flattened typed arrays of all trees.
 */
import type { Matrix } from "../learner.js";
import type { GbdtParams, ObjectiveName } from "./params.js";
import type { Tree } from "./tree.js";

export const gbdtModelFormat = "skycube-gbdt";
export const gbdtModelFormatVersion = 1;

export interface GbdtTreeJson {
  numLeaves: number;
  splitFeature: number[];
  /** Raw-value thresholds; ±Infinity written as the strings "Infinity"/"-Infinity". */
  threshold: (number | string)[];
  defaultLeft: boolean[];
  splitGain: number[];
  leftChild: number[];
  rightChild: number[];
  leafValue: number[];
  leafCount: number[];
}

export interface GbdtModelJson {
  format: typeof gbdtModelFormat;
  formatVersion: number;
  objective: ObjectiveName;
  numFeatures: number;
  /** Score every prediction starts from (label mean for l2). */
  initScore: number;
  /** Trees kept (the best iteration when early stopping ran). */
  bestIteration: number;
  params: GbdtParams;
  trees: GbdtTreeJson[];
}

/** The tree fields a model needs (the training-only bin thresholds dropped). */
export type ModelTree = Omit<Tree, "thresholdBin">;

export class GbdtModel {
  private readonly treeRoot: Int32Array;
  private readonly nodeFeature: Int32Array;
  private readonly nodeThreshold: Float64Array;
  private readonly nodeDefaultLeft: Uint8Array;
  private readonly nodeLeft: Int32Array;
  private readonly nodeRight: Int32Array;
  private readonly leafValues: Float64Array;

  constructor(
    readonly objective: ObjectiveName,
    readonly numFeatures: number,
    readonly initScore: number,
    readonly trees: readonly ModelTree[],
    readonly params: GbdtParams,
  ) {
    let nodes = 0;
    let leaves = 0;
    for (const tree of trees) {
      nodes += tree.numLeaves - 1;
      leaves += tree.numLeaves;
    }
    this.treeRoot = new Int32Array(trees.length);
    this.nodeFeature = new Int32Array(nodes);
    this.nodeThreshold = new Float64Array(nodes);
    this.nodeDefaultLeft = new Uint8Array(nodes);
    this.nodeLeft = new Int32Array(nodes);
    this.nodeRight = new Int32Array(nodes);
    this.leafValues = new Float64Array(leaves);
    let nodeBase = 0;
    let leafBase = 0;
    const relocate = (child: number) => (child >= 0 ? child + nodeBase : ~(~child + leafBase));
    trees.forEach((tree, t) => {
      this.treeRoot[t] = tree.numLeaves === 1 ? ~leafBase : nodeBase;
      for (let node = 0; node < tree.numLeaves - 1; node++) {
        this.nodeFeature[nodeBase + node] = tree.splitFeature[node];
        this.nodeThreshold[nodeBase + node] = tree.threshold[node];
        this.nodeDefaultLeft[nodeBase + node] = tree.defaultLeft[node] ? 1 : 0;
        this.nodeLeft[nodeBase + node] = relocate(tree.leftChild[node]);
        this.nodeRight[nodeBase + node] = relocate(tree.rightChild[node]);
      }
      for (let leaf = 0; leaf < tree.numLeaves; leaf++) this.leafValues[leafBase + leaf] = tree.leafValue[leaf];
      nodeBase += tree.numLeaves - 1;
      leafBase += tree.numLeaves;
    });
  }

  /** Trees in the model (after early stopping, the best iteration). */
  get bestIteration(): number {
    return this.trees.length;
  }

  /** One prediction per row of `x` (x.cols must equal the training columns; NaN = missing). */
  predict(x: Matrix): Float64Array {
    if (x.cols !== this.numFeatures) throw new RangeError(`model expects ${this.numFeatures} feature columns, got ${x.cols}`);
    const { rows, cols, values } = x;
    const out = new Float64Array(rows);
    for (let row = 0; row < rows; row++) out[row] = this.predictRow(values, row * cols);
    return out;
  }

  /** Prediction for the row of a row-major `values` starting at `base`. */
  predictRow(values: Float32Array, base: number): number {
    const { treeRoot, nodeFeature, nodeThreshold, nodeDefaultLeft, nodeLeft, nodeRight, leafValues } = this;
    let score = this.initScore;
    for (let t = 0; t < treeRoot.length; t++) {
      let node = treeRoot[t];
      while (node >= 0) {
        const value = values[base + nodeFeature[node]];
        const threshold = nodeThreshold[node];
        node = value <= threshold ? nodeLeft[node] : value > threshold ? nodeRight[node] : nodeDefaultLeft[node] === 1 ? nodeLeft[node] : nodeRight[node];
      }
      score += leafValues[~node];
    }
    return score;
  }

  /** Total split gain (default) or number of splits per feature. */
  featureImportance(kind: "gain" | "split" = "gain"): Float64Array {
    const importance = new Float64Array(this.numFeatures);
    for (const tree of this.trees) {
      for (let node = 0; node < tree.numLeaves - 1; node++) importance[tree.splitFeature[node]] += kind === "gain" ? tree.splitGain[node] : 1;
    }
    return importance;
  }

  toJSON(): GbdtModelJson {
    return {
      format: gbdtModelFormat,
      formatVersion: gbdtModelFormatVersion,
      objective: this.objective,
      numFeatures: this.numFeatures,
      initScore: this.initScore,
      bestIteration: this.bestIteration,
      params: this.params,
      trees: this.trees.map((tree) => ({
        numLeaves: tree.numLeaves,
        splitFeature: [...tree.splitFeature],
        threshold: tree.threshold.map((v) => (Number.isFinite(v) ? v : String(v))),
        defaultLeft: [...tree.defaultLeft],
        splitGain: [...tree.splitGain],
        leftChild: [...tree.leftChild],
        rightChild: [...tree.rightChild],
        leafValue: [...tree.leafValue],
        leafCount: [...tree.leafCount],
      })),
    };
  }

  /** Reads a model written by toJSON (object or JSON text); throws listing every problem found. */
  static fromJSON(input: unknown): GbdtModel {
    const json = (typeof input === "string" ? JSON.parse(input) : input) as Partial<GbdtModelJson> | null;
    const problems: string[] = [];
    if (!json || typeof json !== "object") throw new GbdtModelFormatError(["not an object"]);
    if (json.format !== gbdtModelFormat) problems.push(`format must be "${gbdtModelFormat}"`);
    if (json.formatVersion !== gbdtModelFormatVersion) problems.push(`formatVersion ${json.formatVersion} is not supported (this reader: ${gbdtModelFormatVersion})`);
    if (json.objective !== "l2" && json.objective !== "quantile") problems.push("objective must be l2 or quantile");
    const numFeatures = json.numFeatures;
    if (!Number.isInteger(numFeatures) || (numFeatures as number) < 1) problems.push("numFeatures must be a positive integer");
    if (typeof json.initScore !== "number" || !Number.isFinite(json.initScore)) problems.push("initScore must be a finite number");
    if (!Array.isArray(json.trees)) problems.push("trees must be an array");
    if (problems.length > 0) throw new GbdtModelFormatError(problems);
    const trees = json.trees!.map((tree, t) => readTree(tree, t, numFeatures!, problems));
    if (problems.length > 0) throw new GbdtModelFormatError(problems);
    return new GbdtModel(json.objective!, numFeatures!, json.initScore!, trees, json.params as GbdtParams);
  }
}

export class GbdtModelFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(`not a valid GBDT model: ${problems.join("; ")}`);
    this.name = "GbdtModelFormatError";
  }
}

function readTree(tree: GbdtTreeJson, t: number, numFeatures: number, problems: string[]): ModelTree {
  const where = `trees[${t}]`;
  const leaves = tree?.numLeaves;
  if (!Number.isInteger(leaves) || leaves < 1) {
    problems.push(`${where}.numLeaves must be a positive integer`);
    return tree as unknown as ModelTree;
  }
  const nodes = leaves - 1;
  const before = problems.length;
  const fields = ["splitFeature", "threshold", "defaultLeft", "splitGain", "leftChild", "rightChild"] as const;
  for (const field of fields) {
    if (!Array.isArray(tree[field]) || tree[field].length !== nodes) problems.push(`${where}.${field} must have ${nodes} entries`);
  }
  for (const field of ["leafValue", "leafCount"] as const) {
    if (!Array.isArray(tree[field]) || tree[field].length !== leaves) problems.push(`${where}.${field} must have ${leaves} entries`);
  }
  if (problems.length > before) return tree as unknown as ModelTree;
  // Children are created after their parent, so a child node's index is larger: no cycles.
  const child = (c: unknown, node: number) => Number.isInteger(c) && ((c as number) >= 0 ? (c as number) < nodes && (c as number) > node : ~(c as number) < leaves);
  for (let node = 0; node < nodes; node++) {
    const feature = tree.splitFeature[node];
    if (!Number.isInteger(feature) || feature < 0 || feature >= numFeatures) problems.push(`${where}.splitFeature[${node}] must be a column in [0, ${numFeatures})`);
    if (!child(tree.leftChild[node], node) || !child(tree.rightChild[node], node)) problems.push(`${where} node ${node} has a child out of range`);
  }
  const threshold = tree.threshold.map((v) => (typeof v === "string" ? Number(v) : v));
  if (threshold.some((v) => typeof v !== "number" || Number.isNaN(v))) problems.push(`${where}.threshold must hold numbers`);
  if (tree.leafValue.some((v) => typeof v !== "number" || !Number.isFinite(v))) problems.push(`${where}.leafValue must hold finite numbers`);
  return { ...tree, threshold, defaultLeft: tree.defaultLeft.map(Boolean) };
}
