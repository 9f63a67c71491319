/**
 * The Gini decision tree (DECISION_TREE's classifier, models/gbdt/gini-tree.ts)
 * against the regression decision tree on the same matrix (one thread) and
 * scikit-learn's DecisionTreeClassifier (/usr/bin/python3, its fit time
 * measured in Python): three imbalanced classes of a noisy linear score of
 * two columns, Gaussian features, depth 6, min 5 rows per leaf, balanced
 * class weights. Default 1,120 rows (a THESIS fold's fit rows) × 2,000
 * columns; GINI_BENCH_COLS=20480 is a RAW zoom-0 image.
 *
 *   npx tsc -p . && node dist/bench/gini-tree.js
 *   GINI_BENCH_ROWS=1120 GINI_BENCH_COLS=20480 GINI_BENCH_REPEATS=2 node dist/bench/gini-tree.js
 */
import { loadavg } from "node:os";
import { trainDecisionTree, trainGiniTree } from "../models/gbdt/index.js";
import { classWeights } from "../models/training/target.js";
import { Random } from "../random/random.js";
import { pythonModuleMissing, runPython } from "../test/support/python.js";

const rows = Number(process.env.GINI_BENCH_ROWS ?? 1120);
const cols = Number(process.env.GINI_BENCH_COLS ?? 2000);
const repeats = Number(process.env.GINI_BENCH_REPEATS ?? 3);

const random = new Random(2026);
const values = new Float32Array(rows * cols);
for (let i = 0; i < values.length; i++) values[i] = random.normal(0, 1);
const y = new Float32Array(rows);
for (let r = 0; r < rows; r++) {
  const s = values[r * cols] + 0.7 * values[r * cols + 5] + random.normal(0, 0.5);
  y[r] = s > 1.5 ? 1 : s < -1.8 ? 2 : 0;
}
const x = { rows, cols, values };
const weights = classWeights(y, Array.from({ length: rows }, (_, i) => i), 3, "BALANCED");

const time = async (fit: () => Promise<unknown>) => {
  const seconds: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const started = performance.now();
    await fit();
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
};

console.log(`${rows} x ${cols}, depth 6, min 5 rows per leaf, ${repeats} repeats; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const gini = await time(() => trainGiniTree(x, y, 3, weights, { maxDepth: 6, minDataInLeaf: 5 }, { seed: 1 }));
const regression = await time(() => trainDecisionTree(x, y, { maxDepth: 6, minDataInLeaf: 5, threads: 1 }, { seed: 1 }));
const format = (s: number[]) => s.map((v) => v.toFixed(2)).join(", ");
const best = (s: number[]) => Math.min(...s);
console.log(`Gini tree (classifier)      ${format(gini)} s`);
console.log(`regression tree (1 thread)  ${format(regression)} s   Gini / regression ${(best(gini) / best(regression)).toFixed(2)}x`);
const missing = pythonModuleMissing("sklearn");
if (missing) console.log(`scikit-learn unavailable: ${missing}`);
else {
  const sklearn = runPython<{ seconds: number[]; version: string }>(
    `import json, sys, time, numpy as np, sklearn
from sklearn.tree import DecisionTreeClassifier
d = json.load(sys.stdin)
X = np.array(d["x"], dtype=np.float32).reshape(-1, d["cols"]); y = np.array(d["y"]).astype(int)
seconds = []
for _ in range(d["repeats"]):
  t = time.perf_counter(); DecisionTreeClassifier(max_depth=6, min_samples_leaf=5, class_weight={k: w for k, w in enumerate(d["w"])}, random_state=0).fit(X, y); seconds.append(time.perf_counter() - t)
print(json.dumps({"seconds": seconds, "version": sklearn.__version__}))`,
    { x: Array.from(values), cols, y: Array.from(y), w: Array.from(weights), repeats },
  );
  console.log(`scikit-learn ${sklearn.version}          ${format(sklearn.seconds)} s   Gini / scikit-learn ${(best(gini) / best(sklearn.seconds)).toFixed(2)}x`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
