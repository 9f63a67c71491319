/**
 * Load and soak against the deployment topology on this machine
 * (scripts/cluster-local.sh: PostgreSQL of its own, two servers behind
 * HAProxy, two workers, one cube folder), loopback only, bounded in time.
 *
 * First a decision tree is trained through the proxy (a worker trains it),
 * so the cone searches ask for stored predictions. Then `connections`
 * keep-alive connections to the proxy send mixed traffic
 * (test/support/cluster-traffic.ts: cone search with predictions,
 * image(zoom: 2), spectrum(zoom: 3), VO SCS, the galaxy page's query):
 *
 *   npm run bench:cluster                         60 s at 64 connections: errors, p50/p99 per operation
 *   BENCH_MODE=soak npm run bench:cluster         10 minutes; both servers' RSS every 5 s,
 *                                                 first minute vs last minute (target: within 10 %)
 *
 * BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_DEMO (galaxies, default 2000) override.
 * The cluster stops with this process.
 */
import { loadavg } from "node:os";
import { rssBytes, startCluster, clusterUnavailable } from "../test/support/cluster.js";
import { OPERATIONS, someGalaxies, startTraffic, summariseOutcomes, trainPredictor } from "../test/support/cluster-traffic.js";

const mode = process.env.BENCH_MODE === "soak" ? "soak" : "load";
const seconds = Number(process.env.BENCH_SECONDS ?? (mode === "soak" ? 600 : 60));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const demo = Number(process.env.BENCH_DEMO ?? 2000);
const TOKEN = "bench-cluster-token-0123456789";
const RSS_EVERY_MS = 5000;

const missing = clusterUnavailable();
if (missing) {
  console.error(`bench:cluster: ${missing}`);
  process.exit(1);
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.error(`starting the cluster (${demo} demo galaxies)…`);
const cluster = await startCluster({ DEMO_COUNT: String(demo), API_TOKEN: TOKEN, MUTATION_RATE_LIMIT: "0", LOG_LEVEL: "warn" });
try {
  const trained = performance.now();
  const { predictorId } = await trainPredictor(cluster.proxy, TOKEN, { kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 2 }, 600);
  console.error(`predictor ${predictorId} trained by a worker in ${((performance.now() - trained) / 1000).toFixed(1)} s`);
  const galaxies = await someGalaxies(cluster.proxy);
  // Warm-up: every server opens its shards and prepares its statements.
  await startTraffic({ base: cluster.proxy, connections: 8, seconds: 5, predictor: predictorId, galaxies }).done;

  const loadBefore = load();
  const samples: { t: number; rss: (number | undefined)[] }[] = [];
  const started = performance.now();
  const sample = () => samples.push({ t: (performance.now() - started) / 1000, rss: cluster.servers.map((s) => rssBytes(s.pid)) });
  sample();
  const sampler = setInterval(sample, RSS_EVERY_MS);
  const traffic = startTraffic({ base: cluster.proxy, connections, seconds, predictor: predictorId, galaxies });
  const outcomes = await traffic.done;
  clearInterval(sampler);
  sample();
  const wall = (performance.now() - started) / 1000;
  const loadAfter = load();

  const summary = summariseOutcomes(outcomes);
  const errors = outcomes.filter((o) => o.error).length;
  console.log(`\n${mode}: ${seconds} s at ${connections} connections through HAProxy to 2 servers (${demo} galaxies), ${outcomes.length} requests in ${wall.toFixed(1)} s = ${(outcomes.length / wall).toFixed(1)} req/s, ${errors} errors`);
  console.log(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}`);
  console.log(`\n| operation | requests | errors | p50 (ms) | p99 (ms) |\n|---|---|---|---|---|`);
  for (const op of OPERATIONS) {
    const s = summary[op];
    const kinds = Object.entries(s.errorKinds).map(([k, n]) => `${k} ×${n}`).join(", ");
    console.log(`| ${op} | ${s.n} | ${s.errors}${kinds ? ` (${kinds})` : ""} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} |`);
  }
  const mb = (x: number) => (x / 1e6).toFixed(0);
  console.log(`\n| server | RSS first minute (MB, mean) | RSS last minute (MB, mean) | change | peak (MB) |\n|---|---|---|---|---|`);
  cluster.servers.forEach((server, i) => {
    const values = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss[i]).filter((x): x is number => x !== undefined);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(values(0, 60));
    const last = mean(values(wall - 60, wall + 1));
    const peak = Math.max(...values(0, wall + 1));
    console.log(`| ${server.name} | ${mb(first)} | ${mb(last)} | ${(((last - first) / first) * 100).toFixed(1)} % | ${mb(peak)} |`);
  });
  if (process.env.BENCH_RSS_SAMPLES === "1") console.log(JSON.stringify(samples));
} finally {
  await cluster.stop();
}
