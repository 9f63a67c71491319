/**
 * Cube benchmarks (issue 3):
 *  1. `ingest sdss` of the real files in ../shared/data/sdss (5 frames, 27
 *     spectra) into a fresh PostgreSQL database and cube: seconds, frames/s,
 *     spectra/s (median of 3 runs), beside the time the decompressor alone
 *     needs for the five frames (the floor of any ingest of them). HiSS-Cube
 *     took about 12 s for the same files on this machine (issue 3); it cannot
 *     run here to be timed side by side.
 *  1b. The same through the CLI on the embedded database (fresh DATA_DIR,
 *     migrated empty DATA_DIR, rerun), each run beside the decompressor
 *     alone. `BENCH_CUBE_PARTS=ingest,cli` runs only these.
 *  2. `image(zoom: 0)` (flux, sigma, mask as base64) for 1,000 synthetic
 *     galaxies in one GraphQL query over HTTP, from a server in its own
 *     process: cutouts/s, and the server's resident memory before and after
 *     against the cube size.
 *  3. `export hisscube` of those galaxies against a plain sequential read of our cube.
 *
 *   npm run bench:cube
 */
import postgres from "postgres";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { bzip2Tool } from "../fits/file.js";
import { ingestSdss } from "../ingest/sdss/ingest.js";
import { exportHisscube } from "../export/hisscube.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { benchAdminUrl, freshBenchDatabase } from "./support.js";
import { openCube } from "../cube/cube-store.js";

const shared = fileURLToPath(new URL("../../../shared/data/sdss/", import.meta.url));

// 1. Ingest.
const parts = new Set((process.env.BENCH_CUBE_PARTS ?? "ingest,cli,cutouts").split(","));
if (!existsSync(shared)) console.log(`(ingest bench skipped: ${shared} is absent)`);
if (existsSync(shared) && parts.has("ingest")) {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const dir = mkdtempSync(join(tmpdir(), "skycube-bench-ingest-"));
    const db = await connect({ databaseUrl: await freshBenchDatabase("skycube_bench_ingest") });
    await migrate(db.sql);
    const started = performance.now();
    const report = await ingestSdss(db.sql, { spectraDir: `${shared}spectra`, framesDir: `${shared}frames`, cube: await openCube(dir) });
    times.push((performance.now() - started) / 1000);
    if (report.objects !== 16) throw new Error(`unexpected ingest result ${JSON.stringify(report)}`);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = times.sort((a, b) => a - b)[1];
  // The floor: decompressing the five frames alone as ingest does (lbzip2 one
  // file after another on every core, else the five bzip2 at once), timed in
  // the same minutes: this shared machine's speed varies by up to 2x.
  const tool = bzip2Tool();
  const floors: number[] = [];
  for (let run = 0; run < 3; run++) floors.push(await decompressFloor());
  const floor = floors.sort((a, b) => a - b)[1];
  console.log("# ingest sdss: 5 frames (bz2) + 27 spectra → 16 objects, PostgreSQL, median of 3 runs");
  console.log(`| runs (s) | median (s) | frames/s | spectra/s | ${tool} -dc of the 5 frames alone, median (s) | ingest / decompressor | HiSS-Cube (s, from the issue) | speed-up |`);
  console.log("|---|---|---|---|---|---|---|---|");
  console.log(`| ${times.map((t) => t.toFixed(2)).join(", ")} | ${median.toFixed(2)} | ${(5 / median).toFixed(2)} | ${(27 / median).toFixed(1)} | ${floor.toFixed(2)} | ${(median / floor).toFixed(2)} | ~12 | ${(12 / median).toFixed(1)}x |`);
}

