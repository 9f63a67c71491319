/**
 * The two reference learners every experiment runs (models/linear/): the
 * constant baseline is the training median (numpy.median), and ridge least
 * squares matches numpy solving the same problem another way (least squares
 * on the design stacked over sqrt(lambda)·I, after the same imputation and
 * standardisation) — with NaN cells, a constant column and p > n.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fitConstant, fitRidge, predictConstant, predictRidge } from "../models/linear/index.js";
import { Random } from "../random/random.js";
import { pythonModuleMissing, runPython } from "./support/python.js";

const NUMPY = pythonModuleMissing("numpy");
const SKLEARN = pythonModuleMissing("sklearn");

/** rows × cols, label linear in the first columns plus noise; some NaN cells and one constant column. */
function problem(seed: number, rows: number, cols: number) {
  const random = new Random(seed);
  const values = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let y = 0.3;
    for (let c = 0; c < cols; c++) {
      const v = c === 2 ? 5 : (random.next() - 0.5) * (c + 1);
      values[r * cols + c] = v;
      if (c < 4 && c !== 2) y += (c + 1) * 0.7 * v;
    }
    labels[r] = y + 0.1 * (random.next() - 0.5);
  }
  for (let k = 0; k < rows; k += 7) values[k * cols + ((k * 3) % cols)] = NaN;
  return { x: { rows, cols, values }, labels };
}

const REFERENCE = `
import json, sys, numpy as np
d = json.load(sys.stdin)
X = np.array([[np.nan if v is None else v for v in row] for row in d["x"]], dtype=np.float64)
y = np.array(d["y"], dtype=np.float64)
lam = d["lambda"]
med = np.array([np.median(c[~np.isnan(c)]) for c in X.T])
Xf = np.where(np.isnan(X), med, X)
mu = Xf.mean(axis=0); sd = Xf.std(axis=0)
keep = sd > 1e-12 * (1 + np.abs(mu))
Z = (Xf[:, keep] - mu[keep]) / sd[keep]
yc = y - y.mean()
A = np.vstack([Z, np.sqrt(lam) * np.eye(Z.shape[1])])
b = np.concatenate([yc, np.zeros(Z.shape[1])])
w = np.linalg.lstsq(A, b, rcond=None)[0]
pred = y.mean() + Z @ w
print(json.dumps({"pred": pred.tolist(), "median": float(np.median(y))}))
`;

const toRows = (x: { rows: number; cols: number; values: Float32Array }) =>
  Array.from({ length: x.rows }, (_, r) => Array.from(x.values.subarray(r * x.cols, (r + 1) * x.cols), (v) => (Number.isNaN(v) ? null : v)));

describe("reference learners against numpy", { skip: NUMPY || false }, () => {
  for (const [rows, cols, lambda] of [[120, 8, 1], [120, 8, 0], [30, 60, 2.5]] as const) {
    it(`ridge, ${rows} rows × ${cols} columns, lambda ${lambda}: predictions match numpy's least squares`, () => {
      const { x, labels } = problem(rows + cols, rows, cols);
      const model = fitRidge(x, labels, lambda);
      const ours = predictRidge(model, x);
      const ref = runPython<{ pred: number[] }>(REFERENCE, { x: toRows(x), y: Array.from(labels), lambda: Math.max(lambda, 1e-10 * rows) });
      for (let i = 0; i < rows; i++) assert.ok(Math.abs(ours[i] - ref.pred[i]) < 1e-6 * (1 + Math.abs(ref.pred[i])), `row ${i}: ${ours[i]} vs ${ref.pred[i]}`);
      assert.equal(model.weight[2], 0, "the constant column gets no weight");
    });
  }

  it("constant baseline: the training median, as numpy.median", () => {
    for (const n of [51, 50]) {
      const { x, labels } = problem(n, n, 3);
      const ref = runPython<{ median: number }>(REFERENCE, { x: toRows(x), y: Array.from(labels), lambda: 1 });
      const model = fitConstant(labels);
      assert.ok(Math.abs(model.value - ref.median) < 1e-12, `${model.value} vs ${ref.median}`);
      assert.deepEqual(Array.from(predictConstant(model, 3)), [model.value, model.value, model.value]);
    }
  });

  it("scikit-learn's Ridge on the standardised columns gives the same predictions", { skip: SKLEARN ? `${SKLEARN} (pip's scikit-learn; numpy's least squares above is the reference then)` : false }, () => {
    const { x, labels } = problem(5, 80, 6);
    const ours = predictRidge(fitRidge(x, labels, 3), x);
    const ref = runPython<number[]>(
      `import json, sys, numpy as np
from sklearn.linear_model import Ridge
d = json.load(sys.stdin)
X = np.array([[np.nan if v is None else v for v in row] for row in d["x"]]); y = np.array(d["y"])
med = np.nanmedian(X, axis=0); Xf = np.where(np.isnan(X), med, X)
keep = Xf.std(axis=0) > 1e-9; Z = (Xf[:, keep] - Xf[:, keep].mean(axis=0)) / Xf[:, keep].std(axis=0)
print(json.dumps(Ridge(alpha=3).fit(Z, y).predict(Z).tolist()))`,
      { x: toRows(x), y: Array.from(labels) },
    );
    for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - ref[i]) < 1e-6, `row ${i}`);
  });
});

describe("ridge refuses what it cannot solve in bounded memory", () => {
  it("more than 1,024 columns is an error that says what to use instead", () => {
    const x = { rows: 4, cols: 1100, values: Float32Array.from({ length: 4400 }, (_, i) => (i * 7919) % 13) };
    assert.throws(() => fitRidge(x, new Float32Array([1, 2, 3, 4]), 1), /ENGINEERED features or a coarser zoom/);
  });
});
