/**
 * The classification metrics (models/evaluation/classification-metrics.ts)
 * against scikit-learn on the same labels and probabilities, including the
 * edge cases its definitions settle: a class never predicted, a class absent
 * from the truth but predicted, and ties in the probabilities. Also the
 * softmax GBDT against LightGBM's multiclass objective on one problem, the
 * Gini decision tree against scikit-learn's DecisionTreeClassifier (the
 * same probabilities), and multinomial logistic regression against
 * scikit-learn's LogisticRegression.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { classificationMetrics } from "../models/evaluation/classification-metrics.js";
import { trainGbdtClassifier, trainGiniTree } from "../models/gbdt/index.js";
import { classWeights } from "../models/training/target.js";
import { fitLogistic, predictLogistic } from "../models/linear/logistic.js";
import { Random } from "../random/random.js";
import { pythonModuleMissing, runPython } from "./support/python.js";

const SKLEARN = pythonModuleMissing("sklearn");
const CLASSES = ["GALAXY", "QSO", "STAR"];

const REFERENCE = `
import json, sys, numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, confusion_matrix, log_loss
d = json.load(sys.stdin)
t = np.array(d["truth"]); P = np.array(d["p"]); k = P.shape[1]
pred = P.argmax(axis=1)
onehot = np.eye(k)[t]
print(json.dumps({"accuracy": accuracy_score(t, pred), "balanced": balanced_accuracy_score(t, pred),
  "macroF1": f1_score(t, pred, average="macro", zero_division=0), "confusion": confusion_matrix(t, pred, labels=list(range(k))).tolist(),
  "logLoss": log_loss(t, np.clip(P, 1e-15, 1), labels=list(range(k))), "brier": float(((P - onehot) ** 2).sum(axis=1).mean())}))`;

function probabilities(random: Random, n: number, truth: number[], skill: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const raw = CLASSES.map((_, c) => random.next() + (c === truth[i] ? skill : 0));
    const sum = raw.reduce((a, b) => a + b, 0);
    out.push(...raw.map((v) => v / sum));
  }
  return out;
}

function renormalise(p: number[]): number[] {
  return p.map((v, j) => v / (p[j - (j % 3)] + p[j - (j % 3) + 1] + p[j - (j % 3) + 2]));
}

describe("classification metrics against scikit-learn", { skip: SKLEARN || false }, () => {
  const cases: [string, number[], (random: Random, truth: number[]) => number[]][] = [
    ["an imbalanced three-class problem", Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 1 : i % 17 === 0 ? 2 : 0)), (r, t) => probabilities(r, t.length, t, 0.6)],
    ["a class that is never predicted", Array.from({ length: 60 }, (_, i) => i % 3), (r, t) => renormalise(probabilities(r, t.length, t.map((c) => (c === 2 ? 0 : c)), 2).map((v, j) => (j % 3 === 2 ? v * 0.01 : v)))],
    ["a class absent from the truth but predicted", Array.from({ length: 50 }, (_, i) => i % 2), (r, t) => probabilities(r, t.length, t.map((c, i) => (i % 7 === 0 ? 2 : c)), 1.5)],
  ];
  for (const [name, truth, make] of cases) {
    it(`${name}: accuracy, balanced accuracy, macro F1, confusion matrix, log loss and Brier score as scikit-learn`, () => {
      const p = make(new Random(truth.length), truth);
      const ours = classificationMetrics(truth, p, CLASSES);
      const rows = Array.from({ length: truth.length }, (_, i) => p.slice(i * 3, i * 3 + 3));
      const ref = runPython<{ accuracy: number; balanced: number; macroF1: number; confusion: number[][]; logLoss: number; brier: number }>(REFERENCE, { truth, p: rows });
      assert.ok(Math.abs(ours.accuracy - ref.accuracy) < 1e-12);
      assert.ok(Math.abs(ours.balancedAccuracy - ref.balanced) < 1e-12, `${ours.balancedAccuracy} vs ${ref.balanced}`);
      assert.ok(Math.abs(ours.macroF1 - ref.macroF1) < 1e-12, `${ours.macroF1} vs ${ref.macroF1}`);
      assert.deepEqual(ours.confusion, ref.confusion);
      assert.ok(Math.abs(ours.logLoss - ref.logLoss) < 1e-9, `${ours.logLoss} vs ${ref.logLoss}`);
      assert.ok(Math.abs(ours.brierScore - ref.brier) < 1e-12);
    });
  }
});

describe("reliability and class weights", () => {
  it("a perfectly calibrated confidence has zero calibration error; an overconfident one does not", () => {
    // Half the galaxies at confidence 0.75, three in four right; then the same rows claimed at 0.95.
    const truth = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? 1 : 0));
    const calibrated = truth.flatMap(() => [0.75, 0.25, 0]);
    assert.ok(classificationMetrics(truth, calibrated, CLASSES).expectedCalibrationError < 1e-12);
    const overconfident = truth.flatMap(() => [0.95, 0.05, 0]);
    assert.ok(Math.abs(classificationMetrics(truth, overconfident, CLASSES).expectedCalibrationError - 0.2) < 1e-12);
  });

  it("balanced weights are n / (K n_k) over the classes present, as scikit-learn's compute_class_weight", () => {
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 0, 0];
    const weights = classWeights(labels, labels.map((_, i) => i), 3, "BALANCED");
    assert.deepEqual(Array.from(weights), [10 / (2 * 8), 10 / (2 * 2), 0]);
    assert.deepEqual(Array.from(classWeights(labels, labels.map((_, i) => i), 3, "NONE")), [1, 1, 1]);
  });
});

/** Three classes in two features: class = which of three sectors around (0.5, 0.5), with 10 % of labels flipped. */
function sectors(seed: number, rows: number) {
  const random = new Random(seed);
  const values = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = random.next();
    const b = random.next();
    values[2 * r] = a;
    values[2 * r + 1] = b;
    const angle = Math.atan2(b - 0.5, a - 0.5) + Math.PI;
    y[r] = random.next() < 0.1 ? Math.floor(random.next() * 3) : Math.min(2, Math.floor(angle / ((2 * Math.PI) / 3)));
  }
  return { x: { rows, cols: 2, values }, y };
}

