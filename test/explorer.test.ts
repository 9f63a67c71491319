/**
 * The sky explorer in a real browser (Debian Chromium, headless), against a
 * real server on synthetic demo data: overview and cone search, the galaxy
 * card, training runs, and GraphiQL. Any page error or failed request fails.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { browserSkip, launchBrowser, openWatchedPage, SCREENSHOT_DIR, type WatchedPage } from "./support/browser.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";
import { IterationGate } from "../models/training/iteration-gate.js";

const TOKEN = "explorer-test-token-0123456789";
const pglite = backends.find((backend) => backend.name === "pglite")!;

describe("the sky explorer in Chromium", { skip: browserSkip }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "skycube-explorer-"));
    db = await pglite.open();
    await loadDemo(db.sql, { count: 120, cube: await openCube(dataDir) });
    server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function watched(): Promise<WatchedPage> {
    return openWatchedPage(browser);
  }

  it("goes from the sky map to a sorted cone search to a galaxy's images and spectrum, and steps the zoom", async () => {
    const { page, problems, screenshot } = await watched();
    const probe = await server.graphql<{ galaxies: { edges: { node: { id: string; ra: number; dec: number } }[] } }>(
      "{ galaxies(first: 1) { edges { node { id ra dec } } } }");
    const centre = probe.data!.galaxies.edges[0].node;
    await page.goto(`${server.url}/`);
    await page.locator("#app[data-ready]").waitFor();
    assert.match(await page.locator("#survey-counts").innerText(), /SYNTHETIC\s+120/);
    assert.ok(await canvasIsDrawn(page, "#sky-map"), "the density map has pixels drawn");
    await checkDensityMap(page, server);

    await page.fill("#cone-ra", String(centre.ra));
    await page.fill("#cone-dec", String(centre.dec));
    await page.fill("#cone-radius", "10");
    await page.click("#cone-form button[type=submit]");
    await page.locator("#cone-table tbody tr").first().waitFor();
    const url = new URL(page.url());
    assert.equal(Number(url.searchParams.get("ra")), centre.ra);
    assert.equal(url.searchParams.get("radius"), "10");
    const expected = await server.graphql<{ coneSearch: { totalCount: number } }>(`{ coneSearch(ra: ${centre.ra}, dec: ${centre.dec}, radius: 10) { totalCount } }`);
    const total = expected.data!.coneSearch.totalCount;
    assert.ok(total >= 3, `the cone holds ${total} galaxies`);
    assert.equal(await page.locator("#cone-table tbody tr").count(), Math.min(total, 50));
    // Nearest first: the centre galaxy itself heads the table.
    assert.equal(await page.locator("#cone-table tbody tr").first().getAttribute("data-id"), centre.id);

    const redshifts = async () => (await page.locator("#cone-table tbody tr td:nth-child(5)").allInnerTexts()).map(Number);
    await page.click("#cone-table th[data-key=redshift] button");
    const ascending = await redshifts();
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    assert.equal(await page.locator("#cone-table th[data-key=redshift]").getAttribute("aria-sort"), "ascending");
    await page.click("#cone-table th[data-key=redshift] button");
    const descending = await redshifts();
    assert.deepEqual(descending, [...ascending].reverse());

    // Keyboard: focus the first row, move down, the sky plot rings the selection, Enter opens it.
    await page.locator("#cone-table tbody tr").first().focus();
    await page.keyboard.press("ArrowDown");
    const second = page.locator("#cone-table tbody tr").nth(1);
    assert.equal(await second.getAttribute("aria-selected"), "true");
    const chosenId = (await second.getAttribute("data-id"))!;
    assert.equal(await page.locator("#cone-plot g.cone-selected circle").count(), 1);
    assert.equal(await page.locator(`#cone-plot circle[data-id="${chosenId}"]`).count(), 1);
    // And the other way: a galaxy clicked in the sky plot is selected (and focused) in the table; ↑ goes back.
    const thirdId = (await page.locator("#cone-table tbody tr").nth(2).getAttribute("data-id"))!;
    await page.locator(`#cone-plot circle[data-id="${thirdId}"]`).dispatchEvent("click");
    assert.equal(await page.locator(`#cone-table tbody tr[data-id="${thirdId}"]`).getAttribute("aria-selected"), "true");
    assert.equal(await page.locator("#cone-plot g.cone-selected circle").count(), 1);
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.locator(`#cone-table tbody tr[data-id="${chosenId}"]`).getAttribute("aria-selected"), "true");
    await screenshot("overview");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/galaxy/${chosenId}`);
    await page.locator("#app[data-ready]").waitFor();

    const card = await server.graphql<{ galaxy: { redshift: number } }>(`{ galaxy(id: "${chosenId}") { redshift } }`);
    const z = card.data!.galaxy.redshift;
    assert.ok(await canvasIsDrawn(page, "#image-composite"), "the composite canvas has non-blank pixels");
    assert.ok(await canvasIsDrawn(page, "#image-r"), "the r-band canvas has non-blank pixels");
    assert.equal(await page.locator("#image-composite").getAttribute("width"), "64");

    // Axes: observed wavelength below, rest frame above (labels = observed / (1 + z)), flux on the left.
    const spectrum = page.locator(".spectrum-plot svg");
    assert.ok((await spectrum.locator('g[aria-label="x-axis tick"]:not(.rest-axis) path').count()) > 3);
    assert.ok((await spectrum.locator('g[aria-label="x-axis tick"].rest-axis path').count()) >= 2);
    assert.ok((await spectrum.locator('g[aria-label="y-axis tick"] path').count()) > 3);
    assert.match(await spectrum.innerHTML(), /observed wavelength/);
    assert.match(await spectrum.innerHTML(), /rest-frame wavelength/);
    const bottom = await tickPositions(page, "g[aria-label='x-axis tick label']:not(.rest-axis)");
    const toPixel = linearFit(bottom);
    // Rest-frame vacuum wavelengths (Å), independent of the page's list.
    for (const [line, restAngstrom] of [["Halpha", 6564.6], ["Hbeta", 4862.7], ["OIII_5007", 5008.2]] as const) {
      const x = Number(await spectrum.locator(`line[data-line="${line}"]`).getAttribute("x1"));
      assert.ok(Math.abs(x - toPixel(restAngstrom * (1 + z))) < 1.5, `${line} marker at x = ${x}, expected ${toPixel(restAngstrom * (1 + z))}`);
    }
    const rest = await tickPositions(page, "g.rest-axis[aria-label='x-axis tick label']");
    for (const tick of rest) assert.ok(Math.abs(toPixel(tick.value * (1 + z)) - tick.x) < 1.5, `rest tick ${tick.value} at ${tick.x}`);
    await screenshot("galaxy");
    // The README's picture: the top of the card (copied to docs/explorer-galaxy.png by hand).
    await page.screenshot({ path: join(SCREENSHOT_DIR, "galaxy-card.png"), clip: { x: 0, y: 0, width: 1100, height: 1000 } });

    // Zoom into the spectrum: the window narrows and the URL keeps it.
    const before = (await spectrum.getAttribute("data-window"))!.split(",").map(Number);
    await page.getByRole("button", { name: "zoom in (+)" }).click();
    const after = (await page.locator(".spectrum-plot svg").getAttribute("data-window"))!.split(",").map(Number);
    assert.ok(after[1] - after[0] < (before[1] - before[0]) * 0.8);
    assert.ok(new URL(page.url()).searchParams.has("from"));

    // Step the image zoom: 2 → 16 px canvases, then an in-between size.
    await page.click("button[data-zoom='2']");
    await page.waitForFunction(() => (globalThis as any).document.querySelector("#image-composite")?.getAttribute("width") === "16");
    assert.equal(new URL(page.url()).searchParams.get("zoom"), "2");
    assert.ok(await canvasIsDrawn(page, "#image-composite"));
    await page.locator("#image-size").fill("40");
    await page.locator("#image-size").dispatchEvent("change");
    await page.waitForFunction(() => (globalThis as any).document.querySelector("#image-composite")?.getAttribute("width") === "40");
    // Spectrum zoom level 3: 577 bins, reloaded from the API.
    await page.selectOption("#spectrum-zoom", "3");
    await page.waitForFunction(() => new URL((globalThis as any).location.href).searchParams.get("szoom") === "3" && (globalThis as any).document.querySelector(".spectrum-plot svg") !== null);
    // The pixel readout gives flux ± sigma and RA/Dec.
    await page.locator("#image-composite").hover();
    assert.match(await page.locator("#pixel-readout").innerText(), /RA \d+\.\d+°, Dec -?\d+\.\d+° .* ± /);
    assert.deepEqual(problems, []);
  });

  it("starts a small training run from /runs with the token, sees its curves grow while RUNNING, and follows it to SUCCEEDED", async () => {
    const { page, problems, screenshot } = await watched();
    // The run pauses after its 3rd curve point, then after its 8th, until released (models/training/iteration-gate.ts).
    const gate = new IterationGate(3);
    server.services.training.queue.executor.testGate = gate;
    try {
      await followHeldRun(page, screenshot, gate);
    } finally {
      server.services.training.queue.executor.testGate = null;
      gate.release();
    }
    assert.deepEqual(problems, []);
  });

  /** Vertices of each learning-curve line the page has drawn (Plot draws a line as one path "M…L…L…"). */
  async function curveVertices(page: Page): Promise<number[]> {
    const paths = await page.locator("#learning-curves g.curve-lines path").evaluateAll((nodes) => nodes.map((n) => (n as any).getAttribute("d") as string));
    return paths.map((d) => d.split(/[ML]/).filter((part) => part.trim() !== "").length);
  }

  async function followHeldRun(page: Page, screenshot: WatchedPage["screenshot"], gate: IterationGate): Promise<void> {
    await page.goto(`${server.url}/runs`);
    await page.locator("#app[data-ready]").waitFor();
    await page.selectOption("#train-kind", "GBDT");
    await page.selectOption("#train-modality", "SPECTRUM");
    await page.selectOption("#train-features", "ENGINEERED");
    await page.fill("#train-folds", "2");
    // Small leaves, so trees split on 120 galaxies and every fold boosts its 30 rounds.
    await page.fill("#train-grid", '{"numIterations": [30], "minDataInLeaf": [3]}');
    await page.fill("#train-token", TOKEN);
    await page.click("#train-form button[type=submit]");
    await page.waitForURL(/\/runs\/\d+$/);
    const runId = page.url().split("/").pop()!;
    // Held after 3 points: the page, polling, shows RUNNING and a curve of exactly those points.
    const shows = (status: string, iterations: number) => page.waitForFunction(([status, iterations]) => {
      const document = (globalThis as any).document;
      return document.querySelector("#run-status")?.getAttribute("data-status") === status
        && document.querySelector("#learning-curves")?.getAttribute("data-iterations") === String(iterations);
    }, [status, iterations] as const, { timeout: 60000 });
    await shows("RUNNING", 3);
    assert.equal(gate.reached, 3);
    const early = await curveVertices(page);
    assert.deepEqual(early, [3, 3], "fold 0's train and validation lines, 3 iterations each");
    const earlyProgress = Number(await page.locator("#run-header progress").getAttribute("value"));
    await screenshot("run-running");
    // Let it go on to 8 points: a later poll draws the longer curve, still RUNNING.
    gate.allow(8);
    await shows("RUNNING", 8);
    const later = await curveVertices(page);
    assert.deepEqual(later, [8, 8], "the same lines, now 8 iterations each");
    const laterProgress = Number(await page.locator("#run-header progress").getAttribute("value"));
    assert.ok(laterProgress > earlyProgress, `progress ${earlyProgress} then ${laterProgress}`);
    // Released: the page follows it to SUCCEEDED and the report.
    gate.release();
    await page.waitForFunction(() => ["SUCCEEDED", "FAILED", "CANCELLED"].includes((globalThis as any).document.querySelector("#run-status")?.getAttribute("data-status")), undefined, { timeout: 300000 });
    assert.equal(await page.locator("#run-status").getAttribute("data-status"), "SUCCEEDED", (await page.locator("#run-header").innerText()));
    await page.locator("#app[data-ready]").waitFor();
    const final = await curveVertices(page);
    assert.ok(final.length >= 4 && Math.max(...final) >= 8, `both folds' curves at the end: ${final.join(", ")}`);
    const run = await server.graphql<{ trainingRun: { split: { testCount: number }; metrics: { coverage1Sigma: number } } }>(
      `{ trainingRun(id: "${runId}") { split { testCount } metrics { coverage1Sigma } } }`);
    const { testCount } = run.data!.trainingRun.split;
    assert.equal(await page.locator("#scatter g.scatter-dots circle").count(), testCount);
    assert.ok((await page.locator("#learning-curves g.curve-lines path").count()) >= 2, "train and validation curves of each fold");
    // The page's own ±1σ coverage of the served predictions agrees with the run's test metric.
    const shown = await page.locator("#calibration").getAttribute("aria-label");
    assert.match(shown!, new RegExp(`±1σ observed on test ${run.data!.trainingRun.metrics.coverage1Sigma.toFixed(2)}`));
    assert.match(await page.locator("#run-split").innerText(), new RegExp(`test ${testCount} galaxies`));
    // The token lives in the tab's session storage only.
    assert.equal(await page.evaluate(() => (globalThis as any).sessionStorage.getItem("skycube.apiToken")), TOKEN);
    assert.equal(await page.evaluate(() => (globalThis as any).localStorage.length), 0);
    await screenshot("run");
    console.log(`run ${runId}: RUNNING with 3 then 8 curve points (progress ${earlyProgress} → ${laterProgress}), then SUCCEEDED with lines of ${final.join(", ")} points`);
  }

  it("overlays the validation curves of the runs checked in /runs, and the URL keeps the choice", async () => {
    const { page, problems, screenshot } = await watched();
    // Two runs that learn something on 120 galaxies (small leaves), so each curve has many iterations.
    const ids: string[] = [];
    for (const seed of [7, 8]) {
      const started = await server.graphql<{ trainPredictor: { id: string } }>(
        `mutation { trainPredictor(input: { kind: GBDT, modality: SPECTRUM, features: ENGINEERED, folds: 2, seed: ${seed}, hyperparameters: { numIterations: [20], minDataInLeaf: [3] } }) { id } }`,
        {}, { authorization: `Bearer ${TOKEN}` });
      assert.equal(started.errors, undefined, JSON.stringify(started.errors));
      ids.push(started.data!.trainPredictor.id);
    }
    await server.services.training.queue.idle();
    await page.goto(`${server.url}/runs`);
    await page.locator("#app[data-ready]").waitFor();
    for (const id of ids) await page.check(`#runs-table input[value="${id}"]`);
    await page.click("#compare-runs");
    // The table lists runs newest first, and so does the URL.
    await page.waitForURL((url) => url.searchParams.get("compare") === [...ids].reverse().join(","));
    await page.locator("#app[data-ready]").waitFor();
    await page.locator("#runs-overlay").waitFor();
    const paths = page.locator("#runs-overlay g.overlay-lines path");
    assert.equal(await paths.count(), 2, "one curve per run");
    for (let k = 0; k < 2; k++) assert.ok(((await paths.nth(k).getAttribute("d")) ?? "").split("L").length > 5, "each curve has several iterations");
    assert.match((await page.locator("#runs-overlay").getAttribute("aria-label"))!, new RegExp(`run ${ids[1]} .*run ${ids[0]}`));
    assert.equal(await page.locator(`#runs-table input[value="${ids[0]}"]`).isChecked(), true, "the reloaded page keeps the choice");
    await screenshot("runs-overlay");
    assert.deepEqual(problems, []);
  });

  it("shows an experiment's table on /runs: one row per cell with its test metrics, and the CSV/Markdown links", async () => {
    const { page, problems, screenshot } = await watched();
    const started = await server.graphql<{ runExperiment: { id: string } }>(
      "mutation { runExperiment(input: { learners: [DECISION_TREE], modalities: [SPECTRUM], features: [ENGINEERED], folds: 2, seed: 3 }) { id } }",
      {}, { authorization: `Bearer ${TOKEN}` });
    assert.equal(started.errors, undefined, JSON.stringify(started.errors));
    const id = started.data!.runExperiment.id;
    type Cell = { reference: string | null; run: { id: string }; metrics: { rmse: number } | null };
    let experiment: { status: string; cells: Cell[] } | null = null;
    for (let k = 0; k < 600 && !["SUCCEEDED", "FAILED", "CANCELLED"].includes(experiment?.status ?? ""); k++) {
      await server.services.training.queue.idle();
      experiment = (await server.graphql<{ experiment: { status: string; cells: Cell[] } }>(`{ experiment(id: "${id}") { status cells { reference run { id } metrics { rmse } } } }`)).data!.experiment;
      if (!["SUCCEEDED", "FAILED", "CANCELLED"].includes(experiment.status)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(experiment!.status, "SUCCEEDED");
    await page.goto(`${server.url}/runs`);
    await page.locator("#app[data-ready]").waitFor();
    const rows = page.locator(`#experiment-${id} tbody tr`);
    assert.equal(await rows.count(), experiment!.cells.length);
    assert.ok(experiment!.cells.length >= 3, "the grid's cell and the two reference cells");
    for (const [k, cell] of experiment!.cells.entries()) {
      assert.equal(await rows.nth(k).getAttribute("data-run"), cell.run.id);
      assert.equal(await rows.nth(k).locator("td:nth-child(1)").innerText(), cell.reference ?? "grid");
      assert.equal(await rows.nth(k).locator("td:nth-child(7)").innerText(), cell.metrics!.rmse.toFixed(3));
    }
    const csvHref = await page.locator(`#experiment-${id} caption a`, { hasText: "CSV" }).getAttribute("href");
    const csv = await fetch(`${server.url}${csvHref}`);
    assert.equal(csv.status, 200);
    assert.equal((await csv.text()).trim().split("\n").length, experiment!.cells.length + 1, "the server's CSV has the same cells");
    await screenshot("runs-experiments");
    assert.deepEqual(problems, []);
  });

  it("with trained predictors: the cone table shows one's value ± σ and residual, the galaxy card every predictor's (version, percentiles, domain)", async () => {
    const { page, problems, screenshot } = await watched();
    const listed = await server.graphql<{ predictorsConnection: { edges: { node: { id: string } }[] } }>("{ predictorsConnection(first: 50) { edges { node { id } } } }");
    const predictorIds = listed.data!.predictorsConnection.edges.map((e) => e.node.id);
    assert.ok(predictorIds.length >= 3, "the runs of the tests above left their predictors");
    const chosen = predictorIds[predictorIds.length - 1];
    type Probe = { id: string; ra: number; dec: number; sfr: { avg: number }; prediction: { value: number; sigma: number };
      predictionsConnection: { edges: { node: { value: number; sigma: number; p16: number; p84: number; inDomain: boolean; predictor: { id: string; name: string; version: number } } }[] } };
    const probe = await server.graphql<{ galaxies: { edges: { node: Probe }[] } }>(
      `{ galaxies(first: 1, filter: { hasSfrLabel: true }) { edges { node { id ra dec sfr { avg } prediction(predictor: "${chosen}") { value sigma }
        predictionsConnection(first: 50) { edges { node { value sigma p16 p84 inDomain predictor { id name version } } } } } } } }`);
    const galaxy = probe.data!.galaxies.edges[0].node;
    await page.goto(`${server.url}/?ra=${galaxy.ra}&dec=${galaxy.dec}&radius=0.01&predictor=${chosen}`);
    await page.locator("#cone-table tbody tr").first().waitFor();
    const first = page.locator("#cone-table tbody tr").first();
    assert.equal(await first.getAttribute("data-id"), galaxy.id);
    assert.equal(await first.locator("td:nth-child(8)").innerText(), `${galaxy.prediction.value.toFixed(2)} ± ${galaxy.prediction.sigma.toFixed(2)}`);
    assert.equal(await first.locator("td:nth-child(9)").innerText(), (galaxy.prediction.value - galaxy.sfr.avg).toFixed(2));
    assert.equal(await page.locator(`#cone-plot circle[data-id="${galaxy.id}"]`).count(), 1, "the sky plot has the galaxy, coloured by the prediction");
    await page.goto(`${server.url}/galaxy/${galaxy.id}`);
    await page.locator("#app[data-ready]").waitFor();
    const shown = await page.locator("#predictions-table tbody tr:not(.label-row)").evaluateAll((rows) => rows.map((r) => [0, 1, 2, 4].map((k) => (r as any).cells[k].textContent)));
    assert.deepEqual(shown, galaxy.predictionsConnection.edges.map(({ node }) => [`${node.predictor.name}@${node.predictor.version}`, node.value.toFixed(2),
      `± ${node.sigma.toFixed(2)}; p16–p84 ${node.p16.toFixed(2)} – ${node.p84.toFixed(2)}`, node.inDomain ? "yes" : "no"]), "every predictor (name@version) with its value ± σ, percentiles and domain, in the API's order");
    assert.equal(galaxy.predictionsConnection.edges.length, predictorIds.length);
    await screenshot("galaxy-predictions");
    assert.deepEqual(problems, []);
  });

  it("serves GraphiQL at GET /graphql to a browser and runs a query in it", async () => {
    const { page, problems, screenshot } = await watched();
    // The IDE runs a query only once its schema is loaded (the introspection POST has answered).
    const introspected = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST", { timeout: 30000 });
    await page.goto(`${server.url}/graphql`);
    await page.locator(".graphiql-container").waitFor();
    const introspection = await introspected;
    assert.equal(introspection.status(), 200, await introspection.text());
    // GraphiQL loads CodeMirror lazily: the run button does nothing until the query editor holds the query.
    await page.locator(".graphiql-query-editor .CodeMirror").getByText("coneSearch").first().waitFor({ timeout: 30000 });
    const run = page.locator("button.graphiql-execute-button");
    const answer = page.locator(".result-window").getByText('"totalCount"');
    let shown = false;
    for (let attempt = 0; attempt < 3 && !shown; attempt++) {
      await run.click();
      shown = await answer.waitFor({ timeout: 10000 }).then(() => true, () => false);
    }
    if (!shown) {
      const result = await page.locator(".result-window").innerText().catch(() => "?");
      assert.fail(`no result after three runs; page problems: ${JSON.stringify(problems)}; result: ${result}`);
    }
    const result = await page.locator(".result-window").innerText();
    assert.match(result, /"coneSearch"/);
    await screenshot("graphiql");
    assert.deepEqual(problems, []);
  });

  it("keeps CSRF protection for scripts: a plain GET without a preflight header is refused", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    assert.equal(response.status, 400);
    const html = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json, text/html", "apollo-require-preflight": "1" } });
    assert.equal(html.status, 200);
    assert.deepEqual(await html.json(), { data: { __typename: "Query" } });
  });
});

