/**
 * GBDT against LightGBM on the demo survey's ENGINEERED early-fusion
 * features (issue 15, target 1, its second half): `npm start`'s default
 * synthetic survey (2,000 galaxies, seed 0) loaded into an in-memory PGlite,
 * the labelled galaxies' image and spectrum features as the training
 * pipeline builds them (zoom 3), a seeded 80/20 split, the same settings on
 * both sides (the GBDT defaults' 31 leaves and learning rate 0.05, min 20
 * rows per leaf, 255 bins, a fixed number of rounds: no early stopping, so
 * both build the same number of trees). Wall time includes binning.
 *
 *   npm run build && node dist/bench/gbdt-demo.js       (GBDT_DEMO_TREES, default 300; GBDT_BENCH_THREADS, default 1,2)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCube } from "../cube/cube-store.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { loadPart, partsOf, type FeatureSpec } from "../models/features/feature-set.js";
import { rSquared, trainGbdt } from "../models/gbdt/index.js";
import type { Matrix } from "../models/learner.js";
import { loadTrainingGalaxies } from "../models/store/training-set.js";
import type { TrainInput } from "../models/training/input.js";
import { MemberData } from "../models/training/learners.js";
import { Random } from "../random/random.js";
import { lightGbm, mlReferenceMissing } from "../test/support/gbdt-reference.js";

const trees = Number(process.env.GBDT_DEMO_TREES ?? 300);
const threadCounts = (process.env.GBDT_BENCH_THREADS ?? "1,2").split(",").map(Number);
const missing = mlReferenceMissing("lightgbm");
if (missing) throw new Error(`LightGBM reference unavailable: ${missing}`);

const dataDir = mkdtempSync(join(tmpdir(), "skycube-gbdt-demo-"));
const db = await connect({});
await migrate(db.sql);
const cube = await openCube(dataDir);
let started = performance.now();
await loadDemo(db.sql, { count: 2000, cube });
console.log(`demo: 2,000 galaxies in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const spec: FeatureSpec = { modality: "EARLY_FUSION", features: "ENGINEERED", imageZoom: 3, spectrumZoom: 3 };
const input = { modality: "EARLY_FUSION", dataModality: "EARLY_FUSION", labelFilter: { flag: 0, minAvg: null, maxAvg: null } } as TrainInput;
const galaxies = await loadTrainingGalaxies(db.sql, input);
const labelled = galaxies.ids.map((_, i) => i).filter((i) => Number.isFinite(galaxies.label[i]));
const sources = labelled.map((i) => ({ cube: { shard: galaxies.cubeShards[i], row: galaxies.cubeRows[i] }, redshift: Number.isNaN(galaxies.redshift[i]) ? null : galaxies.redshift[i] }));
const data = new MemberData(partsOf(spec.modality).map((p) => loadPart(cube, sources, p, spec)), spec);

const order = labelled.map((_, k) => k);
const random = new Random(2026);
for (let k = order.length - 1; k > 0; k--) {
  const j = Math.floor(random.next() * (k + 1));
  [order[k], order[j]] = [order[j], order[k]];
}
const cut = Math.floor(order.length * 0.8);
const trainRows = order.slice(0, cut);
const testRows = order.slice(cut);
const x: Matrix = data.tabular(trainRows);
const test: Matrix = data.tabular(testRows);
const y = Float32Array.from(trainRows, (k) => galaxies.label[labelled[k]]);
const testY = Float32Array.from(testRows, (k) => galaxies.label[labelled[k]]);
console.log(`features: ${x.cols} engineered early-fusion columns, ${x.rows} training and ${test.rows} held-out galaxies`);

const settings = { numIterations: trees, learningRate: 0.05, numLeaves: 31, minDataInLeaf: 20, maxBin: 255 };
const table = ["| learner | threads | trees | wall s | held-out R² |", "|---|---|---|---|---|"];
for (const threads of threadCounts) {
  started = performance.now();
  const model = await trainGbdt(x, y, { ...settings, threads }, { seed: 1 });
  const seconds = (performance.now() - started) / 1000;
  const r2 = rSquared(testY, model.predict(test));
  const [reference] = lightGbm([{ x, y, test }], { ...settings, threads });
  const referenceR2 = rSquared(testY, reference.predictions);
  table.push(`| skycube GBDT | ${threads} | ${trees} | ${seconds.toFixed(2)} | ${r2.toFixed(4)} |`);
  table.push(`| LightGBM ${reference.version} | ${threads} | ${trees} | ${reference.seconds.toFixed(2)} | ${referenceR2.toFixed(4)} |`);
  console.log(`${threads} thread(s): time ratio ${(seconds / reference.seconds).toFixed(2)} (target ≤ 1), ΔR² ${(r2 - referenceR2).toFixed(4)} (target |ΔR²| ≤ 0.005)`);
}
console.log(`\n${table.join("\n")}`);
cube.close();
await db.close();
rmSync(dataDir, { recursive: true, force: true });
