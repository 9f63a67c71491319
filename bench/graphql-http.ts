/**
 * End-to-end GraphQL cone-search throughput over HTTP (autocannon) at a
 * 1 arcmin radius on 1,000,000 galaxies in PostgreSQL, next to the same
 * cone search run directly (the catalogue function the resolver calls,
 * same SQL, same pool size) with the same concurrency: the difference is
 * what HTTP + GraphQL cost.
 *
 *   npm run bench:http            (BENCH_COUNT, BENCH_SECONDS, BENCH_CONNECTIONS override)
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { coneSearch } from "../catalog/cone-search.js";
import { Random } from "../ingest/synthetic/random.js";
import { syntheticSurvey } from "../ingest/synthetic/survey.js";
import { benchDatabase, summarise } from "./support.js";

const count = Number(process.env.BENCH_COUNT ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const radiusDeg = 1 / 60;
const port = 4999;

const { db, url } = await benchDatabase(count, connections);
const random = new Random(5);
const centres = [...syntheticSurvey(2000, 1, 1000)].map((g) => [(g.raDeg + random.uniform(-1, 1) / 60 + 360) % 360, g.decDeg + random.uniform(-1, 1) / 60]);
const query = `query($ra: Float!, $dec: Float!, $r: Float!) { coneSearch(ra: $ra, dec: $dec, radius: $r, first: 50) {
  edges { node { id ra dec redshift distance sfr { avg flag } } } } }`;

// 1. The same cone searches without HTTP and GraphQL.
const limits = { maxPageSize: 500, maxConeRadiusDeg: 10 };
let done = 0;
const latencies: number[] = [];
const until = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: connections }, async (_, worker) => {
    let i = worker;
    while (performance.now() < until) {
      const [ra, dec] = centres[i++ % centres.length];
      const started = performance.now();
      await coneSearch(db.sql, { raDeg: ra, decDeg: dec, radiusDeg, first: 50 }, limits);
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
const server = spawn(process.execPath, [cli, "serve"], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1", DEMO_COUNT: "0" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
  server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
let n = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}/graphql`,
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
server.kill("SIGTERM");

console.log(`# GraphQL cone search over HTTP vs the same search called directly, radius 1 arcmin, ${count.toLocaleString("en")} galaxies, ${connections} concurrent, ${seconds} s each`);
console.log("| path | requests/s | p50 (ms) | p99 (ms) | errors/non-2xx |");
console.log("|---|---|---|---|---|");
console.log(`| direct (catalogue function → SQL) | ${directRate.toFixed(0)} | ${direct.p50.toFixed(2)} | ${direct.p99.toFixed(2)} | 0 |`);
console.log(
  `| GraphQL over HTTP (autocannon) | ${result.requests.average.toFixed(0)} | ${result.latency.p50.toFixed(2)} | ${result.latency.p99.toFixed(2)} | ${result.errors + result.non2xx} |`,
);
console.log(`GraphQL / direct = ${(result.requests.average / directRate).toFixed(2)}`);
process.exit(0); // autocannon keeps sockets referenced