/**
 * The canvas position of a sky position on the overview's map: Mollweide centred on RA 0, east to the left
 * (Snyder 1987, p. 251), the ellipse filling the 720 × 360 canvas less 4 px (the page's layout).
 */
function mapPixel(raDeg: number, decDeg: number): [number, number] {
  const phi = (decDeg * Math.PI) / 180;
  let theta = phi;
  for (let k = 0; k < 50 && Math.abs(Math.abs(phi) - Math.PI / 2) > 1e-9; k++) {
    theta -= (2 * theta + Math.sin(2 * theta) - Math.PI * Math.sin(phi)) / (2 + 2 * Math.cos(2 * theta));
  }
  const lambda = -((((raDeg + 180) % 360) + 360) % 360 - 180) * (Math.PI / 180);
  const x = lambda / Math.PI * Math.cos(theta); // −1 … 1
  const y = Math.sin(theta); // −1 … 1
  return [360 + x * 356, 180 - y * 176];
}

/** The density map: coloured where the demo galaxies are, grey on empty sky; a cell's click fills the cone form with its centre. */
async function checkDensityMap(page: Page, server: TestServer): Promise<void> {
  const answer = await server.graphql<{ galaxies: { edges: { node: { ra: number; dec: number; healpix: string } }[] }; skyDensity: { total: number; cells: { pixel: number; count: number; ra: number; dec: number }[] } }>(
    "{ galaxies(first: 500) { edges { node { ra dec healpix(order: 5) } } } skyDensity(order: 5) { total cells { pixel count ra dec } } }");
  const galaxies = answer.data!.galaxies.edges.map((e) => e.node);
  const { cells, total } = answer.data!.skyDensity;
  assert.equal(total, galaxies.length);
  const around = (x: number, y: number) => [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => [Math.round(x - 0.5) + dx, Math.round(y - 0.5) + dy]));
  const colours: number[][][] = await page.evaluate((spots) => {
    const canvas = (globalThis as any).document.querySelector("#sky-map");
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    return spots.map((group: number[][]) => group.map(([x, y]) => Array.from(data.slice(4 * (y * canvas.width + x), 4 * (y * canvas.width + x) + 4)) as number[]));
  }, [...galaxies.map((g) => around(...mapPixel(g.ra, g.dec))), [mapPixel(150, -45).map(Math.round)]]);
  const coloured = ([r, g, b, a]: number[]) => a === 255 && Math.max(r, g, b) - Math.min(r, g, b) > 30;
  const blank = galaxies.filter((_, i) => !colours[i].some(coloured));
  assert.deepEqual(blank, [], "every demo galaxy lies on a coloured cell");
  assert.deepEqual(colours[galaxies.length][0], [242, 242, 242, 255], "empty sky (RA 150°, Dec −45°) is the grey of no galaxies");
  assert.match((await page.locator("#sky-map").getAttribute("aria-label"))!, new RegExp(`${total} galaxies in ${cells.length} HEALPix order-5 cells`));
  assert.equal(await page.locator(".sky-map svg").count(), 1, "a colour legend");
  assert.match(await page.locator(".sky-map figcaption a.csv").innerText(), /CSV/);
  // Click the middle of the densest cell: its centre goes into the cone form, its count into the readout.
  const densest = cells.reduce((best, c) => (c.count > best.count ? c : best));
  const box = (await page.locator("#sky-map").boundingBox())!;
  const [x, y] = mapPixel(densest.ra, densest.dec);
  await page.locator("#sky-map").click({ position: { x: (x * box.width) / 720, y: (y * box.height) / 360 } });
  assert.equal(await page.inputValue("#cone-ra"), densest.ra.toFixed(4));
  assert.equal(await page.inputValue("#cone-dec"), densest.dec.toFixed(4));
  assert.match(await page.locator("#sky-map-readout").innerText(), new RegExp(`cell ${densest.pixel} \\(order 5\\): ${densest.count} galaxies`));
  assert.ok(galaxies.filter((g) => Number(g.healpix) === densest.pixel).length === densest.count);
}

