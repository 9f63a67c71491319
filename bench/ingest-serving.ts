/**
 * Serving while the server runs an ingest job (issue 10: the CLI hands its
 * ingest to the server holding the data folder, so the server does the
 * work). A survey of BENCH_INGEST_COUNT objects in SDSS files (generated once
 * per count under the temp folder) is sent with `ingestFiles` to a server in
 * its own process (embedded PGlite); meanwhile `/healthz` and a small cone
 * search are asked one request after another: their latency during the job
 * against the same requests on the idle server in the same run.
 *
 *   npm run bench:ingest-serving            (BENCH_INGEST_COUNT=1000 by default)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSdssSurvey } from "../ingest/synthetic/sdss-files/write-survey.js";
import { summarise, untilHealthy } from "./support.js";

const COUNT = Number(process.env.BENCH_INGEST_COUNT ?? 1000);
const PORT = 20000 + Math.floor(Math.random() * 1000) + 1000;
const base = `http://127.0.0.1:${PORT}`;
const TOKEN = "bench-ingest-serving-token";

async function latencies(request: () => Promise<unknown>, until: () => boolean, samples: number[]): Promise<void> {
  while (!until()) {
    const started = performance.now();
    await request();
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const line = (name: string, values: number[]) => {
  const s = summarise(values);
  return `${name}: n ${s.n}, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${Math.max(...values).toFixed(0)} ms`;
};

async function main(): Promise<void> {
  const survey = join(tmpdir(), `skycube-bench-survey-${COUNT}`);
  if (!existsSync(join(survey, "mpa-jhu", "gal_totsfr.fits"))) {
    rmSync(survey, { recursive: true, force: true });
    const written = await writeSdssSurvey({ dir: survey, count: COUNT, seed: 2026 });
    console.log(`survey: ${written.objects} objects, ${written.spectra} spectra, ${written.frames} frames, written in ${written.seconds.toFixed(0)} s to ${survey}`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-ingest-serving-"));
  const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
  const server = spawn(process.execPath, [cli, "serve"], {
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", DATA_DIR: dataDir, DEMO_COUNT: "200", API_TOKEN: TOKEN, DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
  };
  const health = () => fetch(`${base}/healthz`).then((r) => r.text());
  const cone = () => post(`{ coneSearch(ra: 0.5, dec: 0, radius: 0.5, first: 20) { totalCount edges { node { id redshift } } } }`);
  try {
    await untilHealthy(base);
    const idleHealth: number[] = [];
    const idleCone: number[] = [];
    let idleDone = false;
    setTimeout(() => (idleDone = true), 3000);
    await Promise.all([latencies(health, () => idleDone, idleHealth), latencies(cone, () => idleDone, idleCone)]);

    const started = performance.now();
    const input = {
      source: "SDSS", spectra: join(survey, "spectra"), frames: join(survey, "frames"),
      sfr: [join(survey, "mpa-jhu", "gal_info.fits"), join(survey, "mpa-jhu", "gal_totsfr.fits")],
    };
    const queued = await post(`mutation ($input: IngestFilesInput!) { ingestFiles(input: $input) { id } }`, { input });
    if (queued.errors) throw new Error(JSON.stringify(queued.errors));
    const id = queued.data.ingestFiles.id as string;
    let job: Record<string, any> = {};
    let done = false;
    const watcher = (async () => {
      while (!done) {
        job = (await post(`query ($id: ID!) { ingestJob(id: $id) { status report { objects inserted batches } error } }`, { id })).data.ingestJob;
        if (job.status === "SUCCEEDED" || job.status === "FAILED") done = true;
        else await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const busyHealth: number[] = [];
    const busyCone: number[] = [];
    await Promise.all([latencies(health, () => done, busyHealth), latencies(cone, () => done, busyCone), watcher]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`ingest job: ${job.status}, ${job.report?.objects} objects in ${job.report?.batches} batches, ${seconds.toFixed(1)} s (${(job.report?.objects / seconds).toFixed(0)} objects/s)${job.error ? `: ${job.error}` : ""}`);
    console.log(line("/healthz idle", idleHealth));
    console.log(line("/healthz during the ingest", busyHealth));
    console.log(line("cone search idle", idleCone));
    console.log(line("cone search during the ingest", busyCone));
    console.log(`ratio during/idle, p50: /healthz ${(summarise(busyHealth).p50 / summarise(idleHealth).p50).toFixed(1)}x, cone ${(summarise(busyCone).p50 / summarise(idleCone).p50).toFixed(1)}x`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
