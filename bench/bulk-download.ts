/**
 * Bulk downloads (issue 15, target 2): zoom-0 cutouts (flux, sigma, mask,
 * five bands) of N synthetic galaxies (BENCH_BULK_COUNT, default 2,000) as
 * one .npz from `POST /bulk/images` over HTTP, from a server in its own
 * process, against reading the same rows from the same cube in this
 * process the way the server does (CubeStore.readRows, a block of 64
 * galaxies per part, into a reused buffer) — both in the same run,
 * alternated. Three clients (see `download`): node:http in this process,
 * node:http in a process of its own, curl. Also zoom-0 spectra the same
 * way, the server's resident memory before, after a quarter of N and after
 * N (flat whatever the count), and one download opened by numpy.load
 * (/usr/bin/python3, urllib) end to end.
 *
 *   npm run bench:bulk        (BENCH_BULK_COUNT=2000, BENCH_DATABASE_URL as the other benches)
 */
import postgres from "postgres";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCube, type CubeLocation } from "../cube/cube-store.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { BULK_BLOCK } from "../export/bulk.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { benchAdminUrl, freshBenchDatabase, untilHealthy } from "./support.js";

const count = Number(process.env.BENCH_BULK_COUNT ?? 2000);
const RUNS = 3;
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`# bulk downloads, ${count} galaxies; load average at start ${load()}`);

const name = `skycube_bench_bulk_${count}`;
const url = await freshBenchDatabase(name);
const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-bulk-"));
const db = await connect({ databaseUrl: url });
await migrate(db.sql);
const loadStarted = performance.now();
await loadDemo(db.sql, { count, cube: await openCube(dataDir) });
console.error(`loaded ${count} galaxies with their cube in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
const rows = await db.sql`SELECT g.id, g.cube_row, s.name, g.has_image, g.has_spectrum FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard ORDER BY g.id`;
await db.close();
const pick = (flag: string) => rows.filter((r) => r[flag]).map((r) => ({ id: String(r.id), cube: { shard: r.name as string, row: r.cube_row as number } }));
const images = pick("has_image");
const spectra = pick("has_spectrum");

/**
 * Seconds to read `locations` at zoom 0 as the server does: per part, a
 * block of BULK_BLOCK at a time, into one reused buffer (the server reuses
 * its block buffers too); and the bytes read.
 */
async function directRead(kind: "image" | "spectrum", locations: CubeLocation[]): Promise<{ seconds: number; bytes: number }> {
  const cube = await openCube(dataDir);
  const started = performance.now();
  let bytes = 0;
  for (const part of ["flux", "sigma", "mask"] as const) {
    let buffer: ArrayBuffer | undefined;
    for (let start = 0; start < locations.length; start += BULK_BLOCK) {
      const values = cube.readRows(kind, locations.slice(start, start + BULK_BLOCK), 0, [part], buffer ? [buffer] : undefined)[part];
      buffer ??= values.buffer as ArrayBuffer;
      bytes += values.byteLength;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  cube.close();
  return { seconds, bytes };
}

const port = Number(process.env.BENCH_PORT ?? 4991);
const base = `http://127.0.0.1:${port}`;
// BENCH_SERVER_NODE_ARGS: node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const server = spawn(process.execPath, [...serverNodeArgs, fileURLToPath(new URL("../cli/main.js", import.meta.url)), "serve"], {
  env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0", LOG_LEVEL: "warn" },
  stdio: ["ignore", "ignore", "inherit"],
});
await untilHealthy(base);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))?.[1]) / 1024;
/** The server's CPU seconds so far (user + system, /proc/PID/stat in clock ticks of 1/100 s). */
const serverCpu = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** This process's CPU seconds so far (the client's, during a download). */
const clientCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type Client = "bench process" | "own process" | "curl";
const CLIENTS: Client[] = ["bench process", "own process", "curl"];
interface Download {
  seconds: number;
  bytes: number;
  /** CPU seconds of the server and of the client over the download (the client's: not measured for curl). */
  serverCpu: number;
  clientCpu: number | null;
}

/**
 * One download, the body counted as it streams (never held), checked
 * against Content-Length, by one of three clients: node:http in this
 * process ("bench process": the one the bench used before session 8; this
 * process also generated the demo and holds ~0.5 GB of array buffers,
 * which makes its garbage collection dearer), the same node:http code in a
 * fresh process of its own (bench/bulk-client.ts, timed inside it: what a
 * client normally is), and curl (-o /dev/null, its time_total). fetch
 * (undici's web streams) cost more CPU than the server on this 2-core
 * machine and capped the measure at ~1,300 cutouts/s, so it is not one.
 */