// Callbacks of page.evaluate run in the browser; the test compiles without the
// DOM library, so they reach the page's globals as (globalThis as any).

/** Whether a canvas holds more than one colour (a blank or cleared canvas has one). */
async function canvasIsDrawn(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const canvas = (globalThis as any).document.querySelector(sel);
    if (!canvas) return false;
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size > 10;
  }, selector);
}

/** Value and x pixel of each tick label of an axis (Plot draws them as translated <text>). */
async function tickPositions(page: Page, selector: string): Promise<{ value: number; x: number }[]> {
  return page.evaluate((sel) => {
    const ticks: { value: number; x: number }[] = [];
    for (const group of (globalThis as any).document.querySelectorAll(`.spectrum-plot svg ${sel}`)) {
      for (const text of group.querySelectorAll("text")) {
        const match = /translate\(([-\d.]+)/.exec(text.getAttribute("transform") ?? "");
        if (match) ticks.push({ value: Number(text.textContent!.replace(/,/g, "")), x: Number(match[1]) });
      }
    }
    return ticks;
  }, selector);
}

function linearFit(ticks: { value: number; x: number }[]): (value: number) => number {
  assert.ok(ticks.length >= 2, "at least two tick labels");
  const [first, last] = [ticks[0], ticks[ticks.length - 1]];
  const slope = (last.x - first.x) / (last.value - first.value);
  return (value) => first.x + (value - first.value) * slope;
}
