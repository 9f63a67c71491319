/**
 * Ingest at survey scale (issue 10): the synthetic survey written as SDSS
 * files (`demo --write-sdss`) for N objects, ingested with the CLI
 * (`ingest sdss`) as a child process under `/usr/bin/time -f %M` into a
 * fresh DATA_DIR (and, optionally, a fresh PostgreSQL database). Reports
 * objects/s, frames/s and peak RSS per N, their ratios to the smallest N,
 * and each batch's own time (INGEST_LOG_BATCHES=1) against the number of
 * galaxies stored before it. Targets: throughput and peak RSS flat within
 * 20 % from the smallest to the largest N; a batch's time independent of
 * the cube's size.
 *
 *   npm run bench:scale                       (N = 2000,10000; embedded PGlite)
 *   npm run bench:scale -- 2000,10000,50000   (or BENCH_SCALE_COUNTS)
 *   BENCH_SCALE_DB=pglite,postgres npm run bench:scale
 *
 * Surveys are generated once per N and kept in BENCH_SCALE_CACHE
 * (default /tmp/skycube-scale/sdss-N-s1, a `.complete` file marks a whole
 * one); 50,000 objects are ~14 GB of files and take over an hour to write
 * on two cores. Each ingest's data folder is removed afterwards unless
 * BENCH_SCALE_KEEP=1 (Task 2 serves from a kept one).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { benchAdminUrl, freshBenchDatabase } from "./support.js";

const counts = (process.argv[2] ?? process.env.BENCH_SCALE_COUNTS ?? "2000,10000").split(",").map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`counts must be positive integers, got ${counts.join(",")}`);
const databases = (process.env.BENCH_SCALE_DB ?? "pglite").split(",") as ("pglite" | "postgres")[];
if (databases.some((d) => d !== "pglite" && d !== "postgres")) throw new Error("BENCH_SCALE_DB: pglite and/or postgres");
const cache = process.env.BENCH_SCALE_CACHE ?? "/tmp/skycube-scale";
const keep = process.env.BENCH_SCALE_KEEP === "1";
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));

interface Run {
  output: string;
  stderr: string;
  seconds: number;
  peakKb: number;
}

/** Runs the CLI under /usr/bin/time -f %M; the last stderr line is the peak RSS in KB. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M", process.execPath, cli, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`skycube ${args.join(" ")} exited with ${code}:\n${stderr.slice(-2000)}`));
      const peakKb = Number(stderr.trim().split("\n").at(-1));
      resolve({ output, stderr, seconds, peakKb });
    });
  });
}

/** The survey of `count` objects as SDSS files, written once. */
async function survey(count: number): Promise<string> {
  const dir = join(cache, `sdss-${count}-s1`);
  if (existsSync(join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  console.error(`writing the ${count}-object survey to ${dir} (once)…`);
  const run = await runCli(["demo", "--write-sdss", dir, "--count", String(count), "--seed", "1"], {});
  console.error(`  ${run.output.trim()} (peak ${(run.peakKb / 1024).toFixed(0)} MB)`);
  writeFileSync(join(dir, ".complete"), "");
  return dir;
}

interface Batch {
  index: number;
  objects: number;
  stored: number;
  loadMs: number;
  wallMs: number;
}

interface Result {
  count: number;
  database: string;
  objects: number;
  frames: number;
  withImage: number;
  seconds: number;
  peakMb: number;
  batches: Batch[];
  dataDir: string;
  url?: string;
}

function parseBatches(output: string): Batch[] {
  const batches: Batch[] = [];
  for (const m of output.matchAll(/^batch (\d+) objects (\d+) stored (\d+) load_ms ([\d.]+) wall_ms ([\d.]+)$/gm)) {
    batches.push({ index: Number(m[1]), objects: Number(m[2]), stored: Number(m[3]), loadMs: Number(m[4]), wallMs: Number(m[5]) });
  }
  return batches;
}

async function ingest(count: number, database: "pglite" | "postgres"): Promise<Result> {
  const dir = await survey(count);
  const frames = readdirSync(join(dir, "frames")).filter((f) => f.startsWith("frame-")).length;
  const dataDir = join(cache, `data-${count}-${database}`);
  rmSync(dataDir, { recursive: true, force: true });
  const url = database === "postgres" ? await freshBenchDatabase(`skycube_scale_${count}`) : undefined;
  const env = { DATA_DIR: dataDir, DATABASE_URL: url ?? "", INGEST_LOG_BATCHES: "1", DEMO_COUNT: "0" };
  const sfr = `${join(dir, "mpa-jhu", "gal_info.fits")},${join(dir, "mpa-jhu", "gal_totsfr.fits")}`;
  const run = await runCli(["ingest", "sdss", "--spectra", join(dir, "spectra"), "--frames", join(dir, "frames"), "--sfr", sfr], env);
  const summary = /ingest sdss: \d+ spectra → (\d+) objects .* (\d+) with images/.exec(run.output);
  if (!summary) throw new Error(`no summary line in the ingest's output:\n${run.output.slice(-2000)}`);
  console.error(`  ${count} ${database}: ${run.output.trim().split("\n").at(-1)}`);
  return { count, database, objects: Number(summary[1]), withImage: Number(summary[2]), frames, seconds: run.seconds, peakMb: run.peakKb / 1024, batches: parseBatches(run.output), dataDir, url };
}

/** Least-squares slope of y on x. */
function slope(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  x.forEach((xi, i) => ((num += (xi - mx) * (y[i] - my)), (den += (xi - mx) ** 2)));
  return den > 0 ? num / den : 0;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Per-batch time against the galaxies stored before it: full batches only (the last one is partial). */
function batchTrend(batches: Batch[]) {
  const full = batches.filter((b) => b.objects === Math.max(...batches.map((x) => x.objects)));
  const quarter = Math.max(1, Math.floor(full.length / 4));
  const first = full.slice(0, quarter);
  const last = full.slice(-quarter);
  return {
    n: full.length,
    firstMs: median(first.map((b) => b.loadMs)),
    lastMs: median(last.map((b) => b.loadMs)),
    firstStored: first[0]?.stored ?? 0,
    lastStored: last.at(-1)?.stored ?? 0,
    // ms per batch added by each 10,000 galaxies already stored
    slopePer10k: slope(full.map((b) => b.stored), full.map((b) => b.loadMs)) * 10_000,
    wallMedian: median(full.map((b) => b.wallMs)),
  };
}

const results: Result[] = [];
for (const database of databases) {
  for (const count of counts) {
    results.push(await ingest(count, database));
    const last = results.at(-1)!;
    if (!keep) {
      rmSync(last.dataDir, { recursive: true, force: true });
      if (last.url) {
        const admin = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
        await admin.unsafe(`DROP DATABASE IF EXISTS skycube_scale_${count} WITH (FORCE)`);
        await admin.end();
      }
    }
  }
}

const load = spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim().split(" ").slice(0, 3).join(" ");
console.log(`# ingest sdss at scale, INGEST_BATCH_SIZE=${process.env.INGEST_BATCH_SIZE ?? 1000}, load average at the end ${load}`);
console.log("| database | N | objects | with image | frames | wall s | objects/s | frames/s | peak RSS MB | objects/s vs smallest N | peak RSS vs smallest N |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const base = results.find((x) => x.database === r.database)!;
  const rate = r.objects / r.seconds;
  const baseRate = base.objects / base.seconds;
  console.log(
    `| ${r.database} | ${r.count.toLocaleString("en")} | ${r.objects} | ${r.withImage} | ${r.frames} | ${r.seconds.toFixed(1)} | ${rate.toFixed(1)} | ${(r.frames / r.seconds).toFixed(2)} | ` +
      `${r.peakMb.toFixed(0)} | ${(rate / baseRate).toFixed(2)} | ${(r.peakMb / base.peakMb).toFixed(2)} |`,
  );
}
console.log("");
console.log("# a batch's own time (resolve, spectra, shards, commit) against the galaxies stored before it (full batches)");
console.log("| database | N | batches | first quarter: stored from, median ms | last quarter: stored to, median ms | last / first | slope ms per 10k stored | median wall ms per batch |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const t = batchTrend(r.batches);
  console.log(
    `| ${r.database} | ${r.count.toLocaleString("en")} | ${t.n} | ${t.firstStored}, ${t.firstMs.toFixed(0)} | ${t.lastStored}, ${t.lastMs.toFixed(0)} | ${(t.lastMs / t.firstMs).toFixed(2)} | ` +
      `${t.slopePer10k.toFixed(1)} | ${t.wallMedian.toFixed(0)} |`,
  );
}
if (process.env.BENCH_SCALE_BATCHES === "1") {
  console.log("");
  for (const r of results) for (const b of r.batches) console.log(`${r.database} ${r.count} batch ${b.index} objects ${b.objects} stored ${b.stored} load_ms ${b.loadMs} wall_ms ${b.wallMs}`);
}