function download(kind: "images" | "spectra", ids: string[], client: Client = "bench process"): Promise<Download> {
  const body = JSON.stringify({ ids, zoom: 0 });
  const url = `${base}/bulk/${kind}`;
  const server0 = serverCpu();
  if (client !== "bench process") {
    const child =
      client === "curl"
        ? spawnSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}", "-H", "content-type: application/json", "--data-binary", "@-", url], { input: body, encoding: "utf8" })
        : spawnSync(process.execPath, [fileURLToPath(new URL("./bulk-client.js", import.meta.url)), url], { input: body, encoding: "utf8" });
    const serverSeconds = serverCpu() - server0;
    if (child.status !== 0) return Promise.reject(new Error(`${kind} by ${client}: ${child.stderr}`));
    let got: { status: number; seconds: number; bytes: number; contentLength: number; cpu: number | null };
    if (client === "curl") {
      const [status, seconds, bytes] = child.stdout.trim().split(" ").map(Number);
      got = { status, seconds, bytes, contentLength: expectedBytes.get(kind) ?? bytes, cpu: null };
    } else got = JSON.parse(child.stdout);
    if (got.status !== 200) return Promise.reject(new Error(`${kind} by ${client}: HTTP ${got.status}`));
    if (got.bytes !== got.contentLength) return Promise.reject(new Error(`${kind} by ${client}: ${got.bytes} bytes, Content-Length ${got.contentLength}`));
    return Promise.resolve({ seconds: got.seconds, bytes: got.bytes, serverCpu: serverSeconds, clientCpu: got.cpu });
  }
  const started = performance.now();
  const client0 = clientCpu();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => {
        const seconds = (performance.now() - started) / 1000;
        if (res.statusCode !== 200) reject(new Error(`${kind}: HTTP ${res.statusCode}`));
        else if (bytes !== Number(res.headers["content-length"])) reject(new Error(`${kind}: ${bytes} bytes, Content-Length ${res.headers["content-length"]}`));
        else {
          expectedBytes.set(kind, bytes);
          resolve({ seconds, bytes, serverCpu: serverCpu() - server0, clientCpu: clientCpu() - client0 });
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
/** Each archive's length as node:http counted it (what curl's count is checked against). */
const expectedBytes = new Map<string, number>();

const rssBefore = rss();
await download("images", images.slice(0, Math.ceil(images.length / 4)).map((g) => g.id));
const rssQuarter = rss();
const table: string[] = [];
const rssAfterEach: number[] = [];
for (const [kind, list] of [["images", images], ["spectra", spectra]] as const) {
  const http = new Map<Client, Download[]>(CLIENTS.map((c) => [c, []]));
  const direct: number[] = [];
  let directBytes = 0;
  // Alternated, so a busy moment of the shared machine hits both.
  for (let run = 0; run < RUNS; run++) {
    for (const client of CLIENTS) {
      const d = await directRead(kind === "images" ? "image" : "spectrum", list.map((g) => g.cube));
      direct.push(d.seconds);
      directBytes = d.bytes;
      http.get(client)!.push(await download(kind, list.map((g) => g.id), client));
      rssAfterEach.push(rss());
    }
  }
  const bestDirect = Math.min(...direct);
  for (const client of CLIENTS) {
    const runs = http.get(client)!;
    const bestHttp = Math.min(...runs.map((r) => r.seconds));
    const bytes = runs[0].bytes;
    const cpu = runs.map((r) => `${r.serverCpu.toFixed(2)}/${r.clientCpu === null ? "–" : r.clientCpu.toFixed(2)}`).join(", ");
    table.push(
      `| ${kind} zoom 0 | ${client} | ${list.length} | ${(bytes / 1e6).toFixed(0)} MB | ${runs.map((r) => r.seconds.toFixed(3)).join(", ")} | ${(list.length / bestHttp).toFixed(0)}/s (${(bytes / 1e6 / bestHttp).toFixed(0)} MB/s) | ${(bestDirect / bestHttp).toFixed(2)} | ${cpu} |`,
    );
  }
  table.push(`| ${kind} zoom 0 | direct readRows | ${list.length} | ${(directBytes / 1e6).toFixed(0)} MB | ${direct.map((s) => s.toFixed(3)).join(", ")} | ${(list.length / bestDirect).toFixed(0)}/s (${(directBytes / 1e6 / bestDirect).toFixed(0)} MB/s) | 1 | |`);
}
const rssAfter = rss();

// End to end as a Python user: urllib + numpy.load of the whole image archive.
const python = spawnSync("/usr/bin/python3", ["-c", `
import io, json, sys, time, urllib.request
import numpy as np
job = json.load(sys.stdin)
t = time.perf_counter()
req = urllib.request.Request(job["url"], data=json.dumps({"ids": job["ids"], "zoom": 0}).encode(), headers={"Content-Type": "application/json"})
data = np.load(io.BytesIO(urllib.request.urlopen(req).read()))  # the README's one line
flux = data["flux"]; sigma = data["sigma"]; mask = data["mask"]
print(json.dumps({"seconds": time.perf_counter() - t, "shape": list(flux.shape)}))
`], { input: JSON.stringify({ url: `${base}/bulk/images`, ids: images.map((g) => g.id) }), encoding: "utf8", maxBuffer: 1 << 20 });
const py = python.status === 0 ? (JSON.parse(python.stdout) as { seconds: number; shape: number[] }) : null;
server.kill("SIGTERM");
await new Promise((resolve) => server.on("exit", resolve));
rmSync(dataDir, { recursive: true, force: true });
const cleanup = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await cleanup.end();

console.log(`| part | client | galaxies | archive | runs (s) | best | best / direct readRows's best | CPU s server/client per run |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const row of table) console.log(row);
console.log(`\nserver RSS: ${rssBefore.toFixed(0)} MB at start, ${rssQuarter.toFixed(0)} MB after ${Math.ceil(images.length / 4)} images, ${rssAfter.toFixed(0)} MB after ${RUNS * CLIENTS.length} downloads each of ${images.length} images and ${spectra.length} spectra (after each: ${rssAfterEach.map((r) => r.toFixed(0)).join(", ")} MB)`);
console.log(py ? `python urllib + numpy.load of ${py.shape[0]} zoom-0 cutouts (flux, sigma, mask): ${py.seconds.toFixed(2)} s, ${(py.shape[0] / py.seconds).toFixed(0)} cutouts/s, flux shape ${JSON.stringify(py.shape)}` : `python: ${python.stderr}`);
console.log(`load average at end ${load()}`);