const LIGHTGBM = (() => {
  const r = spawnSync("python3", ["-c", "import lightgbm"], { encoding: "utf8" });
  return r.status === 0 ? false : "python3 (pyenv) cannot import lightgbm";
})();

describe("softmax GBDT against LightGBM's multiclass", { skip: LIGHTGBM || false }, () => {
  it("reaches LightGBM's held-out log loss on the same problem and parameters (within 10 %)", async (t) => {
    const train = sectors(1, 1500);
    const test = sectors(2, 600);
    const params = { numIterations: 60, learningRate: 0.1, numLeaves: 15, minDataInLeaf: 20, earlyStoppingRounds: 0 };
    const model = await trainGbdtClassifier(train.x, train.y, 3, new Float64Array([1, 1, 1]), { ...params, threads: 1 }, { seed: 1 });
    const ours = classificationMetrics(test.y, model.predictProbabilities(test.x), CLASSES);
    const script = `
import json, sys, numpy as np, lightgbm as lgb
d = json.load(sys.stdin)
X = np.array(d["x"]).reshape(-1, 2); y = np.array(d["y"]); Xt = np.array(d["xt"]).reshape(-1, 2); yt = np.array(d["yt"])
b = lgb.train({"objective": "multiclass", "num_class": 3, "learning_rate": 0.1, "num_leaves": 15, "min_data_in_leaf": 20, "verbose": -1, "seed": 1, "num_threads": 1}, lgb.Dataset(X, y), 60)
P = b.predict(Xt)
print(json.dumps({"logLoss": float(-np.log(np.clip(P[np.arange(len(yt)), yt.astype(int)], 1e-15, 1)).mean()), "accuracy": float((P.argmax(1) == yt).mean())}))`;
    const result = spawnSync("python3", ["-c", script], { input: JSON.stringify({ x: Array.from(train.x.values), y: Array.from(train.y), xt: Array.from(test.x.values), yt: Array.from(test.y) }), encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const ref = JSON.parse(result.stdout) as { logLoss: number; accuracy: number };
    assert.ok(Math.abs(ours.logLoss - ref.logLoss) < 0.1 * ref.logLoss, `log loss ${ours.logLoss} vs LightGBM ${ref.logLoss}`);
    assert.ok(Math.abs(ours.accuracy - ref.accuracy) < 0.03, `accuracy ${ours.accuracy} vs LightGBM ${ref.accuracy}`);
    t.diagnostic(`held-out log loss ${ours.logLoss.toFixed(4)} vs LightGBM ${ref.logLoss.toFixed(4)}; accuracy ${ours.accuracy.toFixed(4)} vs ${ref.accuracy.toFixed(4)}`);
  });
});

describe("LINEAR's classifier against scikit-learn's LogisticRegression", { skip: SKLEARN || false }, () => {
  it("multinomial logistic regression with class weights, NaN cells and a constant column: the same probabilities (1e-5)", () => {
    const random = new Random(11);
    const rows = 240;
    const cols = 5;
    const values = new Float32Array(rows * cols);
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) values[r * cols + c] = c === 3 ? 2 : random.normal(0, c + 1);
      const s = [values[r * cols] - 0.5 * values[r * cols + 1], 0.8 * values[r * cols + 1], 0.3 * values[r * cols + 2] - 1];
      const e = s.map((v) => Math.exp(v + random.normal(0, 0.5)));
      y[r] = e.indexOf(Math.max(...e));
    }
    for (let r = 0; r < rows; r += 9) values[r * cols + (r % 3)] = NaN;
    const x = { rows, cols, values };
    const weights = classWeights(y, Array.from({ length: rows }, (_, i) => i), 3, "BALANCED");
    const rowWeights = Float64Array.from(y, (c) => weights[c]);
    const model = fitLogistic(x, y, 3, rowWeights, 2);
    const ours = predictLogistic(model, x);
    const ref = runPython<number[][]>(
      `import json, sys, numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
X = np.array([[np.nan if v is None else v for v in row] for row in d["x"]]); y = np.array(d["y"]); w = np.array(d["w"])
med = np.nanmedian(X, axis=0); Xf = np.where(np.isnan(X), med, X)
keep = Xf.std(axis=0) > 1e-9; Z = (Xf[:, keep] - Xf[:, keep].mean(axis=0)) / Xf[:, keep].std(axis=0)
m = LogisticRegression(C=1 / 2, tol=1e-12, max_iter=100000).fit(Z, y, sample_weight=w)
print(json.dumps(m.predict_proba(Z).tolist()))`,
      { x: Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols), (v) => (Number.isNaN(v) ? null : v))), y: Array.from(y), w: Array.from(rowWeights) },
    );
    let worst = 0;
    for (let r = 0; r < rows; r++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours[r * 3 + c] - ref[r][c]));
    assert.ok(worst < 1e-5, `largest probability difference ${worst} (${model.iterations} L-BFGS iterations)`);
    assert.equal(model.weight[3 * 3], 0, "the constant column gets no weight");
  });
});

