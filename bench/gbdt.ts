/**
 * GBDT and decision tree side by side with LightGBM and scikit-learn (issue
 * 4, Performance): identical synthetic data (default 8,000 training rows x
 * 3,000 Float32 features, a nonlinear target of 8 of them plus noise, and
 * 2,000 held-out rows), identical settings (31 leaves, lr 0.1, min 20 rows
 * per leaf, 255 bins). Wall time includes binning / Dataset construction.
 * Targets: GBDT time ≤ 1.5x LightGBM's with the same thread count and R²
 * within 0.01; decision tree R² within 0.005 of scikit-learn's.
 *
 *   npm run bench:gbdt
 *   GBDT_BENCH_TREES=20 GBDT_BENCH_ROWS=8000 GBDT_BENCH_COLS=3000 GBDT_BENCH_THREADS=2,1 GBDT_BENCH_DEPTHS=1,6 npm run bench:gbdt
 */
import { rSquared, trainDecisionTree, trainGbdt } from "../models/gbdt/index.js";
import { splitRows, syntheticRegression } from "../test/support/gbdt-data.js";
import { lightGbm, mlReferenceMissing, sklearnTrees } from "../test/support/gbdt-reference.js";

const trees = Number(process.env.GBDT_BENCH_TREES ?? 30);
const rows = Number(process.env.GBDT_BENCH_ROWS ?? 8000);
const cols = Number(process.env.GBDT_BENCH_COLS ?? 3000);
const threadCounts = (process.env.GBDT_BENCH_THREADS ?? "2,1").split(",").map(Number);
const testRows = 2000;

const missing = mlReferenceMissing("lightgbm");
if (missing) console.log(`LightGBM reference unavailable: ${missing}`);
const sklearnMissing = mlReferenceMissing("sklearn");
if (sklearnMissing) console.log(`scikit-learn reference unavailable: ${sklearnMissing}`);

let started = performance.now();
const [train, test] = splitRows(syntheticRegression({ rows: rows + testRows, cols, seed: 2026 }), rows);
console.log(`data: ${rows} x ${cols} training, ${testRows} held out (${((performance.now() - started) / 1000).toFixed(1)} s to generate)`);
const settings = { numIterations: trees, learningRate: 0.1, numLeaves: 31, minDataInLeaf: 20, maxBin: 255 };

const table: string[] = ["| learner | threads | trees | wall s | s per tree | held-out R² |", "|---|---|---|---|---|---|"];
for (const threads of threadCounts) {
  started = performance.now();
  let binned = 0;
  const model = await trainGbdt(train.x, train.y, { ...settings, threads }, {
    seed: 1,
    onIteration: (report) => {
      if (report.iteration === 1) binned = performance.now();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const treeSeconds = (performance.now() - binned) / 1000 / Math.max(1, trees - 1);
  const predictStarted = performance.now();
  const predictions = model.predict(test.x);
  const predictSeconds = (performance.now() - predictStarted) / 1000;
  const r2 = rSquared(test.y, predictions);
  table.push(`| skycube GBDT | ${threads} | ${trees} | ${seconds.toFixed(2)} | ${(seconds / trees).toFixed(3)} (after the first: ${treeSeconds.toFixed(3)}) | ${r2.toFixed(4)} |`);
  console.log(table.at(-1));
  console.log(`  predict: ${testRows} rows x ${trees} trees in ${(predictSeconds * 1000).toFixed(1)} ms (${Math.round(testRows / predictSeconds).toLocaleString("en")} rows/s)`);
  if (!missing) {
    const [reference] = lightGbm([{ x: train.x, y: train.y, test: test.x }], { ...settings, threads });
    const referenceR2 = rSquared(test.y, reference.predictions);
    table.push(`| LightGBM ${reference.version} | ${threads} | ${trees} | ${reference.seconds.toFixed(2)} | ${(reference.seconds / trees).toFixed(3)} | ${referenceR2.toFixed(4)} |`);
    console.log(table.at(-1));
    console.log(`  time ratio ${(seconds / reference.seconds).toFixed(2)} (target ≤ 1.5), ΔR² ${(r2 - referenceR2).toFixed(4)} (target |ΔR²| ≤ 0.01)`);
  }
}

const depths = (process.env.GBDT_BENCH_DEPTHS ?? "1,2,3,4,5,6").split(",").map(Number);
const treeTable = ["| depth | skycube DT s | skycube R² | scikit-learn s | scikit-learn R² | ΔR² |", "|---|---|---|---|---|---|"];
const references = sklearnMissing ? [] : sklearnTrees({ x: train.x, y: train.y, test: test.x }, depths, 1);
for (const [k, maxDepth] of depths.entries()) {
  started = performance.now();
  const model = await trainDecisionTree(train.x, train.y, { maxDepth, minDataInLeaf: 1, threads: threadCounts[0] }, { seed: 1 });
  const seconds = (performance.now() - started) / 1000;
  const r2 = rSquared(test.y, model.predict(test.x));
  const reference = references[k];
  const referenceR2 = reference ? rSquared(test.y, reference.predictions) : NaN;
  treeTable.push(`| ${maxDepth} | ${seconds.toFixed(2)} | ${r2.toFixed(4)} | ${reference?.seconds.toFixed(2) ?? "–"} | ${referenceR2.toFixed(4)} | ${(r2 - referenceR2).toFixed(4)} |`);
  console.log(treeTable.at(-1));
}
console.log(`\n${table.join("\n")}\n\nDecision tree (threads ${threadCounts[0]}, min 1 row per leaf):\n\n${treeTable.join("\n")}`);
