/**
 * Serving at scale (issue 10): the same requests against a small and a
 * large catalogue, each ingested by bench:scale (`BENCH_SCALE_KEEP=1`
 * keeps its data folder), each served by the real server in its own
 * process on its embedded PGlite, both up at once. Requests are sequential
 * and alternate between the two servers (small, large, small, …), so the
 * shared machine's changing load falls on both alike:
 *
 *   - `galaxy(id) { image(zoom: 2) { flux sigma mask (base64) } }` for
 *     galaxies with images drawn at random from the whole catalogue
 *     (every shard is as likely to be read);
 *   - `coneSearch(first: 50)` with each galaxy's `prediction` of a
 *     spectrum decision tree trained on that catalogue, at 1 arcmin and
 *     0.2 degree, centred on catalogued galaxies.
 *
 * Target: large / small p50 within 1.2. Run it once with a copy of the small
 * folder as the "large" one to see the noise floor of the machine.
 *
 *   node dist/bench/serve-scale.js SMALL_DATA_DIR LARGE_DATA_DIR   (BENCH_REQUESTS per kind, default 300)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Random } from "../random/random.js";
import { summarise, benchGraphql } from "./support.js";

const [smallDir, largeDir] = process.argv.slice(2);
if (!smallDir || !largeDir) throw new Error("usage: serve-scale.js SMALL_DATA_DIR LARGE_DATA_DIR");
const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const token = "bench-token-0123456789abcdef";
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

const graphql = (base: string, query: string, variables: Record<string, unknown> = {}, auth = false) => benchGraphql(base, token, query, variables, auth);

async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [cli, "serve"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0", API_TOKEN: token },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 1200; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) return server;
    if (server.exitCode !== null) throw new Error(`server on ${dataDir} exited with ${server.exitCode}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server on ${dataDir} not ready after 300 s`);
}

async function stop(server: ChildProcess): Promise<void> {
  server.kill("SIGTERM");
  if (server.exitCode === null) await new Promise((r) => server.once("exit", r));
}

interface Galaxy {
  id: string;
  ra: number;
  dec: number;
  hasImage: boolean;
}

async function allGalaxies(base: string): Promise<Galaxy[]> {
  const out: Galaxy[] = [];
  let after: string | null = null;
  for (;;) {
    const data = await graphql(base, `query($after: String) { galaxies(first: 500, after: $after) { edges { node { id ra dec hasImage } } pageInfo { hasNextPage endCursor } } }`, { after });
    out.push(...data.galaxies.edges.map((e: { node: Galaxy }) => e.node));
    if (!data.galaxies.pageInfo.hasNextPage) return out;
    after = data.galaxies.pageInfo.endCursor;
  }
}

/** The spectrum decision tree of this catalogue: the one trained before, else trained now. */
async function predictor(base: string): Promise<string> {
  const existing = await graphql(base, `{ predictors { id name } }`);
  const found = existing.predictors.find((p: { name: string }) => p.name === "bench-serve-scale");
  if (found) return found.id;
  const started = performance.now();
  const input = { name: "bench-serve-scale", kind: "DECISION_TREE", modality: "SPECTRUM", features: "ENGINEERED", folds: 2, seed: 1 };
  const { trainPredictor } = await graphql(base, `mutation($i: TrainPredictorInput!) { trainPredictor(input: $i) { id } }`, { i: input }, true);
  for (;;) {
    const { trainingRun } = await graphql(base, `query($id: ID!) { trainingRun(id: $id) { status error predictor { id } } }`, { id: trainPredictor.id });
    if (trainingRun.status === "SUCCEEDED") {
      console.error(`  ${base}: trained predictor ${trainingRun.predictor.id} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      return trainingRun.predictor.id;
    }
    if (["FAILED", "CANCELLED"].includes(trainingRun.status)) throw new Error(`training ${trainingRun.status}: ${trainingRun.error}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const imageQuery = `query($id: ID!) { galaxy(id: $id) { image(zoom: 2) { size flux { base64 } sigma { base64 } mask { base64 } } } }`;
const coneQuery = `query($p: ID!, $ra: Float!, $dec: Float!, $r: Float!) { coneSearch(ra: $ra, dec: $dec, radius: $r, first: 50) {
  totalCount edges { distance node { id ra dec sfr { avg } prediction(predictor: $p) { value sigma } } } } }`;
const kinds = [
  { label: "image(zoom: 2), flux + sigma + mask", radius: 0 },
  { label: "coneSearch 1 arcmin, first 50, with predictions", radius: 1 / 60 },
  { label: "coneSearch 0.2 deg, first 50, with predictions", radius: 0.2 },
];

interface Target {
  dir: string;
  base: string;
  server: ChildProcess;
  galaxies: Galaxy[];
  withImage: Galaxy[];
  predictor: string;
  random: Random;
  latencies: number[][];
  rows: number[];
}

async function target(dir: string, port: number): Promise<Target> {
  console.error(`serving ${dir} on port ${port}…`);
  const server = await start(dir, port);
  const base = `http://127.0.0.1:${port}`;
  const galaxies = await allGalaxies(base);
  return { dir, base, server, galaxies, withImage: galaxies.filter((g) => g.hasImage), predictor: await predictor(base), random: new Random(7), latencies: kinds.map(() => []), rows: kinds.map(() => 0) };
}

/** One request of kind k to t; returns rows returned. */
async function request(t: Target, k: number): Promise<number> {
  if (k === 0) {
    const g = t.withImage[Math.floor(t.random.next() * t.withImage.length)];
    await graphql(t.base, imageQuery, { id: g.id });
    return 1;
  }
  const g = t.galaxies[Math.floor(t.random.next() * t.galaxies.length)];
  const data = await graphql(t.base, coneQuery, { p: t.predictor, ra: g.ra, dec: g.dec, r: kinds[k].radius });
  return data.coneSearch.edges.length;
}

const small = await target(smallDir, 4996);
const large = await target(largeDir, 4997);
try {
  for (let k = 0; k < kinds.length; k++) {
    for (let i = 0; i < 10; i++) for (const t of [small, large]) await request(t, k); // warm-up
    for (let i = 0; i < requests; i++) {
      for (const t of i % 2 === 0 ? [small, large] : [large, small]) {
        const started = performance.now();
        t.rows[k] += await request(t, k);
        t.latencies[k].push(performance.now() - started);
      }
    }
  }
} finally {
  for (const t of [small, large]) await stop(t.server);
}
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`# serving a large vs a small catalogue, both servers up, requests alternating, ${requests} per kind and server, load average at the end ${load}`);
console.log(`small: ${smallDir} (${small.galaxies.length} galaxies, ${small.withImage.length} with images); large: ${largeDir} (${large.galaxies.length} galaxies, ${large.withImage.length} with images)`);
console.log("| request | mean rows (small / large) | small p50 / p99 ms | large p50 / p99 ms | large / small p50 | large / small p99 |");
console.log("|---|---|---|---|---|---|");
kinds.forEach((kind, k) => {
  const [a, b] = [summarise(small.latencies[k]), summarise(large.latencies[k])];
  const f = (s: { p50: number; p99: number }) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)}`;
  console.log(`| ${kind.label} | ${(small.rows[k] / requests).toFixed(1)} / ${(large.rows[k] / requests).toFixed(1)} | ${f(a)} | ${f(b)} | ${(b.p50 / a.p50).toFixed(2)} | ${(b.p99 / a.p99).toFixed(2)} |`);
});