/** Three imbalanced classes from a noisy linear score of 6 continuous features (2 of them noise). */
function imbalanced(seed: number, rows: number) {
  const random = new Random(seed);
  const cols = 6;
  const values = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = random.normal(0, c + 1);
    const s = values[r * cols] + 0.5 * values[r * cols + 1] - 0.3 * values[r * cols + 2] + 0.2 * values[r * cols + 3] + random.normal(0, 0.8);
    y[r] = s > 2.2 ? 1 : s < -2.6 ? 2 : 0;
  }
  return { x: { rows, cols, values }, y };
}

/**
 * scikit-learn visits the features in a random order (random_state), so where two cuts of different
 * features tie exactly (small nodes, where isolating a few rows can be done on several features) its
 * tree depends on the seed. Per depth it fits 8 seeds; where they all agree (no tie mattered) our tree
 * must give the same probabilities.
 */
const SKLEARN_TREE = `import json, sys, numpy as np
from sklearn.tree import DecisionTreeClassifier
d = json.load(sys.stdin)
X = np.array(d["x"], dtype=np.float32).reshape(-1, d["cols"]); Xt = np.array(d["xt"], dtype=np.float32).reshape(-1, d["cols"]); y = np.array(d["y"]).astype(int)
out = []
for depth in d["depths"]:
  fits = [DecisionTreeClassifier(criterion="gini", max_depth=depth, min_samples_leaf=d["minLeaf"], class_weight={k: w for k, w in enumerate(d["w"])}, random_state=s).fit(X, y) for s in range(8)]
  P = [np.vstack([m.predict_proba(X), m.predict_proba(Xt)]) for m in fits]
  out.append({"train": P[0][:len(X)].tolist(), "test": P[0][len(X):].tolist(), "leaves": int(fits[0].get_n_leaves()), "seedInvariant": bool(max(np.abs(p - P[0]).max() for p in P) == 0)})
print(json.dumps(out))`;

