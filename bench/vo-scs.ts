/**
 * Simple Cone Search over /vo/scs against the GraphQL coneSearch, the same
 * cones (1 arcmin radius, at most 50 rows, the same columns: id, ra, dec,
 * distance, redshift, class/survey, SFR) on 1,000,000 galaxies in
 * PostgreSQL, the server in its own process, wrk (Debian `wrk`) or
 * autocannon as load generator; then the VOTable serialisation rate for a
 * 10,000-row response: in process (the streamed writer alone, VERB=3 rows)
 * and over HTTP (a /vo/scs answer of 10,000 rows read as it streams).
 *
 *   npm run bench:vo            (BENCH_COUNT, BENCH_SECONDS, BENCH_CONNECTIONS override)
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { galaxyColumns, toGalaxyRecord } from "../catalog/galaxy-record.js";
import { columnsFor } from "../vo/scs/columns.js";
import { votableChunks } from "../vo/votable/writer.js";
import { benchConeCentres, benchDatabase } from "./support.js";

const count = Number(process.env.BENCH_COUNT ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const radiusDeg = 1 / 60;
const port = 4998;

const { db, url } = await benchDatabase(count, connections);
const centres = benchConeCentres();

// 1. VOTable serialisation alone: 10,000 catalogue rows, VERB=3 (23 columns), chunks consumed as produced.
const records = (await db.sql`SELECT ${galaxyColumns(db.sql)} FROM galaxies g ORDER BY g.id LIMIT 10000`).map(toGalaxyRecord);
const columns = columnsFor(3);
const serialise = () => {
  let bytes = 0;
  let largestChunk = 0;
  const rows = (function* () {
    for (const galaxy of records) yield columns.map((c) => c.value(galaxy, "http://127.0.0.1"));
  })();
  for (const chunk of votableChunks({ fields: columns.map((c) => c.field), rows })) {
    bytes += Buffer.byteLength(chunk);
    largestChunk = Math.max(largestChunk, chunk.length);
  }
  return { bytes, largestChunk };
};
serialise(); // warm-up
const runs: number[] = [];
let serialised = { bytes: 0, largestChunk: 0 };
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  serialised = serialise();
  runs.push(performance.now() - started);
}
runs.sort((a, b) => a - b);
const serialiseMs = runs[2];
await db.close();

// 2. The server in its own process.
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const server = spawn(process.execPath, [cli, "serve"], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0", DATA_DIR: mkdtempSync(join(tmpdir(), "skycube-vo-bench-")) },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
  server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
const base = `http://127.0.0.1:${port}`;

// 3. The big response over HTTP, read as it streams.
const bigCentre = centres[0];
const bigUrl = `${base}/vo/scs?RA=${bigCentre[0]}&DEC=${bigCentre[1]}&SR=5&VERB=3&MAXREC=10000`;
const fetchBig = async () => {
  const started = performance.now();
  const response = await fetch(bigUrl);
  let bytes = 0;
  let rows = 0;
  let tail = "";
  for await (const chunk of response.body!) {
    bytes += chunk.length;
    const text = tail + Buffer.from(chunk).toString();
    rows += (text.match(/<TR>/g) ?? []).length;
    tail = text.slice(-3);
  }
  return { ms: performance.now() - started, bytes, rows };
};
await fetchBig();
const bigRuns = [await fetchBig(), await fetchBig(), await fetchBig()].sort((a, b) => a.ms - b.ms);
const big = bigRuns[1];

// 4. Throughput: the same cones through /vo/scs and GraphQL.
const query = `query($ra: Float!, $dec: Float!, $r: Float!) { coneSearch(ra: $ra, dec: $dec, radius: $r, first: 50) {
  edges { node { id ra dec distance redshift class survey sfr { avg } } } } }`;
interface Load { rate: number; p50: number; p99: number; failures: number; tool: string }
const wrkMissing = spawnSync("wrk", ["--version"]).error !== undefined;
const dir = mkdtempSync(join(tmpdir(), "skycube-vo-wrk-"));

function wrk(script: string, target: string): Load {
  spawnSync("wrk", ["-t1", `-c${connections}`, "-d3s", "-s", script, target]); // warm-up
  const out = spawnSync("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, target], { encoding: "utf8" }).stdout;
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1) : NaN;
  };
  const failures = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms("50"), p99: ms("99"), failures: failures ? Number(failures[1]) : 0, tool: "wrk" };
}

async function measure(kind: "scs" | "graphql"): Promise<Load> {
  const scsPath = ([ra, dec]: number[]) => `/vo/scs?RA=${ra}&DEC=${dec}&SR=${radiusDeg}&VERB=2&MAXREC=50`;
  const body = ([ra, dec]: number[]) => JSON.stringify({ query, variables: { ra, dec, r: radiusDeg } });
  if (!wrkMissing) {
    const script = join(dir, `${kind}.lua`);
    const items = centres.map((c) => `  '${(kind === "scs" ? scsPath(c) : body(c)).replace(/[\\']/g, "\\$&")}',`); // Lua string escapes
    const request = kind === "scs"
      ? `request = function()\n  n = n + 1\n  return wrk.format("GET", items[(n % #items) + 1])\nend\n`
      : `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, items[(n % #items) + 1])\nend\n`;
    writeFileSync(script, `local items = {\n${items.join("\n")}\n}\nlocal n = 0\n${request}`);
    return wrk(script, kind === "scs" ? base : `${base}/graphql`);
  }
  let n = 0;
  const result = await autocannon({
    url: kind === "scs" ? base : `${base}/graphql`,
    connections,
    duration: seconds,
    requests: [{
      method: kind === "scs" ? "GET" : "POST",
      headers: kind === "scs" ? {} : { "content-type": "application/json" },
      setupRequest: (request: any) => {
        const centre = centres[n++ % centres.length];
        return kind === "scs" ? { ...request, path: scsPath(centre) } : { ...request, body: body(centre) };
      },
    }],
  });
  return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failures: result.errors + result.non2xx, tool: "autocannon" };
}

const scs = await measure("scs");
const graphql = await measure("graphql");
server.kill("SIGTERM");

console.log(`# Cone search: /vo/scs (VOTable) vs GraphQL coneSearch (JSON), radius 1 arcmin, at most 50 rows, ${count.toLocaleString("en")} galaxies, ${connections} concurrent, ${seconds} s each (${scs.tool})`);
console.log("| endpoint | requests/s | p50 (ms) | p99 (ms) | errors/non-2xx |");
console.log("|---|---|---|---|---|");
console.log(`| GET /vo/scs?VERB=2&MAXREC=50 | ${scs.rate.toFixed(0)} | ${scs.p50.toFixed(2)} | ${scs.p99.toFixed(2)} | ${scs.failures} |`);
console.log(`| POST /graphql coneSearch(first: 50) | ${graphql.rate.toFixed(0)} | ${graphql.p50.toFixed(2)} | ${graphql.p99.toFixed(2)} | ${graphql.failures} |`);
console.log(`SCS / GraphQL = ${(scs.rate / graphql.rate).toFixed(2)}`);
console.log("");
console.log("# VOTable serialisation, 10,000 rows");
console.log("| what | rows | ms (median) | rows/s | bytes | largest chunk held (chars) |");
console.log("|---|---|---|---|---|---|");
console.log(`| writer alone, VERB=3 (23 columns), median of 5 | ${records.length} | ${serialiseMs.toFixed(1)} | ${((records.length / serialiseMs) * 1000).toFixed(0)} | ${serialised.bytes} | ${serialised.largestChunk} |`);
console.log(`| GET /vo/scs VERB=3 MAXREC=10000 (SR=5), SQL + HTTP, median of 3 | ${big.rows} | ${big.ms.toFixed(1)} | ${((big.rows / big.ms) * 1000).toFixed(0)} | ${big.bytes} | (streamed) |`);
process.exit(0); // autocannon keeps sockets referenced
