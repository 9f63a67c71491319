/**
 * Bulk downloads A/B: one database and cube (2,000 demo galaxies) served by
 * two builds at once — this one and another (BENCH_BULK_BASE: that build's
 * dist/cli/main.js, e.g. of main exported with `git archive main | tar -x`
 * and built) — with every download alternated between them (curl and
 * node:http in a process of its own, bench/bulk-client.ts; the order of the
 * two servers swapped every run), after one warm download of each kind
 * from each. On a machine too loaded for absolute numbers, the two servers
 * share every busy moment alike.
 *
 *   BENCH_BULK_BASE=/tmp/base/dist/cli/main.js BENCH_PORT=47340 node dist/bench/bulk-ab.js   (BENCH_AB_RUNS=5)
 */
import postgres from "postgres";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCube } from "../cube/cube-store.js";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { benchAdminUrl, freshBenchDatabase, untilHealthy } from "./support.js";

const base = process.env.BENCH_BULK_BASE;
if (!base) throw new Error("set BENCH_BULK_BASE to the other build's dist/cli/main.js");
const runs = Number(process.env.BENCH_AB_RUNS ?? 5);
const port = Number(process.env.BENCH_PORT ?? 4993);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`# bulk A/B, this build against ${base}; load average at start ${load()}`);

const name = "skycube_bench_bulk_ab";
const url = await freshBenchDatabase(name);
const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-ab-"));
const db = await connect({ databaseUrl: url });
await migrate(db.sql);
await loadDemo(db.sql, { count: 2000, cube: await openCube(dataDir) });
const rows = await db.sql`SELECT id, has_image, has_spectrum FROM galaxies WHERE cube_shard IS NOT NULL ORDER BY id`;
await db.close();
const ids = { images: rows.filter((r) => r.has_image).map((r) => String(r.id)), spectra: rows.filter((r) => r.has_spectrum).map((r) => String(r.id)) };

type Side = "this" | "base";
const mains: Record<Side, string> = { this: fileURLToPath(new URL("../cli/main.js", import.meta.url)), base };
const ports: Record<Side, number> = { this: port, base: port + 1 };
const servers = {} as Record<Side, ChildProcess>;
for (const side of ["this", "base"] as const) {
  servers[side] = spawn(process.execPath, [mains[side], "serve"], {
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PORT: String(ports[side]), HOST: "127.0.0.1", DEMO_COUNT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await untilHealthy(`http://127.0.0.1:${ports[side]}`);
}
const cpu = (side: Side) => {
  const fields = readFileSync(`/proc/${servers[side].pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

function download(side: Side, kind: "images" | "spectra", client: "curl" | "node"): { seconds: number; serverCpu: number } {
  const target = `http://127.0.0.1:${ports[side]}/bulk/${kind}`;
  const body = JSON.stringify({ ids: ids[kind], zoom: 0 });
  const before = cpu(side);
  let seconds: number;
  if (client === "curl") {
    const r = spawnSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}", "-H", "content-type: application/json", "--data-binary", "@-", target], { input: body, encoding: "utf8" });
    const [status, time] = r.stdout.trim().split(" ").map(Number);
    if (status !== 200) throw new Error(`${side} ${kind} curl: HTTP ${status}`);
    seconds = time;
  } else {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL("./bulk-client.js", import.meta.url)), target], { input: body, encoding: "utf8" });
    const got = JSON.parse(r.stdout) as { status: number; seconds: number; bytes: number; contentLength: number };
    if (got.status !== 200 || got.bytes !== got.contentLength) throw new Error(`${side} ${kind} node: HTTP ${got.status}, ${got.bytes} of ${got.contentLength} bytes`);
    seconds = got.seconds;
  }
  return { seconds, serverCpu: cpu(side) - before };
}

for (const side of ["this", "base"] as const) for (const kind of ["images", "spectra"] as const) download(side, kind, "curl"); // warm: shards hashed
const results = new Map<string, { seconds: number; serverCpu: number }[]>();
for (let run = 0; run < runs; run++) {
  for (const kind of ["images", "spectra"] as const) {
    for (const client of ["curl", "node"] as const) {
      for (const side of run % 2 === 0 ? (["this", "base"] as const) : (["base", "this"] as const)) {
        const key = `${kind} | ${client === "curl" ? "curl" : "node:http, own process"} | ${side}`;
        results.set(key, [...(results.get(key) ?? []), download(side, kind, client)]);
      }
    }
  }
}
for (const side of ["this", "base"] as const) servers[side].kill("SIGTERM");
await Promise.all((["this", "base"] as const).map((side) => new Promise((resolve) => servers[side].on("exit", resolve))));
rmSync(dataDir, { recursive: true, force: true });
const cleanup = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await cleanup.end();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| part | client | server | runs (s) | median s | galaxies/s (median) | server CPU s per download (median) |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const [key, list] of results) {
  const kind = key.split(" | ")[0] as "images" | "spectra";
  const m = median(list.map((r) => r.seconds));
  console.log(`| ${key} | ${list.map((r) => r.seconds.toFixed(3)).join(", ")} | ${m.toFixed(3)} | ${(ids[kind].length / m).toFixed(0)} | ${list.map((r) => r.serverCpu.toFixed(2)).join(", ")} (${median(list.map((r) => r.serverCpu)).toFixed(2)}) |`);
}
console.log(`load average at end ${load()}`);