describe("DECISION_TREE's classifier against scikit-learn's DecisionTreeClassifier", { skip: SKLEARN || false }, () => {
  const depths = [1, 2, 3, 4, 5, 6];
  // [rows, min rows per leaf, class weights, depths up to which scikit-learn's tree is the same for every seed on this data]
  for (const [rows, minLeaf, weighting, tieFree] of [[800, 20, "BALANCED", 6], [500, 5, "BALANCED", 3], [500, 1, "NONE", 3]] as const) {
    it(`grows the same Gini tree: the same probabilities on training and held-out rows at depths 1..6 where scikit-learn's seed does not matter (${rows} rows, min ${minLeaf} per leaf, class weights ${weighting})`, async (t) => {
      const train = imbalanced(21, rows);
      const test = imbalanced(22, 300);
      const all = Array.from({ length: train.x.rows }, (_, i) => i);
      const weights = classWeights(train.y, all, 3, weighting);
      const ref = runPython<{ train: number[][]; test: number[][]; leaves: number; seedInvariant: boolean }[]>(SKLEARN_TREE, {
        x: Array.from(train.x.values), xt: Array.from(test.x.values), cols: train.x.cols, y: Array.from(train.y), w: Array.from(weights), depths, minLeaf,
      });
      const compared: number[] = [];
      for (const [d, maxDepth] of depths.entries()) {
        if (maxDepth <= tieFree) assert.ok(ref[d].seedInvariant, `depth ${maxDepth}: scikit-learn's tree should not depend on its seed here (the test would compare nothing)`);
        if (!ref[d].seedInvariant) continue;
        compared.push(maxDepth);
        const model = await trainGiniTree(train.x, train.y, 3, weights, { maxDepth, minDataInLeaf: minLeaf }, { seed: 1 });
        for (const [part, x] of [["train", train.x], ["test", test.x]] as const) {
          const ours = model.predictProbabilities(x);
          let worst = 0;
          for (let r = 0; r < x.rows; r++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours[r * 3 + c] - ref[d][part][r][c]));
          assert.ok(worst < 1e-12, `depth ${maxDepth}, ${part}: probabilities differ by up to ${worst}`);
        }
        assert.equal(model.models[0].trees[0].numLeaves, ref[d].leaves, `depth ${maxDepth}: as many leaves as scikit-learn's (zero-gain splits included)`);
      }
      t.diagnostic(`compared at depths ${compared.join(", ")}`);
    });
  }

  it("routes missing values to the side that fits them, and the leaves hold weighted class fractions", async () => {
    // Column 0 is missing exactly for class 2: the tree separates them on it; class 1 is the rest with x1 > 0.
    const rows = 300;
    const values = new Float32Array(rows * 2);
    const y = new Float32Array(rows);
    const random = new Random(3);
    for (let r = 0; r < rows; r++) {
      y[r] = r % 5 === 0 ? 2 : random.next() < 0.5 ? 1 : 0;
      values[2 * r] = y[r] === 2 ? NaN : random.normal(0, 1);
      values[2 * r + 1] = y[r] === 1 ? 1 + random.next() : -1 - random.next();
    }
    const x = { rows, cols: 2, values };
    const model = await trainGiniTree(x, y, 3, new Float64Array([1, 1, 1]), { maxDepth: 2, minDataInLeaf: 1 }, { seed: 1 });
    const p = model.predictProbabilities(x);
    for (let r = 0; r < rows; r++) assert.equal(p[r * 3 + y[r]], 1, `row ${r} (class ${y[r]}) is in a pure leaf`);
    const probe = model.predictProbabilities({ rows: 1, cols: 2, values: Float32Array.of(NaN, -1.5) });
    assert.equal(probe[2], 1, "a missing x0 goes where the training rows missing it went");
    // Class weights scale the leaf fractions: a depth-1 tree on an unsplittable feature is one leaf of the weighted priors.
    const flat = await trainGiniTree({ rows: 4, cols: 1, values: Float32Array.of(1, 1, 1, 1) }, Float32Array.of(0, 0, 0, 1), 2, new Float64Array([1, 3]), { maxDepth: 3, minDataInLeaf: 1 }, { seed: 1 });
    assert.deepEqual([...flat.predictProbabilities({ rows: 1, cols: 1, values: Float32Array.of(0) })], [0.5, 0.5]);
  });
});
