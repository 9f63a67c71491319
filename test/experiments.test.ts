/**
 * Experiments end to end over HTTP, on both databases: bad requests queue
 * nothing; a small grid (decision trees on engineered features, two
 * modalities, plus the two reference cells) completes with one row per
 * cell in the API, the CSV and the Markdown; every cell shares one split;
 * every metric is recomputed from the stored predictions of exactly the
 * held-out test galaxies; the same seed gives identical numbers; cancelling
 * stops the queued and running cells; `skycube experiment` follows one
 * with a progress bar and writes its table.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { openCube } from "../cube/cube-store.js";
import { regressionMetrics } from "../models/evaluation/metrics.js";
import { experimentArgs, ExperimentCliError } from "../cli/experiment.js";
import { planExperiment, queueOrder, type ExperimentRequest } from "../models/training/experiment-plan.js";
import { checkTrainInput, expandGrid } from "../models/training/input.js";
import { learners } from "../models/training/learners.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { runProcess } from "./support/run-async.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TOKEN = "test-token-experiments-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const FIELDS = `id status progress preset seed error split { seed trainCount validationCount testCount sameForEveryCell }
  cells { reference learner modality imageZoom spectrumZoom features studies trainSeconds backend cv { folds r2Mean r2Std }
    metrics { count r2 mae rmse nmad }
    run { id status seed folds predictor { id } split { train validation test } }
    protocol { testEvaluations stepsTouchingTestBefore metricsFromTest sameSplit cvFolds cvR2Std cvRmseStd } }
  protocol { split { disjointIds sharedIds disjointObjects sharedObjects radiusArcsec missingPositions } testTouchedOnce metricsFromTest sameSplitForEveryCell cellsChecked passed problems }`;
const GRID = { learners: ["DECISION_TREE"], modalities: ["SPECTRUM", "EARLY_FUSION"], features: ["ENGINEERED"], folds: 3, seed: 5 };
type Experiment = Record<string, any>;

describe("experiment plans", () => {
  const request = (over: Partial<ExperimentRequest>): ExperimentRequest => ({
    preset: null, learners: null, modalities: null, imageZooms: null, spectrumZooms: null, features: null,
    seed: 0, folds: 5, labelFilter: { flag: 0, minAvg: null, maxAvg: null }, cnnArchitecture: "compact", ...over,
  });

  it("THESIS: the modality, image-quality and spectral-quality studies, RAW and ENGINEERED for the trees, each cell once, plus the references", () => {
    const { problems, cells } = planExperiment(request({ preset: "THESIS", cnnArchitecture: "thesis_vgg" }), 64);
    assert.deepEqual(problems, []);
    assert.equal(cells.length, 52);
    const keys = cells.map(({ cell: c }) => [c.learner, c.modality, c.features, c.imageZoom, c.spectrumZoom].join(" "));
    assert.equal(new Set(keys).size, 52);
    const of = (study: string) => cells.filter((c) => c.cell.studies.includes(study));
    assert.equal(of("modality").length, 3 * 4 + 2 * 4);
    assert.equal(of("image quality").length, 3 * 4 + 2 * 4);
    assert.equal(of("spectral quality").length, 3 * 4 + 2 * 4);
    assert.deepEqual(of("reference").map((c) => [c.cell.learner, c.cell.reference]), [["CONSTANT", "BASELINE"], ["LINEAR", "LINEAR"]]);
    for (const { cell, train } of cells) {
      assert.ok(!(cell.learner === "CNN" && cell.features === "ENGINEERED"));
      // One galaxy set, one seed, one protocol for every cell.
      assert.deepEqual([train.dataModality, train.seed, train.folds], ["EARLY_FUSION", 0, 5]);
      assert.deepEqual(train.grid, cell.learner === "CNN" ? { architecture: ["thesis_vgg"] } : {});
    }
    // Every cell is a request trainPredictor accepts (the data checks are the same for all: one galaxy set).
    for (const { cell, train } of cells) {
      const problems = [...checkTrainInput(train, 1), ...expandGrid(train.kind, train.grid).flatMap((p) => learners[train.kind].check(p))];
      assert.deepEqual(problems, [], JSON.stringify(cell));
    }
    const imageZooms = of("image quality").filter((c) => c.cell.learner === "GBDT" && c.cell.features === "RAW").map((c) => c.cell.imageZoom).sort();
    assert.deepEqual(imageZooms, [0, 1, 2, 3]);
  });

  it("the experiment command line: lists, zooms, --exclude-blended, and refused values", () => {
    const { input, out, wait } = experimentArgs(["--learners", "GBDT,CNN", "--modalities", "IMAGE", "--image-zooms", "0,3", "--exclude-blended", "--out", "t.csv", "--no-wait"]);
    assert.deepEqual(input, { learners: ["GBDT", "CNN"], modalities: ["IMAGE"], imageZooms: [0, 3], seed: 0, folds: 5, cnnArchitecture: "COMPACT", excludeBlended: true });
    assert.equal(out, "t.csv");
    assert.equal(wait, false);
    assert.equal(experimentArgs(["--preset", "THESIS"]).input.excludeBlended, undefined);
    assert.throws(() => experimentArgs(["--preset", "THESIS", "--out", "t.txt"]), ExperimentCliError);
    assert.throws(() => experimentArgs(["--learners", "GBDT", "--image-zooms", "x"]), /--image-zooms: "x" is not a zoom level/);
  });

  it("THESIS is queued references first, then cheapest first: RAW zoom-0 GBDT and CNN last, every cell once", () => {
    const { cells } = planExperiment(request({ preset: "THESIS" }), 64);
    const order = queueOrder(cells.map((c) => c.cell));
    assert.deepEqual([...order].sort((a, b) => a - b), cells.map((_, i) => i));
    const queued = order.map((i) => cells[i].cell);
    assert.deepEqual(queued.slice(0, 2).map((c) => c.reference), ["BASELINE", "LINEAR"]);
    const at = (pred: (c: (typeof queued)[number]) => boolean) => queued.findIndex(pred);
    const rawImage = (learner: string, zoom: number) => at((c) => c.learner === learner && c.modality === "IMAGE" && c.features === "RAW" && c.imageZoom === zoom);
    for (const learner of ["DECISION_TREE", "GBDT", "CNN"]) {
      for (const z of [1, 2, 3]) assert.ok(rawImage(learner, z) < rawImage(learner, z - 1), `${learner} zoom ${z} before zoom ${z - 1}`);
    }
    assert.ok(rawImage("DECISION_TREE", 0) < rawImage("GBDT", 0) && rawImage("GBDT", 0) < rawImage("CNN", 0));
    assert.equal(queued.at(-1)!.learner, "CNN");
    // ENGINEERED trees (a few hundred columns) before the wide RAW GBDT cells (5,120 pixels and up).
    const lastEngineered = Math.max(...queued.map((c, i) => (c.features === "ENGINEERED" && c.reference === null ? i : -1)));
    assert.ok(lastEngineered < rawImage("GBDT", 1));
  });
});

for (const backend of backends) {
  describe(`experiments on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-experiments-"));

    const run = (input: Record<string, unknown>, headers: Record<string, string> = AUTH) =>
      server.graphql(`mutation($input: ExperimentInput!) { runExperiment(input: $input) { ${FIELDS} } }`, { input }, headers);

    const waitFor = async (id: string): Promise<Experiment> => {
      for (let i = 0; i < 2400; i++) {
        const response = await server.graphql(`query($id: ID!) { experiment(id: $id) { ${FIELDS} } }`, { id });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const e = response.data!.experiment;
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(e.status)) return e;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`experiment ${id} did not finish`);
    };

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 200, cube: await openCube(dataDir) });
      server = await startTestServer(db, { dataDir, apiToken: TOKEN, maxExperimentCells: 8 });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("needs the token, and refuses bad requests with problems, queueing nothing", async () => {
      assert.equal((await run(GRID, {})).errors?.[0].extensions.code, "UNAUTHENTICATED");
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ preset: "THESES" }, "input.preset", /unknown preset "THESES"; known presets: THESIS/],
        [{ learners: [], modalities: ["IMAGE"] }, "input.learners", /at least one learner/],
        [{ learners: ["GBDT"], modalities: [] }, "input.modalities", /at least one modality/],
        [{ learners: ["CNN"], modalities: ["IMAGE"], features: ["ENGINEERED"] }, "input.features", /the grid is empty/],
        [{ preset: "THESIS", learners: ["GBDT"] }, "input", /either a preset or a grid/],
        // 2 learners × (IMAGE at 3 zooms + SPECTRUM, which reads no image) + 2 references = 10.
        [{ learners: ["GBDT", "DECISION_TREE"], modalities: ["IMAGE", "SPECTRUM"], imageZooms: [1, 2, 3] }, "input", /has 10 cells \(8 \+ 2 references\), more than the cap of 8 \(MAX_EXPERIMENT_CELLS\)/],
        [{ preset: "THESIS" }, "input.preset", /has 52 cells \(50 \+ 2 references\), more than the cap of 8/],
        [{ learners: ["GBDT"], modalities: ["IMAGE"], imageZooms: [9] }, "input.imageZooms", /not a precomputed zoom/],
        [{ learners: ["LINEAR"], modalities: ["IMAGE"] }, "input.learners", /reference learner/],
        [{ ...GRID, folds: 40 }, "input.folds", /^must be an integer in \[2, 20\]$/],
        [{ ...GRID, labelFilter: { minAvg: 50 } }, "input", /^cell DECISION_TREE SPECTRUM ENGINEERED s3: only 0 galaxies .* at least 30 are required/],
        [{ ...GRID, labelFilter: { minAvg: 1, maxAvg: 0 } }, "input.labelFilter", /minAvg must be below maxAvg/],
      ];
      for (const [input, argument, message] of cases) {
        const response = await run(input);
        const error = response.errors?.[0];
        assert.equal(error?.extensions.code, "BAD_USER_INPUT", JSON.stringify(input));
        const problems = error!.extensions.problems as { argument: string; message: string }[];
        assert.ok(problems.some((p) => p.argument === argument && message.test(p.message)), `${JSON.stringify(input)} → ${JSON.stringify(problems)}`);
      }
      // The LINEAR reference learner solves a p × p system: RAW pixels at zoom 0 are refused before anything is queued.
      const wide = await server.graphql(`mutation { trainPredictor(input: { kind: LINEAR, modality: IMAGE, features: RAW, imageZoom: 0 }) { id } }`, {}, AUTH);
      assert.equal(wide.errors?.[0].extensions.code, "BAD_USER_INPUT");
      assert.match(wide.errors![0].message, /input.features: LINEAR solves a p × p system; RAW features at these zooms have 20480 columns/);
      const [{ experiments }] = await db.sql`SELECT count(*)::int AS experiments FROM experiments`;
      const [{ runs }] = await db.sql`SELECT count(*)::int AS runs FROM training_runs`;
      assert.deepEqual([experiments, runs], [0, 0]);
      const list = await server.graphql("{ experiments { id } }");
      assert.deepEqual(list.data!.experiments, []);
    });

    let first: Experiment;

    it("runs a grid plus the two reference cells, all on one split, with metrics from the held-out test galaxies", async () => {
      const response = await run(GRID);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const queued = response.data!.runExperiment;
      assert.equal(queued.cells.length, 4);
      assert.ok(["QUEUED", "RUNNING"].includes(queued.status));
      const e = await waitFor(queued.id);
      first = e;
      assert.equal(e.status, "SUCCEEDED", e.error);
      assert.equal(e.progress, 1);
      const described = e.cells.map((c: any) => [c.learner, c.modality, c.features, c.imageZoom, c.spectrumZoom, c.reference]);
      assert.deepEqual(described, [
        ["DECISION_TREE", "SPECTRUM", "ENGINEERED", null, 3, null],
        ["DECISION_TREE", "EARLY_FUSION", "ENGINEERED", 3, 3, null],
        ["CONSTANT", "EARLY_FUSION", "ENGINEERED", 3, 3, "BASELINE"],
        ["LINEAR", "EARLY_FUSION", "ENGINEERED", 3, 3, "LINEAR"],
      ]);
      // One split: identical galaxy ids in every cell, disjoint parts.
      const split = e.cells[0].run.split;
      for (const cell of e.cells) {
        assert.equal(cell.run.status, "SUCCEEDED");
        assert.equal(cell.run.seed, 5);
        assert.deepEqual(cell.run.split, split);
      }
      assert.deepEqual([e.split.trainCount, e.split.validationCount, e.split.testCount, e.split.sameForEveryCell], [split.train.length, split.validation.length, split.test.length, true]);
      const train = new Set([...split.train, ...split.validation]);
      assert.ok(split.test.every((id: string) => !train.has(id)));
      // Every metric from the test galaxies: recomputed from the stored predictions and labels of exactly those.
      for (const cell of e.cells) {
        const rows = await db.sql`SELECT g.sfr_avg, p.value FROM predictions p JOIN galaxies g ON g.id = p.galaxy_id
          WHERE p.predictor_id = ${cell.run.predictor.id} AND p.galaxy_id = ANY(${split.test}::int8[]) ORDER BY g.id`;
        assert.equal(rows.length, split.test.length);
        const m = regressionMetrics(rows.map((r) => Math.fround(Number(r.sfr_avg))), rows.map((r) => Number(r.value)));
        assert.equal(cell.metrics.count, split.test.length);
        for (const k of ["r2", "mae", "rmse", "nmad"] as const) assert.ok(Math.abs(m[k]! - cell.metrics[k]) < 1e-9, `${cell.learner} ${cell.modality} ${k}: ${m[k]} vs ${cell.metrics[k]}`);
        assert.ok(cell.trainSeconds >= 0);
        assert.equal(cell.cv.folds, 3);
        assert.ok(Number.isFinite(cell.cv.r2Mean) && cell.cv.r2Std >= 0);
        assert.ok(cell.backend.length > 0);
      }
      // The protocol checks the experiment reports: all pass, for every cell.
      assert.deepEqual(e.protocol, {
        split: { disjointIds: true, sharedIds: [], disjointObjects: true, sharedObjects: [], radiusArcsec: 1, missingPositions: 0 },
        testTouchedOnce: true, metricsFromTest: true, sameSplitForEveryCell: true, cellsChecked: 4, passed: true, problems: [],
      });
      for (const cell of e.cells) {
        assert.deepEqual([cell.protocol.testEvaluations, cell.protocol.stepsTouchingTestBefore, cell.protocol.metricsFromTest, cell.protocol.sameSplit], [1, [], true, true]);
        assert.deepEqual([cell.protocol.cvFolds, cell.protocol.cvR2Std], [3, cell.cv.r2Std]);
        assert.ok(cell.protocol.cvRmseStd >= 0);
      }
      const [baseline, linear] = e.cells.slice(2);
      // The median knows nothing: R² ≤ 0 up to the median/mean gap; the demo's SFR is in its colours and lines.
      assert.ok(baseline.metrics.r2 < 0.05, `baseline R² ${baseline.metrics.r2}`);
      assert.ok(linear.metrics.r2 > baseline.metrics.r2 + 0.2, `linear R² ${linear.metrics.r2} vs baseline ${baseline.metrics.r2}`);
    });

    it("serves the table as CSV and Markdown, one row per cell", async () => {
      const csv = await fetch(`${server.url}/experiments/${first.id}.csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get("content-type") ?? "", /text\/csv/);
      const lines = (await csv.text()).trimEnd().split("\r\n");
      assert.equal(lines.length, 1 + first.cells.length);
      const header = lines[0].split(",");
      for (const column of ["learner", "modality", "imageZoom", "spectrumZoom", "features", "r2", "mae", "rmse", "nmad", "trainSeconds"]) assert.ok(header.includes(column), column);
      for (const column of ["accuracy", "balancedAccuracy", "macroF1", "confusion"]) assert.ok(!header.includes(column), `a regression table has no ${column}`);
      lines.slice(1).forEach((line, i) => {
        const row = Object.fromEntries(line.split(",").map((v, k) => [header[k], v]));
        const cell = first.cells[i];
        assert.deepEqual([row.run, row.learner, row.modality, Number(row.r2), Number(row.rmse)], [cell.run.id, cell.learner, cell.modality, cell.metrics.r2, cell.metrics.rmse]);
      });
      const md = await fetch(`${server.url}/experiments/${first.id}.md`);
      assert.equal(md.status, 200);
      const text = await md.text();
      assert.equal(text.split("\n").filter((l) => l.startsWith("| ")).length, 2 + first.cells.length);
      assert.match(text, /one split for every cell/);
      assert.match(text, /Metrics are on the held-out test part \(log10 SFR, dex\)/);
      assert.match(text, /no galaxy in two of train\/validation\/test: yes/);
      assert.match(text, /no object \(repeats within 1″\) in two of them: yes/);
      assert.match(text, /the test part touched once .*: yes/);
      assert.match(text, /recomputed from the stored predictions of exactly the test galaxies: yes/);
      for (const column of ["cvR2Std", "cvRmseStd", "testEvaluations", "metricsFromTest", "sameSplit"]) assert.ok(header.includes(column), column);
      lines.slice(1).forEach((line) => {
        const row = Object.fromEntries(line.split(",").map((v, k) => [header[k], v]));
        assert.deepEqual([row.testEvaluations, row.metricsFromTest, row.sameSplit], ["1", "true", "true"]);
      });
      assert.equal((await fetch(`${server.url}/experiments/999999.csv`)).status, 404);
    });

    it("gives identical numbers for the same seed", async () => {
      const response = await run(GRID);
      const second = await waitFor(response.data!.runExperiment.id);
      assert.equal(second.status, "SUCCEEDED", second.error);
      assert.notEqual(second.id, first.id);
      assert.deepEqual(second.cells.map((c: any) => c.metrics), first.cells.map((c: any) => c.metrics));
      assert.deepEqual(second.cells.map((c: any) => c.run.split), first.cells.map((c: any) => c.run.split));
      const list = await server.graphql("{ experiments(first: 5) { id status } }");
      assert.deepEqual(list.data!.experiments.map((x: any) => x.id), [second.id, first.id]);
      assert.deepEqual(list.data!.experiments.map((x: any) => x.status), ["SUCCEEDED", "SUCCEEDED"]);

      // The same list as a Relay connection, a page of one at a time, newest first.
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const r: any = await server.graphql("query($a: String) { experimentsConnection(first: 1, after: $a) { edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }", { a: after });
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        const c = r.data.experimentsConnection;
        assert.equal(c.totalCount, 2);
        assert.equal(c.pageInfo.hasPreviousPage, after !== null);
        paged.push(...c.edges.map((e: any) => e.node.id));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      assert.deepEqual(paged, [second.id, first.id]);
      const bad = await server.graphql('{ experimentsConnection(after: "not-a-cursor") { totalCount } }');
      assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    });

    it("runs from the command line with a progress bar and writes the table; the same seed gives the same numbers there too", async () => {
      const out = join(dataDir, "table.csv");
      const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
      const args = [cli, "experiment", "--url", server.url, "--token", TOKEN, "--learners", "DECISION_TREE", "--modalities", "SPECTRUM", "--features", "ENGINEERED", "--folds", "3", "--seed", "5"];
      const result = await runProcess(process.execPath, [...args, "--out", out]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /experiment \d+: 3 cells queued/);
      assert.match(result.stderr, /SUCCEEDED in \d+ s/);
      const lines = readFileSync(out, "utf8").trimEnd().split("\r\n");
      const header = lines[0].split(",");
      const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(",").map((v, k) => [header[k], v])));
      assert.deepEqual(rows.map((r) => r.learner), ["DECISION_TREE", "CONSTANT", "LINEAR"]);
      const spectrum = first.cells.find((c: any) => c.learner === "DECISION_TREE" && c.modality === "SPECTRUM");
      assert.deepEqual([Number(rows[0].r2), Number(rows[0].rmse), Number(rows[0].nmad)], [spectrum.metrics.r2, spectrum.metrics.rmse, spectrum.metrics.nmad]);
      const bad = await runProcess(process.execPath, [cli, "experiment", "--url", server.url, "--token", TOKEN, "--preset", "NOPE"]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /BAD_USER_INPUT: input.preset: unknown preset "NOPE"/);
    });

    it("cancels the queued and running cells, and refuses to cancel a finished experiment", async () => {
      const response = await run({ learners: ["GBDT"], modalities: ["IMAGE", "EARLY_FUSION"], features: ["RAW"], imageZooms: [1], folds: 5, seed: 1 });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const id = response.data!.runExperiment.id;
      const cancelled = await server.graphql(`mutation($id: ID!) { cancelExperiment(id: $id) { status cells { run { id status } } } }`, { id }, AUTH);
      assert.equal(cancelled.errors, undefined, JSON.stringify(cancelled.errors));
      assert.equal(cancelled.data!.cancelExperiment.status, "CANCELLED");
      for (const cell of cancelled.data!.cancelExperiment.cells) assert.ok(["CANCELLED", "SUCCEEDED"].includes(cell.run.status), cell.run.status);
      assert.ok(cancelled.data!.cancelExperiment.cells.filter((c: any) => c.run.status === "CANCELLED").length >= 3);
      // Give the queue time to reach the cancelled cells: none may train.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const e = await waitFor(id);
      assert.equal(e.status, "CANCELLED");
      for (const cell of e.cells) if (cell.run.status !== "SUCCEEDED") assert.deepEqual([cell.run.status, cell.run.predictor], ["CANCELLED", null]);
      const again = await server.graphql(`mutation($id: ID!) { cancelExperiment(id: $id) { status } }`, { id: first.id }, AUTH);
      assert.equal(again.errors?.[0].extensions.code, "BAD_USER_INPUT");
      assert.match(again.errors![0].message, /already finished \(SUCCEEDED\)/);
      const missing = await server.graphql(`{ experiment(id: "424242") { id } }`);
      assert.equal(missing.errors?.[0].extensions.code, "NOT_FOUND");
    });

    it("reports a protocol breach: a galaxy in two parts, a repeat of a test galaxy in training, a metric not from the test predictions", async () => {
      // Last in this file: it changes stored rows of the first experiment.
      const split = first.cells[0].run.split;
      const [testId, otherTrainId] = [split.test[0], split.train[1]];
      await db.sql`UPDATE experiments SET split = jsonb_set(split, '{train}', split->'train' || ${db.sql.json([testId])}) WHERE id = ${first.id}`;
      const [{ ra, dec }] = await db.sql`SELECT ra, dec FROM galaxies WHERE id = ${split.test[1]}`;
      await db.sql`UPDATE galaxies SET ra = ${Number(ra)}, dec = ${Number(dec) + 0.5 / 3600} WHERE id = ${otherTrainId}`;
      const tree = first.cells[0];
      await db.sql`UPDATE predictions SET value = value + 1 WHERE predictor_id = ${tree.run.predictor.id} AND galaxy_id = ${testId}`;
      const response = await server.graphql(`query($id: ID!) { experiment(id: $id) { ${FIELDS} } }`, { id: first.id });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const p = response.data!.experiment.protocol;
      assert.equal(p.passed, false);
      assert.deepEqual([p.split.disjointIds, p.split.sharedIds], [false, [testId]]);
      assert.equal(p.split.disjointObjects, false);
      assert.ok(p.split.sharedObjects.some((pair: string[]) => pair.includes(`${otherTrainId} (train)`) && pair.includes(`${split.test[1]} (test)`)), JSON.stringify(p.split.sharedObjects));
      assert.equal(p.metricsFromTest, false);
      assert.equal(response.data!.experiment.cells[0].protocol.metricsFromTest, false);
      assert.equal(response.data!.experiment.cells[1].protocol.metricsFromTest, true);
      // Every cell's own split now differs from the experiment's (tampered) one.
      assert.equal(p.sameSplitForEveryCell, false);
      assert.ok(p.problems.some((line: string) => /galaxies in two parts of the split/.test(line)));
      assert.ok(p.problems.some((line: string) => new RegExp(`run ${tree.run.id}: its test metrics are not those of its stored predictions`).test(line)));
    });
  });
}
