/**
 * The seed study's grid (issue 13): `preset: THESIS` on `npm start`'s
 * default topology (embedded PGlite, the default synthetic demo survey,
 * training in the server next to serving), with the wall time of every cell
 * and the latency of a simple query sampled all along (p50/p99 idle, then
 * while the grid runs).
 *
 *   npm run bench:thesis                 (BENCH_THESIS_MAX_S: stop after this many seconds, default 10800)
 *   BENCH_THESIS_OUT=thesis.md npm run bench:thesis
 *
 * The table so far is written to BENCH_THESIS_OUT (default
 * /tmp/skycube-thesis.md) after every finished cell, so a run stopped
 * part-way keeps what it measured; cells are queued references first, then
 * cheapest first (models/training/experiment-plan.ts, `queueOrder`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarise, benchGraphql } from "./support.js";

const maxSeconds = Number(process.env.BENCH_THESIS_MAX_S ?? 10_800);
const out = process.env.BENCH_THESIS_OUT ?? "/tmp/skycube-thesis.md";
const port = Number(process.env.BENCH_PORT ?? 4997);
const token = "bench-token-0123456789abcdef";
const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-thesis-"));
const base = `http://127.0.0.1:${port}`;
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

const server = spawn(process.execPath, [cli, "serve"], {
  env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", API_TOKEN: token, LOG_LEVEL: "warn" },
  stdio: ["ignore", "inherit", "inherit"],
});
// A failed bench must not leave its server (and the grid) running.
process.on("exit", () => server.kill("SIGTERM"));
const started = performance.now();
for (;;) {
  if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) break;
  if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`server ready with the demo survey in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const graphql = (query: string, variables: Record<string, unknown> = {}, auth = false) => benchGraphql(base, token, query, variables, auth);

// The demo's galaxies are ids 1..2000 (checked: the first and the last answer).
const ids: string[] = Array.from({ length: 2000 }, (_, i) => String(i + 1));
for (const probe of [ids[0], ids.at(-1)]) if (!(await graphql(`query($id: ID!) { galaxy(id: $id) { id } }`, { id: probe })).galaxy) throw new Error(`galaxy ${probe} is not in the demo`);
const simple = `query($id: ID!) { galaxy(id: $id) { id ra dec redshift sfr { avg } } }`;
let k = 0;
/** Sends the simple query back to back until `until()`, one at a time; returns the latencies (ms). */
async function sample(until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const t = performance.now();
    await graphql(simple, { id: ids[(k++ * 7919) % ids.length] });
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return latencies;
}
const fmt = (s: { n: number; p50: number; p99: number }) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n = ${s.n})`;

const idleEnd = performance.now() + 20_000;
const idle = summarise(await sample(() => performance.now() > idleEnd));
console.log(`simple query, server idle: ${fmt(idle)}; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);

const CELL = `learner modality imageZoom spectrumZoom features reference fusion studies trainSeconds backend metrics { r2 mae rmse nmad coverage1Sigma }
  cv { r2Std } run { id status error timings { totalSeconds } }`;
const experimentStarted = performance.now();
const { runExperiment } = await graphql(`mutation { runExperiment(input: { preset: "THESIS", seed: 0 }) { id cells { run { id } } } }`, {}, true);
const id = runExperiment.id;
console.log(`experiment ${id}: ${runExperiment.cells.length} cells queued at ${new Date().toISOString()}`);

const zoomLabel = (z: number | null, kind: "image" | "spectrum") => (z === null ? "" : kind === "image" ? `${z} (${64 >> z} px)` : `${z} (${Math.floor(4620 / 2 ** z)} bins)`);
const r = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? "" : v.toFixed(d));
let finishedCells = -1;
let view: any;
const during: number[] = [];
let stop = false;
const sampler = sample(() => stop).then((l) => during.push(...l));
for (;;) {
  view = (await graphql(`query($id: ID!) { experiment(id: $id) { status progress cells { ${CELL} } } }`, { id })).experiment;
  const done = view.cells.filter((c: any) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(c.run.status));
  if (done.length !== finishedCells) {
    finishedCells = done.length;
    const rows = view.cells.map((c: any) => {
      const wall = c.run.timings.totalSeconds;
      const learner = c.reference ? `${c.learner} (reference)` : c.fusion === "GATED" ? "CNN (gated)" : c.learner;
      return `| ${learner} | ${c.modality} | ${c.features} | ${zoomLabel(c.imageZoom, "image")} | ${zoomLabel(c.spectrumZoom, "spectrum")} | ${c.run.status} | ${r(c.metrics?.r2)} | ${r(c.cv?.r2Std)} | ${r(c.metrics?.nmad)} | ${r(c.metrics?.rmse)} | ${r(c.trainSeconds, 1)} | ${r(wall, 1)} |`;
    });
    writeFileSync(
      out,
      [
        `experiment ${id}, ${done.length} of ${view.cells.length} cells finished after ${((performance.now() - experimentStarted) / 1000).toFixed(0)} s (${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")})`,
        "",
        "| learner | modality | features | image zoom | spectrum zoom | status | test R² | CV R² std | NMAD | RMSE | train s | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
    console.log(`${new Date().toISOString()} ${done.length}/${view.cells.length} cells finished (progress ${(view.progress * 100).toFixed(0)} %), load ${loadavg()[0].toFixed(1)}`);
  }
  if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(view.status)) break;
  if ((performance.now() - experimentStarted) / 1000 > maxSeconds) {
    console.log(`stopping after ${maxSeconds} s: cancelling the rest`);
    await graphql(`mutation($id: ID!) { cancelExperiment(id: $id) { status } }`, { id }, true);
    break;
  }
  await new Promise((res) => setTimeout(res, 10_000));
}
stop = true;
await sampler;
const total = (performance.now() - experimentStarted) / 1000;
console.log(`experiment ${view.status} in ${total.toFixed(0)} s; simple query while the grid ran: ${fmt(summarise(during))} (idle: ${fmt(idle)})`);
console.log(`table: ${out}`);
server.kill("SIGTERM");
await new Promise((res) => server.once("exit", res));
rmSync(dataDir, { recursive: true, force: true });
