/**
 * Kill -9 an `ingest sdss` at several moments and rerun it until it
 * finishes (issue 10: "killed at any moment and rerun, an ingest finishes
 * the job"), on an SDSS-format survey written by `demo --write-sdss`. The
 * survey folder is only read.
 *
 * 1. A clean ingest into a fresh DATA_DIR: the expected galaxies (source
 *    keys, and a digest of each one's zoom-0 image and spectrum), its
 *    batches and time.
 * 2. Into another fresh DATA_DIR, runs killed with SIGKILL: right after the
 *    first batch committed; in the middle of a later batch (half a batch's
 *    time after a commit); between a batch's shard rename and its commit
 *    (SKYCUBE_TEST_PAUSE_AFTER=shard-renamed); then reruns until one exits 0.
 * 3. Checks: the galaxies are the clean ingest's (count, source keys, served
 *    data), every source recorded once, every file under cube/shards is in
 *    the manifest (no orphan, no temporary), and one more rerun adds nothing
 *    and leaves every cube byte as it was.
 *
 *   npm run bench:ingest-kill [-- SURVEY_DIR]     (default /tmp/skycube-scale/sdss-10000-s1)
 *   INGEST_BATCH_SIZE=100 npm run bench:ingest-kill -- /tmp/small-survey
 *
 * Exits 1 when a check fails. KEEP=1 keeps the data folders.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCube, type CubeLocation } from "../cube/cube-store.js";
import { connect } from "../db/database.js";

const survey = process.argv[2] ?? process.env.BENCH_SURVEY ?? "/tmp/skycube-scale/sdss-10000-s1";
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const args = ["ingest", "sdss", "--spectra", join(survey, "spectra"), "--frames", join(survey, "frames"), "--sfr", `${join(survey, "mpa-jhu", "gal_info.fits")},${join(survey, "mpa-jhu", "gal_totsfr.fits")}`];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  output: string;
}

/** Runs the ingest; `killWhen` sees the output so far at each stderr chunk and may SIGKILL it. */
function ingest(dataDir: string, env: Record<string, string>, killWhen?: (output: string, kill: () => void) => void): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, SKYCUBE_TEST_TRACE: "batches", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    child.kill("SIGKILL");
  };
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString();
    killWhen?.(output, kill);
  });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, seconds: (performance.now() - started) / 1000, output })));
}

const commits = (output: string) => output.split("\n").filter((l) => l.startsWith("SKYCUBE_TEST_BATCH_COMMITTED")).length;
const summaryOf = (output: string) => output.split("\n").find((l) => l.startsWith("ingest sdss:")) ?? "(no summary)";

/** Every file under DATA_DIR/cube (relative names) with its SHA-256. */
function cubeFiles(dataDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(path.slice(dataDir.length + 1), createHash("sha256").update(readFileSync(path)).digest("hex"));
    }
  };
  if (existsSync(join(dataDir, "cube"))) walk(join(dataDir, "cube"));
  return out;
}

interface Catalogue {
  galaxies: number;
  distinctKeys: number;
  /** source key → digest of its zoom-0 image and spectrum. */
  served: Map<string, string>;
  sources: number;
  /** Observations (spectrum files, HiSS-Cube targets) recorded more than once; frames are the provenance of many galaxies. */
  duplicateSources: number;
  /** Every source as "galaxy source key | role | file". */
  sourceRows: Set<string>;
  shardNames: string[];
}

