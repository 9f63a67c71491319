/**
 * The largest GraphQL response MAX_RESPONSE_BYTES allows (issue 12): every
 * array of `image(zoom: 0)` and `spectrum(zoom: 0)` as base64 for as many
 * galaxies as fit under the limit, from a server in its own process (embedded
 * PGlite, DEMO_COUNT synthetic galaxies with a cube). Meanwhile `/healthz` is
 * asked one request after another: its latency while the big query runs,
 * against its latency on the idle server in the same run; the server's RSS
 * before, at the peak and after. Also the probe (plain `values` of
 * 500 galaxies), which must now be refused at once.
 *
 *   npm run bench:large-response
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarise, untilHealthy } from "./support.js";

const DEMO = Number(process.env.BENCH_DEMO_COUNT ?? 400);
const PORT = 4000 + Math.floor(Math.random() * 1000) + 20000;
const base = `http://127.0.0.1:${PORT}`;
const BYTES_PER_GALAXY = 350_484; // query-measure's estimate for the selection below
const first = Math.floor(64_000_000 / BYTES_PER_GALAXY);

const arrays = "flux { base64 } sigma { base64 } mask { base64 }";
const largest = `{ galaxies(first: ${first}) { edges { node { id image(zoom: 0) { ${arrays} } spectrum(zoom: 0) { wavelength { base64 } ${arrays} } } } } }`;
const probe = `{ galaxies(first: 500) { edges { node { image(zoom: 0) { flux { values } sigma { values } mask { values } } spectrum(zoom: 0) { wavelength { values } flux { values } sigma { values } mask { values } } } } } }`;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function healthLatencies(until: () => boolean, samples: number[]): Promise<void> {
  while (!until()) {
    const started = performance.now();
    await fetch(`${base}/healthz`).then((r) => r.text());
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-large-"));
  const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
  const server = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean), cli, "serve"], {
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", DATA_DIR: dataDir, DEMO_COUNT: String(DEMO), API_TOKEN: "bench-large-response-token" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await untilHealthy(base);
    const post = (query: string) => fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const refusedStarted = performance.now();
    const refused = await post(probe);
    const refusedBody = (await refused.json()) as any;
    console.log(`probe (values, first 500): HTTP ${refused.status} ${refusedBody.errors?.[0]?.extensions?.code} in ${(performance.now() - refusedStarted).toFixed(0)} ms`);

    const idle: number[] = [];
    let idleDone = false;
    setTimeout(() => (idleDone = true), 2000);
    await healthLatencies(() => idleDone, idle);
    const baseline = rssMb(server.pid!);

    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 20);
    const during: number[] = [];
    let done = false;
    const started = performance.now();
    const big = post(largest).then(async (r) => {
      const text = await r.text();
      done = true;
      return { status: r.status, bytes: text.length, ms: performance.now() - started };
    });
    await healthLatencies(() => done, during);
    const result = await big;
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 15_000));
    const after = rssMb(server.pid!);
    const i = summarise(idle);
    const d = summarise(during);
    console.log(`largest allowed: first ${first}, HTTP ${result.status}, ${(result.bytes / 1e6).toFixed(1)} MB in ${(result.ms / 1000).toFixed(2)} s`);
    console.log(`/healthz idle: n ${i.n}, p50 ${i.p50.toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms`);
    console.log(`/healthz during: n ${d.n}, p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms`);
    console.log(`server RSS: baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, 15 s after ${after.toFixed(0)} MB`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
