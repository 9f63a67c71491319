/**
 * End-to-end GraphQL cone-search throughput over HTTP at a
 * 1 arcmin radius on 1,000,000 galaxies in PostgreSQL, next to the same
 * cone search run directly (the catalogue function the resolver calls,
 * same SQL, same pool size) with the same concurrency: the difference is
 * what HTTP + GraphQL cost. The load generator is wrk (C, Debian package
 * `wrk`) when installed, since on a 2-core machine a JavaScript load
 * generator takes a core from the server; otherwise autocannon.
 *
 *   npm run bench:http            (BENCH_COUNT, BENCH_SECONDS, BENCH_CONNECTIONS override)
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { coneSearch } from "../catalog/cone-search.js";
import { benchConeCentres, benchDatabase, summarise, untilHealthy } from "./support.js";

const count = Number(process.env.BENCH_COUNT ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const radiusDeg = 1 / 60;
const port = 4999;

const { db, url } = await benchDatabase(count, connections);
const centres = benchConeCentres();
const query = `query($ra: Float!, $dec: Float!, $r: Float!) { coneSearch(ra: $ra, dec: $dec, radius: $r, first: 50) {
  edges { node { id ra dec redshift distance sfr { avg flag } } } } }`;

// 1. The same cone searches without HTTP and GraphQL.
const limits = { maxPageSize: 500, maxConeRadiusDeg: 10 };
// The columns the resolver reads for this selection (resolvers/GalaxyQueries.ts selectedParts), so both paths run the same SQL.
const parts = new Set(["id", "raDeg", "decDeg", "redshift", "sfr"] as const);
let done = 0;
const latencies: number[] = [];
const until = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: connections }, async (_, worker) => {
    let i = worker;
    while (performance.now() < until) {
      const [ra, dec] = centres[i++ % centres.length];
      const started = performance.now();
      await coneSearch(db.sql, { raDeg: ra, decDeg: dec, radiusDeg, first: 50, parts }, limits);
      latencies.push(performance.now() - started);
      done++;
    }
  }),
);
await db.close();
const direct = summarise(latencies);
const directRate = done / seconds;

// 2. Over HTTP: the real server in its own process, autocannon here.
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
// Its stdout (one request log line per request) goes to /dev/null: written,
// as in production, but never into a pipe this process stops reading while
// spawnSync(wrk) blocks it (a full pipe stalled the server after ~200 requests).
const server = spawn(process.execPath, [cli, "serve"], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0" },
  stdio: ["ignore", "ignore", "inherit"],
});
server.on("exit", (code) => code !== null && code !== 0 && console.error(`server exited with ${code}`));
await untilHealthy(`http://127.0.0.1:${port}`);
const target = `http://127.0.0.1:${port}/graphql`;
const wrkMissing = spawnSync("wrk", ["--version"]).error !== undefined;
let http: { rate: number; p50: number; p99: number; failures: number; tool: string };
if (!wrkMissing) {
  // wrk: one thread, bodies cycling through the same centres.
  const dir = mkdtempSync(join(tmpdir(), "skycube-wrk-"));
  const script = join(dir, "cone.lua");
  const lines = centres.map(([ra, dec]) => `  '${JSON.stringify({ query, variables: { ra, dec, r: radiusDeg } }).replace(/[\\']/g, "\\$&")}',`); // Lua string escapes
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal bodies = {\n${lines.join("\n")}\n}\nlocal n = 0\n` +
      `request = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])\nend\n`,
  );
  spawnSync("wrk", ["-t1", `-c${connections}`, "-d3s", "-s", script, target]); // warm-up
  const run = spawnSync("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, target], { encoding: "utf8" });
  const out = run.stdout;
  if (!/Requests\/sec:\s+[1-9]/.test(out)) console.error(`wrk answered no requests:\n${out}\n${run.stderr}`);
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1) : NaN;
  };
  const failures = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  http = { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms("50"), p99: ms("99"), failures: failures ? Number(failures[1]) : 0, tool: "wrk" };
} else {
  let n = 0;
  const result = await autocannon({
    url: target,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request: any) => {
          const [ra, dec] = centres[n++ % centres.length];
          return { ...request, body: JSON.stringify({ query, variables: { ra, dec, r: radiusDeg } }) };
        },
      },
    ],
  });
  http = { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failures: result.errors + result.non2xx, tool: "autocannon" };
}
server.kill("SIGTERM");

console.log(`# GraphQL cone search over HTTP vs the same search called directly, radius 1 arcmin, ${count.toLocaleString("en")} galaxies, ${connections} concurrent, ${seconds} s each`);
console.log("| path | requests/s | p50 (ms) | p99 (ms) | errors/non-2xx |");
console.log("|---|---|---|---|---|");
console.log(`| direct (catalogue function → SQL) | ${directRate.toFixed(0)} | ${direct.p50.toFixed(2)} | ${direct.p99.toFixed(2)} | 0 |`);
console.log(`| GraphQL over HTTP (${http.tool}) | ${http.rate.toFixed(0)} | ${http.p50.toFixed(2)} | ${http.p99.toFixed(2)} | ${http.failures} |`);
console.log(`GraphQL / direct = ${(http.rate / directRate).toFixed(2)}`);
process.exit(0); // autocannon keeps sockets referenced