async function catalogueOf(dataDir: string): Promise<Catalogue> {
  const db = await connect({ dataDir, purpose: "bench ingest-kill" });
  const cube = await openCube(dataDir);
  try {
    const [{ galaxies, keys }] = await db.sql`SELECT count(*)::int AS galaxies, count(DISTINCT source_key)::int AS keys FROM galaxies`;
    const [{ sources }] = await db.sql`SELECT count(*)::int AS sources FROM galaxy_sources`;
    const [{ duplicates }] = await db.sql`SELECT count(*)::int AS duplicates FROM (SELECT file, role FROM galaxy_sources WHERE role <> 'FRAME' GROUP BY file, role HAVING count(*) > 1) d`;
    const sourceRows = new Set((await db.sql`SELECT g.source_key, s.role, s.file FROM galaxy_sources s JOIN galaxies g ON g.id = s.galaxy_id`).map((r) => `${r.source_key} | ${r.role} | ${r.file}`));
    const rows = await db.sql`SELECT g.source_key, g.has_image, g.has_spectrum, g.cube_row, s.name FROM galaxies g LEFT JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.source_key`;
    const served = new Map<string, string>();
    for (const r of rows) {
      const hash = createHash("sha256");
      if (r.name !== null) {
        const at: CubeLocation = { shard: r.name as string, row: r.cube_row as number };
        const parts = [...(r.has_image ? [cube.readImage(at, 0)] : []), ...(r.has_spectrum ? [cube.readSpectrum(at, 0)] : [])];
        for (const m of parts) for (const a of [m.value, m.sigma, m.mask]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
      served.set(r.source_key as string, hash.digest("hex"));
    }
    const shardNames = (await db.sql`SELECT name FROM cube_shards WHERE retired_at IS NULL ORDER BY name`).map((r) => r.name as string);
    return { galaxies, distinctKeys: keys, served, sources, duplicateSources: duplicates, sourceRows, shardNames };
  } finally {
    cube.close();
    await db.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(survey, "mpa-jhu", "gal_totsfr.fits"))) throw new Error(`${survey} is not a survey written by demo --write-sdss (no mpa-jhu/gal_totsfr.fits)`);
  const folders: string[] = [];
  const fresh = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `skycube-bench-ingest-kill-${label}-`));
    folders.push(dir);
    return dir;
  };
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    console.log(`survey ${survey}, INGEST_BATCH_SIZE ${process.env.INGEST_BATCH_SIZE ?? "(default)"}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
    // 1. The clean ingest.
    const cleanDir = fresh("clean");
    const clean = await ingest(cleanDir, {});
    if (clean.code !== 0) throw new Error(`the clean ingest failed (${clean.code}): ${clean.output.slice(-2000)}`);
    const batches = commits(clean.output);
    const perBatch = clean.seconds / Math.max(1, batches);
    console.log(`clean ingest: ${clean.seconds.toFixed(1)} s, ${batches} committed batches (${perBatch.toFixed(1)} s each): ${summaryOf(clean.output)}`);
    const expected = await catalogueOf(cleanDir);

    // 2. Killed runs, then reruns.
    const dataDir = fresh("killed");
    // Each kill: what to set, and when to kill (given the run's output so far), with its own state.
    const kills: { moment: string; env: Record<string, string>; when: () => (output: string, kill: () => void) => void }[] = [
      { moment: "right after its first batch committed", env: {}, when: () => (out, kill) => commits(out) > 0 && kill() },
      {
        moment: "mid-batch (half a batch's time after its first commit)",
        env: {},
        when: () => {
          let armed = false;
          return (out, kill) => {
            if (armed || commits(out) === 0) return;
            armed = true;
            setTimeout(kill, (perBatch * 1000) / 2);
          };
        },
      },
      { moment: "between a batch's shard rename and its commit", env: { SKYCUBE_TEST_PAUSE_AFTER: "shard-renamed" }, when: () => (out, kill) => out.includes("SKYCUBE_TEST_PAUSED shard-renamed") && kill() },
    ];
    let committedSoFar = 0;
    for (const k of kills) {
      const run = await ingest(dataDir, k.env, k.when());
      committedSoFar += commits(run.output);
      const how = run.signal === "SIGKILL" ? "killed" : `exited ${run.code} before the moment came (nothing left to kill)`;
      const swept = run.output.split("\n").find((l) => l.startsWith("cube: removed")) ?? "nothing left over";
      console.log(`run ${how} ${k.moment}: after ${run.seconds.toFixed(1)} s, ${commits(run.output)} batches committed in it (${committedSoFar} in all); its start-up: ${swept}`);
    }
    let reruns = 0;
    for (;;) {
      const run = await ingest(dataDir, {});
      reruns++;
      const swept = run.output.split("\n").find((l) => l.startsWith("cube: removed")) ?? "nothing left over";
      console.log(`rerun ${reruns}: exit ${run.code}, ${run.seconds.toFixed(1)} s; start-up: ${swept}; ${summaryOf(run.output)}`);
      if (run.code === 0) break;
      if (reruns >= 5) throw new Error(`the ingest did not finish after ${reruns} reruns: ${run.output.slice(-2000)}`);
    }

    // 3. Checks.
    const got = await catalogueOf(dataDir);
    check(got.galaxies === expected.galaxies, `galaxies: ${got.galaxies}, the clean ingest ${expected.galaxies}`);
    check(got.distinctKeys === got.galaxies, `every object once: ${got.distinctKeys} distinct source keys for ${got.galaxies} galaxies`);
    const sameKeys = got.served.size === expected.served.size && [...expected.served.keys()].every((key) => got.served.has(key));
    check(sameKeys, "the same objects (source keys) as the clean ingest");
    const differing = [...expected.served].filter(([key, digest]) => got.served.get(key) !== digest).length;
    check(differing === 0, `every galaxy serves the clean ingest's zoom-0 image and spectrum (${differing} differ)`);
    const sameSources = got.sourceRows.size === expected.sourceRows.size && [...expected.sourceRows].every((row) => got.sourceRows.has(row));
    check(got.sources === expected.sources && got.duplicateSources === 0 && sameSources, `sources: ${got.sources} (clean ${expected.sources}), the same (galaxy, role, file) rows: ${sameSources}, ${got.duplicateSources} observations recorded twice`);
    const files = cubeFiles(dataDir);
    const onDisk = [...files.keys()].filter((f) => f.startsWith("cube/shards/")).sort();
    const temporaries = onDisk.filter((f) => /\.tmp-\d+-[0-9a-f]+$/.test(f));
    const orphans = onDisk.filter((f) => !temporaries.includes(f) && !got.shardNames.includes(f));
    const missing = got.shardNames.filter((name) => !files.has(name));
    check(temporaries.length === 0 && orphans.length === 0 && missing.length === 0, `cube/shards: ${onDisk.length} files, ${orphans.length} orphans, ${temporaries.length} temporary, ${missing.length} manifest entries without a file`);
    const again = await ingest(dataDir, {});
    const after = cubeFiles(dataDir);
    const unchanged = after.size === files.size && [...files].every(([f, digest]) => after.get(f) === digest);
    const again2 = await catalogueOf(dataDir);
    check(again.code === 0 && / 0 new, 0 joined/.test(summaryOf(again.output)) && again2.galaxies === got.galaxies, `a further rerun adds nothing: ${summaryOf(again.output)}`);
    check(unchanged, `a further rerun leaves the cube's ${files.size} files byte for byte as they were`);
  } finally {
    if (process.env.KEEP !== "1") for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${folders.join(", ")}`);
  }
  if (failures.length > 0) {
    console.log(`${failures.length} checks failed`);
    process.exitCode = 1;
  } else console.log("all checks passed");
}

await main();
