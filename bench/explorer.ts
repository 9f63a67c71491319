/**
 * The explorer in Chromium (issue 11): first load of /galaxy/{id} to a drawn
 * image and spectrum, and the cone page with up to 500 rows and predictions,
 * both from the Performance API (marks the pages set once drawn, measured
 * from navigation start), each beside the reference of the same run: the
 * page's own GraphQL query timed from Node. Also the bundle's gzip size.
 *   npm run bench:explorer   (BENCH_DEMO=2000 galaxies, BENCH_LOADS=15)
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { angularDistanceDeg } from "../sky/angles.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { WEB_DIST } from "../server/explorer.js";
import { CONE_QUERY_TEXT, GALAXY_CARD_QUERY_TEXT } from "./explorer-queries.js";
import { backends } from "../test/support/databases.js";
import { launchBrowser } from "../test/support/browser.js";
import { startTestServer } from "../test/support/server.js";
import { summarise } from "./support.js";
import { openCube } from "../cube/cube-store.js";

const DEMO = Number(process.env.BENCH_DEMO ?? 2000);
const LOADS = Number(process.env.BENCH_LOADS ?? 15);
const TOKEN = "bench-explorer-token-0123456789";

function bundleSizes(): Record<string, { raw: number; gzip: number }> {
  const sizes: Record<string, { raw: number; gzip: number }> = {};
  for (const page of ["index.html", "graphiql.html"]) {
    const html = readFileSync(join(WEB_DIST, page), "utf8");
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    // Lazily imported chunks of GraphiQL (CodeMirror modes) count for the IDE page.
    const all = page === "graphiql.html" ? readdirSync(join(WEB_DIST, "assets")).filter((f) => !f.startsWith("explorer")).map((f) => `assets/${f}`) : assets;
    let raw = 0;
    let gzip = 0;
    for (const asset of new Set(all)) {
      const bytes = readFileSync(join(WEB_DIST, asset));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    sizes[page] = { raw, gzip };
  }
  return sizes;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-explorer-"));
  const db = await backends[0].open();
  await loadDemo(db.sql, { count: DEMO, cube: await openCube(dataDir) });
  const server = await startTestServer(db, { dataDir, apiToken: TOKEN });
  const browser = await launchBrowser();
  try {
    const train = await server.graphql<{ trainPredictor: { id: string } }>(
      `mutation { trainPredictor(input: { kind: GBDT, modality: SPECTRUM, features: ENGINEERED, folds: 2, grid: { gbdt: { numIterations: [40] } } }) { id } }`,
      {}, { authorization: `Bearer ${TOKEN}` });
    const runId = train.data!.trainPredictor.id;
    let predictorId: string | null = null;
    while (!predictorId) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const run = await server.graphql<{ trainingRun: { status: string; predictor: { id: string } | null } }>(`{ trainingRun(id: "${runId}") { status predictor { id } } }`);
      if (run.data!.trainingRun.status === "FAILED") throw new Error("training failed");
      predictorId = run.data!.trainingRun.predictor?.id ?? null;
    }
    // The densest 10° cone: centred on the galaxy with the most neighbours.
    const all = await server.graphql<{ galaxies: { edges: { node: { id: string; ra: number; dec: number } }[] } }>(`{ galaxies(first: 500) { edges { node { id ra dec } } } }`);
    const nodes = all.data!.galaxies.edges.map((e) => e.node);
    const centre = nodes.map((g) => ({ g, n: nodes.filter((o) => angularDistanceDeg(g.ra, g.dec, o.ra, o.dec) < 10).length })).sort((a, b) => b.n - a.n)[0].g;

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    const galaxyMs: number[] = [];
    const galaxyApiMs: number[] = [];
    const coneMs: number[] = [];
    const coneApiMs: number[] = [];
    let rows = 0;
    const coneVariables = { ra: centre.ra, dec: centre.dec, radius: 10, first: 500, predictor: predictorId, withPrediction: true };
    for (let k = 0; k < LOADS; k++) {
      const id = nodes[(k * 37) % nodes.length].id;
      let start = performance.now();
      await server.graphql(GALAXY_CARD_QUERY_TEXT, { id, zoom: 0, size: null, spectrumZoom: 0 });
      galaxyApiMs.push(performance.now() - start);
      await page.goto(`${server.url}/galaxy/${id}`);
      await page.locator("#app[data-ready]").waitFor();
      galaxyMs.push(await page.evaluate(() => (globalThis as any).performance.getEntriesByName("galaxy-drawn")[0].startTime as number));

      start = performance.now();
      await server.graphql(CONE_QUERY_TEXT, coneVariables);
      coneApiMs.push(performance.now() - start);
      await page.goto(`${server.url}/?ra=${centre.ra}&dec=${centre.dec}&radius=10&predictor=${predictorId}`);
      await page.locator("#cone-table tbody tr").first().waitFor();
      coneMs.push(await page.evaluate(() => (globalThis as any).performance.getEntriesByName("cone-rendered")[0].startTime as number));
      rows = Number(await page.locator("#app").getAttribute("data-rows"));
    }
    const show = (name: string, ms: number[], reference: number[]) => {
      const [a, b] = [summarise(ms), summarise(reference)];
      console.log(`${name}: p50 ${a.p50.toFixed(0)} ms, p99 ${a.p99.toFixed(0)} ms from navigation start; its GraphQL query alone p50 ${b.p50.toFixed(0)} ms (ratio ${(a.p50 / b.p50).toFixed(1)})`);
    };
    console.log(`${DEMO} demo galaxies, ${LOADS} loads each, Chromium headless`);
    show("galaxy card drawn (64 px image, 4620-bin spectrum)", galaxyMs, galaxyApiMs);
    show(`cone page rendered (${rows} rows with predictions)`, coneMs, coneApiMs);
    for (const [page, size] of Object.entries(bundleSizes())) console.log(`bundle ${page}: ${(size.raw / 1024).toFixed(0)} KiB, ${(size.gzip / 1024).toFixed(0)} KiB gzip`);
  } finally {
    await browser.close();
    await server.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
