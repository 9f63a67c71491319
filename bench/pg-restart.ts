/**
 * Requests that fail after a PostgreSQL restart, once the database is back
 * (README, Deployment): one server (`serve`, a private PostgreSQL of
 * test/support/private-postgres.ts, 200 demo galaxies, a decision tree
 * trained so that cone searches read stored predictions), mixed read traffic
 * (test/support/cluster-traffic.ts) at 4 connections through each restart
 * (`pg_ctl stop -m fast`, 2 s down, `start`), then, 3 s after `/readyz`
 * says ready, a burst at 16 connections that needs every pooled connection.
 * Counts the SERVICE_UNAVAILABLE answers to requests sent after ready.
 *
 *   node dist/bench/pg-restart.js                  # ROUNDS=10 restarts
 *   SKYCUBE_SERVER_ROOT=/path/to/other/checkout node dist/bench/pg-restart.js
 *     (runs that checkout's built server, e.g. the code before a fix)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { someGalaxies, startTraffic, trainPredictor } from "../test/support/cluster-traffic.js";
import { privatePostgresUnavailable, startPrivatePostgres } from "../test/support/private-postgres.js";

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const TOKEN = "pg-restart-bench-token-0123456789";
const root = process.env.SKYCUBE_SERVER_ROOT ?? fileURLToPath(new URL("../..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const missing = privatePostgresUnavailable();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}
const pg = await startPrivatePostgres();
const dataDir = mkdtempSync(join(tmpdir(), "skycube-pg-restart-"));
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const server = spawn("node", ["dist/cli/main.js", "serve"], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: pg.url, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "200", TRAIN_IN_SERVER: "true", TRAINING_QUEUE: "pg-boss", API_TOKEN: TOKEN, NODE_ENV: "production", LOG_LEVEL: "warn", MUTATION_RATE_LIMIT: "0" },
  stdio: ["ignore", "ignore", "inherit"],
});
const ready = async () => {
  try {
    return (await fetch(`${base}/readyz`)).ok;
  } catch {
    return false;
  }
};
try {
  for (const end = Date.now() + 300_000; !(await ready()); await sleep(250)) if (Date.now() > end || server.exitCode !== null) throw new Error("the server did not start");
  const galaxies = await someGalaxies(base, 200);
  const { predictorId } = await trainPredictor(base, TOKEN, { kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", imageZoom: 3, folds: 2, seed: 4 }, 300);
  console.log(`server of ${root}, load average before ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  let late = 0;
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const steady = startTraffic({ base, connections: 4, seconds: 120, predictor: predictorId, galaxies });
    await sleep(1500);
    pg.pgCtl(["stop", "-m", "fast"]);
    await sleep(2000);
    pg.pgCtl(["start"]);
    while (!(await ready())) await sleep(100);
    const readyAt = performance.now();
    await sleep(3000);
    const burst = await startTraffic({ base, connections: 16, seconds: 3, predictor: predictorId, galaxies }).done;
    steady.stop();
    const outcomes = [...(await steady.done), ...burst];
    const after = outcomes.filter((o) => o.error && o.start > readyAt);
    late += after.length;
    total += outcomes.filter((o) => o.start > readyAt).length;
    console.log(`round ${round + 1}: ${outcomes.filter((o) => o.error && o.start <= readyAt).length} errors while down; after ready: ${after.map((o) => `${o.op} ${o.error} +${(o.start - readyAt).toFixed(0)} ms`).join(", ") || "none"}`);
  }
  console.log(`${ROUNDS} restarts: ${late} failed of ${total} requests sent after /readyz said ready; load average after ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
} finally {
  server.kill("SIGTERM");
  await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once("exit", resolve)));
  pg.remove();
  rmSync(dataDir, { recursive: true, force: true });
}
