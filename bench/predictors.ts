/**
 * Serving predictions: GraphQL latency of a cone-search page of 500
 * galaxies with each one's predicted SFR, and the p50/p99 of a simple query
 * while a training run is active next to the same with the server idle
 * (training must not starve serving). The server runs as a child process on
 * PostgreSQL (pg-boss queue) over a synthetic survey with images and spectra.
 *
 *   npm run bench:predictors      (BENCH_COUNT galaxies, default 3000; BENCH_SECONDS per phase, default 15)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { benchAdminUrl, summarise, benchGraphql } from "./support.js";
import { openCube } from "../cube/cube-store.js";

const count = Number(process.env.BENCH_COUNT ?? 3000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const port = 4998;
const token = "bench-token-0123456789abcdef";
const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-predictors-"));

const name = `skycube_bench_predictors_${count}`;
const admin = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.unsafe(`CREATE DATABASE ${name}`);
const url = new URL(benchAdminUrl);
url.pathname = `/${name}`;
const db = await connect({ databaseUrl: url.toString(), maxConnections: 2 });
await migrate(db.sql);
let started = performance.now();
await loadDemo(db.sql, { count, cube: await openCube(dataDir) });
console.log(`demo: ${count} galaxies with images and spectra in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const server = spawn(process.execPath, [cli, "serve"], {
  env: { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0", API_TOKEN: token, MAX_GRID_POINTS: "64" },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) break;
  await new Promise((r) => setTimeout(r, 250));
}

const graphql = (query: string, variables: Record<string, unknown> = {}, auth = false) => benchGraphql(base, token, query, variables, auth);

async function train(input: Record<string, unknown>): Promise<string> {
  const data = await graphql(`mutation($i: TrainPredictorInput!) { trainPredictor(input: $i) { id } }`, { i: input }, true);
  return data.trainPredictor.id;
}

async function waitFor(id: string): Promise<any> {
  for (;;) {
    const { trainingRun } = await graphql(`query($id: ID!) { trainingRun(id: $id) { status error predictor { id } metrics { r2 rmse coverage1Sigma } timings { trainSeconds totalSeconds } } }`, { id });
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(trainingRun.status)) return trainingRun;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function timeLoop(query: string, variables: () => Record<string, unknown>, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const t = performance.now();
    await graphql(query, variables());
    latencies.push(performance.now() - t);
  }
  return latencies;
}

const fmt = (s: { n: number; p50: number; p99: number }) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n = ${s.n})`;

// 1. Train a predictor (GBDT, engineered early-fusion features, 5-fold CV).
started = performance.now();
const run = await waitFor(await train({ kind: "GBDT", modality: "EARLY_FUSION", features: "ENGINEERED", seed: 1 }));
console.log(`train GBDT EARLY_FUSION ENGINEERED (5 folds, ${count} galaxies): ${run.status} in ${((performance.now() - started) / 1000).toFixed(1)} s; test R² ${run.metrics?.r2?.toFixed(3)}, RMSE ${run.metrics?.rmse?.toFixed(3)}, coverage ${run.metrics?.coverage1Sigma?.toFixed(3)}`);
const predictorId = run.predictor.id;

// 2. A cone-search page of 500 galaxies with predictions.
const ids = (await db.sql`SELECT id, ra, dec FROM galaxies ORDER BY id`).map((r) => ({ id: String(r.id), ra: Number(r.ra), dec: Number(r.dec) }));
let k = 0;
const conePage = `query($p: ID!, $ra: Float!, $dec: Float!) { coneSearch(ra: $ra, dec: $dec, radius: 10, first: 500) {
  edges { node { id ra dec sfr { avg } prediction(predictor: $p) { value sigma } } } } }`;
const coneVars = () => {
  const g = ids[(k++ * 7919) % ids.length];
  return { p: predictorId, ra: g.ra, dec: g.dec };
};
await timeLoop(conePage, coneVars, () => k >= 5); // warm-up
let end = performance.now() + seconds * 1000;
console.log(`cone search page of 500 with predictions: ${fmt(summarise(await timeLoop(conePage, coneVars, () => performance.now() > end)))}`);

// 3. Simple queries, idle and while training.
const simple = `query($id: ID!) { galaxy(id: $id) { id ra dec redshift sfr { avg } } }`;
const simpleVars = () => ({ id: ids[(k++ * 7919) % ids.length].id });
end = performance.now() + seconds * 1000;
console.log(`simple query, server idle: ${fmt(summarise(await timeLoop(simple, simpleVars, () => performance.now() > end)))}`);
const heavy = await train({ kind: "GBDT", modality: "IMAGE", features: "RAW", imageZoom: 1, grid: { gbdt: { numIterations: [3000], earlyStoppingRounds: [0] } }, seed: 2 });
for (;;) {
  const { trainingRun } = await graphql(`query($id: ID!) { trainingRun(id: $id) { status } }`, { id: heavy });
  if (trainingRun.status === "RUNNING") break;
  await new Promise((r) => setTimeout(r, 200));
}
end = performance.now() + seconds * 1000;
console.log(`simple query, while training (GBDT on 5×32×32 raw pixels): ${fmt(summarise(await timeLoop(simple, simpleVars, () => performance.now() > end)))}`);
await graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id: heavy }, true);

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
await db.close();
await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
rmSync(dataDir, { recursive: true, force: true });