/** Seconds of `lbzip2 -dc` (or bzip2) of the five frames one after another, as the ingest decompresses them. */
async function decompressFloor(): Promise<number> {
  const tool = bzip2Tool();
  if (tool === null) throw new Error("bench:cube needs lbzip2 or bzip2 (apt-get install lbzip2)");
  const started = performance.now();
  const files = readdirSync(`${shared}frames`).filter((f) => f.endsWith(".bz2"));
  const one = (file: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(tool, ["-dc", `${shared}frames/${file}`], { stdio: ["ignore", "ignore", "inherit"] });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed on ${file}`))));
    });
  if (tool === "lbzip2") for (const file of files) await one(file);
  else await Promise.all(files.map(one));
  return (performance.now() - started) / 1000;
}

/** Seconds of one CLI command (node started, modules loaded, PGlite opened, …, closed). */
function cliSeconds(args: string[], env: Record<string, string>): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [fileURLToPath(new URL("../cli/main.js", import.meta.url)), ...args], { env: { ...process.env, DATABASE_URL: "", ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

// 1b. The CLI as a user runs it, on the embedded database, each run beside the decompressor alone.
if (existsSync(shared) && parts.has("cli")) {
  const ingestArgs = ["ingest", "sdss", "--spectra", `${shared}spectra`, "--frames", `${shared}frames`];
  const rows: string[] = [];
  for (let run = 0; run < 3; run++) {
    const dir = mkdtempSync(join(tmpdir(), "skycube-bench-cli-"));
    const fresh = cliSeconds(ingestArgs, { DATA_DIR: join(dir, "fresh") });
    const floor1 = await decompressFloor();
    cliSeconds(["migrate"], { DATA_DIR: join(dir, "migrated") });
    const migrated = cliSeconds(ingestArgs, { DATA_DIR: join(dir, "migrated") });
    const floor2 = await decompressFloor();
    const rerun = cliSeconds(ingestArgs, { DATA_DIR: join(dir, "migrated") });
    rmSync(dir, { recursive: true, force: true });
    rows.push(`| ${run + 1} | ${fresh.toFixed(2)} | ${floor1.toFixed(2)} | ${(fresh / floor1).toFixed(2)} | ${migrated.toFixed(2)} | ${floor2.toFixed(2)} | ${(migrated / floor2).toFixed(2)} | ${rerun.toFixed(2)} |`);
  }
  console.log("\n# CLI `ingest sdss` (5 frames + 27 spectra), embedded PGlite, each beside the decompressor alone just after it");
  console.log("| run | fresh DATA_DIR (s) | decompressor (s) | ratio | migrated empty DATA_DIR (s) | decompressor (s) | ratio | rerun, nothing to do (s) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}
if (!parts.has("cutouts")) process.exit(0);

// 2. Cutouts over GraphQL.
const count = Number(process.env.BENCH_CUTOUTS ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-cube-"));
const url = await freshBenchDatabase("skycube_bench_cutouts");
const db = await connect({ databaseUrl: url });
await migrate(db.sql);
await loadDemo(db.sql, { count, cube: await openCube(dataDir) });

// 3. Export to HiSS-Cube's layout against a plain sequential read of our cube.
const reader = await openCube(dataDir);
const locations = (await db.sql`SELECT g.cube_row, s.name FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.id`).map((r) => ({ shard: r.name as string, row: r.cube_row as number }));
const readStarted = performance.now();
for (const location of locations) {
  for (let zoom = 0; zoom < 4; zoom++) {
    reader.readImage(location, zoom);
    reader.readSpectrum(location, zoom);
  }
}
const readSeconds = (performance.now() - readStarted) / 1000;
const rawStarted = performance.now();
const shardNames = (await db.sql`SELECT name FROM cube_shards`).map((r) => r.name as string);
const rawBytes = shardNames.reduce((sum, name) => sum + readFileSync(join(dataDir, name)).length, 0);
const rawSeconds = (performance.now() - rawStarted) / 1000;
const exportStarted = performance.now();
await exportHisscube(db.sql, reader, join(dataDir, "export.h5"));
const exportSeconds = (performance.now() - exportStarted) / 1000;
const exportBytes = statSync(join(dataDir, "export.h5")).size;
rmSync(join(dataDir, "export.h5"));
reader.close();
await db.close();
const cubeBytes = rawBytes;
const port = Number(process.env.BENCH_PORT ?? 4997);
// BENCH_SERVER_NODE_ARGS: node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const server = spawn(process.execPath, [...serverNodeArgs, fileURLToPath(new URL("../cli/main.js", import.meta.url)), "serve"], {
  env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0", MAX_PAGE_SIZE: String(count), MAX_RESPONSE_BYTES: String(2e9) }, // the 1,000-cutout response is ~246 MB, over the 64 MB default
  stdio: ["ignore", "pipe", "inherit"],
});
process.on("exit", () => server.kill("SIGTERM")); // a failed check must not leave the server running
await new Promise<void>((resolve, reject) => {
  server.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
  server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
/** Resident memory of the server process, MB. */
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))?.[1]) / 1024;
const query = `{ galaxies(first: ${count}) { edges { node { image(zoom: 0) { flux { base64 } sigma { base64 } mask { base64 } } } } } }`;
const rssBefore = rss();
const timings: number[] = [];
let bytes = 0;
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = await response.text();
  timings.push((performance.now() - started) / 1000);
  bytes = body.length;
  const parsed = JSON.parse(body);
  if (parsed.errors || parsed.data.galaxies.edges.length !== count) throw new Error(`bad response: ${body.slice(0, 300)}`);
}
const rssAfter = rss();

// The same cutouts one galaxy per request (10 concurrent): memory must stay flat.
const ids = (JSON.parse(await (await fetch(`http://127.0.0.1:${port}/graphql`, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ galaxies(first: ${count}) { edges { node { id } } } }` }),
})).text()).data.galaxies.edges as { node: { id: string } }[]).map((e) => e.node.id);
const single = `query($id: ID!) { galaxy(id: $id) { image(zoom: 0) { flux { base64 } sigma { base64 } mask { base64 } } } }`;
const oneByOneStarted = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 10 }, async () => {
  while (next < ids.length) {
    const id = ids[next++];
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: single, variables: { id } }) });
    const parsed = (await response.json()) as { errors?: unknown };
    if (parsed.errors) throw new Error(JSON.stringify(parsed.errors));
  }
}));
const oneByOneSeconds = (performance.now() - oneByOneStarted) / 1000;
const rssOneByOne = rss();
server.kill("SIGTERM");
rmSync(dataDir, { recursive: true, force: true });
const best = Math.min(...timings);
const median = [...timings].sort((a, b) => a - b)[2];
console.log(`\n# image(zoom: 0) with flux, sigma and mask (base64) for ${count} galaxies in one GraphQL query over HTTP, 5 runs`);
console.log("| median (s) | best (s) | cutouts/s (median) | response (MB) | server RSS before / after (MB) | cube file (MB) |");
console.log("|---|---|---|---|---|---|");
console.log(`| ${median.toFixed(2)} | ${best.toFixed(2)} | ${(count / median).toFixed(0)} | ${(bytes / 1e6).toFixed(0)} | ${rssBefore.toFixed(0)} / ${rssAfter.toFixed(0)} | ${(cubeBytes / 1e6).toFixed(0)} |`);
console.log(`\n# the same ${count} cutouts one galaxy per request, 10 concurrent`);
console.log("| seconds | cutouts/s | server RSS after (MB) |");
console.log("|---|---|---|");
console.log(`| ${oneByOneSeconds.toFixed(2)} | ${(count / oneByOneSeconds).toFixed(0)} | ${rssOneByOne.toFixed(0)} |`);
console.log(`\n# export hisscube of ${count} galaxies (zooms 0-3) against reading the same data from our cube`);
console.log("| | seconds | galaxies/s | MB/s |");
console.log("|---|---|---|---|");
console.log(`| whole cube file read (readFileSync) | ${rawSeconds.toFixed(2)} | – | ${(rawBytes / 1e6 / rawSeconds).toFixed(0)} |`);
console.log(`| sequential read, every row, zooms 0-3, images and spectra (CubeReader) | ${readSeconds.toFixed(2)} | ${(count / readSeconds).toFixed(0)} | – |`);
console.log(`| export hisscube (${(exportBytes / 1e6).toFixed(0)} MB written) | ${exportSeconds.toFixed(2)} | ${(count / exportSeconds).toFixed(0)} | ${(exportBytes / 1e6 / exportSeconds).toFixed(0)} written |`);
process.exit(0);
