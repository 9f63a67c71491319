/**
 * LightGBM and scikit-learn as independent references for the GBDT: the
 * data go to Python as raw Float32 files in a temp directory, predictions
 * and timings come back as JSON. Uses `python3` from PATH (override with
 * SKYCUBE_ML_PYTHON), where `python3 -m pip install lightgbm scikit-learn`
 * puts them (see .ci/run).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Matrix } from "../../models/learner.js";

export const ML_PYTHON = process.env.SKYCUBE_ML_PYTHON || "python3";

/** Why a Python reference (`lightgbm` or `sklearn`, with numpy) cannot be used, or false when it can. */
export function mlReferenceMissing(module: "lightgbm" | "sklearn"): string | false {
  const result = spawnSync(ML_PYTHON, ["-c", `import ${module}, numpy`], { encoding: "utf8" });
  if (result.error) return `${ML_PYTHON} is not available (${result.error.message})`;
  const install = module === "sklearn" ? "apt-get install python3-sklearn (or pip install scikit-learn)" : `${ML_PYTHON} -m pip install lightgbm`;
  if (result.status !== 0) return `${ML_PYTHON} cannot import ${module}; run: ${install}`;
  return false;
}

export interface ReferenceRun {
  predictions: number[];
  /** Training wall time, seconds (Dataset construction included for LightGBM). */
  seconds: number;
  version: string;
}

const script = String.raw`
import json, sys, time, numpy as np
d = sys.argv[1]
spec = json.load(open(d + "/spec.json"))
results = []
for k in range(spec["sets"]):
  x = np.fromfile(f"{d}/x{k}.f32", dtype=np.float32).reshape(spec["rows"], spec["cols"])
  y = np.fromfile(f"{d}/y{k}.f32", dtype=np.float32)
  xt = np.fromfile(f"{d}/xt{k}.f32", dtype=np.float32).reshape(-1, spec["cols"])
  out = {}
  results.append(out)
  if spec["kind"] == "lightgbm":
      import lightgbm as lgb
      params = dict(spec["params"], verbose=-1, deterministic=True, seed=1)
      start = time.perf_counter()
      data = lgb.Dataset(x, label=y, params={"max_bin": params["max_bin"], "verbose": -1})
      booster = lgb.train(params, data, num_boost_round=spec["rounds"])
      out["seconds"] = time.perf_counter() - start
      out["predictions"] = booster.predict(xt).tolist()
      out["version"] = lgb.__version__
  elif spec["kind"] == "bins":
      import lightgbm as lgb
      out["numBins"] = []
      for max_bin in spec["params"]["max_bins"]:
          data = lgb.Dataset(x, label=y, params={"max_bin": max_bin, "verbose": -1, "feature_pre_filter": False}).construct()
          out["numBins"].append([data.feature_num_bin(i) for i in range(spec["cols"])])
  else:
      import sklearn
      from sklearn.tree import DecisionTreeRegressor
      out["runs"] = []
      for depth in spec["params"]["depths"]:
          start = time.perf_counter()
          tree = DecisionTreeRegressor(random_state=0, max_depth=depth, min_samples_leaf=spec["params"]["min_samples_leaf"]).fit(x, y)
          seconds = time.perf_counter() - start
          out["runs"].append({"seconds": seconds, "predictions": tree.predict(xt).tolist(), "version": sklearn.__version__})
print(json.dumps(results))
`;

/** One data set: training rows and labels, and the rows to predict. */
export interface ReferenceData {
  x: Matrix;
  y: Float32Array;
  test: Matrix;
}

function run<T>(kind: "lightgbm" | "sklearn" | "bins", sets: ReferenceData[], params: Record<string, unknown>, rounds = 1): T[] {
  const dir = mkdtempSync(join(tmpdir(), "skycube-gbdt-"));
  try {
    const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    sets.forEach(({ x, y, test }, k) => {
      writeFileSync(join(dir, `x${k}.f32`), bytes(x.values));
      writeFileSync(join(dir, `y${k}.f32`), bytes(y));
      writeFileSync(join(dir, `xt${k}.f32`), bytes(test.values));
    });
    const { rows, cols } = sets[0].x;
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ kind, sets: sets.length, rows, cols, params, rounds }));
    const result = spawnSync(ML_PYTHON, ["-c", script, dir], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (result.status !== 0) throw new Error(`${kind} reference failed: ${result.stderr || result.error?.message}`);
    return JSON.parse(result.stdout) as T[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LightGbmSettings {
  numIterations: number;
  learningRate: number;
  numLeaves: number;
  maxDepth?: number;
  minDataInLeaf?: number;
  lambdaL2?: number;
  maxBin?: number;
  threads: number;
}

/** LightGBM regression (l2) with our parameter names mapped to its own, one fit per data set (all of one shape). */
export function lightGbm(sets: ReferenceData[], s: LightGbmSettings): ReferenceRun[] {
  return run<ReferenceRun>("lightgbm", sets, {
    objective: "regression",
    learning_rate: s.learningRate,
    num_leaves: s.numLeaves,
    max_depth: s.maxDepth ?? -1,
    min_data_in_leaf: s.minDataInLeaf ?? 20,
    min_sum_hessian_in_leaf: 1e-3,
    lambda_l2: s.lambdaL2 ?? 0,
    max_bin: s.maxBin ?? 255,
    num_threads: s.threads,
    force_col_wise: true,
  }, s.numIterations);
}

/** scikit-learn DecisionTreeRegressor (squared error), one fit per depth, predicting `test`. */
export function sklearnTrees(data: ReferenceData, depths: number[], minSamplesLeaf = 1): ReferenceRun[] {
  return run<{ runs: ReferenceRun[] }>("sklearn", [data], { depths, min_samples_leaf: minSamplesLeaf })[0].runs;
}

/** Bins LightGBM's Dataset gives each feature of `x` (missing bin included), for each of `maxBins`. */
export function lightGbmBinCounts(x: Matrix, maxBins: number[]): number[][] {
  const none = { rows: 0, cols: x.cols, values: new Float32Array(0) };
  return run<{ numBins: number[][] }>("bins", [{ x, y: new Float32Array(x.rows), test: none }], { max_bins: maxBins })[0].numBins;
}
