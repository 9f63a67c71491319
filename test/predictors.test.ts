/**
 * SFR predictors end to end, over HTTP against a real server on both
 * databases (local queue on PGlite, pg-boss on PostgreSQL): authentication,
 * every bad request, training off the request path with progress, an honest
 * report (split, CV, test metrics, calibration), reproducibility, batched
 * predictions in a cone search, on-demand predictions for galaxies ingested
 * later, cancellation, deletion, failed runs, and restart recovery.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

const TOKEN = "test-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const RUN_FIELDS = `id status progress stage backend kind modality features seed folds codeVersion error
  hyperparameters grid { member hyperparameters cv { r2Mean r2Std } }
  curves { member fold iteration train validation }
  metrics { count r2 mae rmse nmad coverage1Sigma } cv { folds r2Mean r2Std rmseMean }
  members { member weight validation { rmse } } noiseVariance
  split { seed trainCount validationCount testCount train validation test }
  timings { trainSeconds queuedAt startedAt finishedAt } predictor { id name }`;

for (const backend of backends) {
  describe(`SFR predictors on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const queries: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-predictors-"));
    const settings = { dataDir, apiToken: TOKEN, maxGridPoints: 8 };

    const train = async (input: Record<string, unknown>, headers: Record<string, string> = AUTH) =>
      server.graphql(`mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { ${RUN_FIELDS} } }`, { input }, headers);

    const waitForRun = async (id: string, until = ["SUCCEEDED", "FAILED", "CANCELLED"]) => {
      const seen = new Set<string>();
      for (let i = 0; i < 1200; i++) {
        const response = await server.graphql(`query($id: ID!) { trainingRun(id: $id) { ${RUN_FIELDS} } }`, { id });
        const run = response.data!.trainingRun;
        seen.add(run.status);
        if (until.includes(run.status)) return { run, seen };
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`run ${id} did not finish`);
    };

    before(async () => {
      db = await backend.open({ onQuery: (query) => queries.push(query) });
      await loadDemo(db.sql, { count: 260, cube: await openCube(dataDir) });
      server = await startTestServer(db, settings);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("requires the bearer token for mutations, not for queries", async () => {
      const input = { kind: "GBDT", modality: "IMAGE" };
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-0123456789abc" }, { authorization: TOKEN }];
      for (const headers of attempts) {
        const response = await train(input, headers);
        assert.equal(response.errors?.[0].extensions.code, "UNAUTHENTICATED");
      }
      const open = await server.graphql("{ predictorsConnection { totalCount } trainingRunsConnection { edges { node { id } } totalCount } }");
      assert.equal(open.errors, undefined);
      assert.deepEqual(open.data!.trainingRunsConnection, { edges: [], totalCount: 0 });
    });

    it("rejects bad requests with what to change, and writes nothing", async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ kind: "CNN", modality: "IMAGE", features: "ENGINEERED" }, "input.features"],
        [{ kind: "GBDT", modality: "IMAGE", imageZoom: 7 }, "input.imageZoom"],
        [{ kind: "GBDT", modality: "SPECTRUM", hyperparameters: { numLeaves: [7, 15, 31], learningRate: [0.05, 0.1, 0.2] } }, "input.hyperparameters"],
        [{ kind: "DECISION_TREE", modality: "IMAGE", hyperparameters: { maxDepth: [9] } }, "input.hyperparameters.maxDepth"],
        [{ kind: "GBDT", modality: "IMAGE", hyperparameters: { architecture: ["compact"] } }, "input.hyperparameters.architecture"],
        [{ kind: "GBDT", modality: "IMAGE", hyperparameters: { learningRate: [-1] } }, "input.hyperparameters.learningRate"],
        [{ kind: "GBDT", modality: "IMAGE", labelFilter: { minAvg: 50 } }, "input"],
        [{ kind: "GBDT", modality: "IMAGE", folds: 1 }, "input.folds"],
      ];
      for (const [input, argument] of cases) {
        const response = await train(input);
        const error = response.errors?.[0];
        assert.equal(error?.extensions.code, "BAD_USER_INPUT", JSON.stringify(input));
        const problems = error!.extensions.problems as { argument: string; message: string }[];
        assert.ok(problems.some((p) => p.argument === argument), `${JSON.stringify(input)} → ${JSON.stringify(problems)}`);
      }
      const unknownKind = await train({ kind: "SVM", modality: "IMAGE" });
      assert.equal(unknownKind.errors?.[0].extensions.code, "BAD_USER_INPUT");
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM training_runs`;
      assert.equal(count, 0);
    });

    let predictorId = "";
    let firstRun: Record<string, any>;

    it("trains a GBDT on engineered early-fusion features off the request path and reports honestly", async () => {
      const response = await train({
        name: "gbdt fusion",
        kind: "GBDT",
        modality: "EARLY_FUSION",
        features: "ENGINEERED",
        hyperparameters: { numLeaves: [7, 15], numIterations: [200], earlyStoppingRounds: [20], minDataInLeaf: [5] },
        folds: 3,
        seed: 4,
      });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      assert.equal(response.data!.trainPredictor.status, "QUEUED");
      const { run } = await waitForRun(response.data!.trainPredictor.id);
      assert.equal(run.status, "SUCCEEDED", run.error);
      firstRun = run;
      const [{ labelled }] = await db.sql`SELECT count(*)::int AS labelled FROM galaxies WHERE sfr_flag = 0 AND sfr_avg IS NOT NULL AND sfr_avg <> -99`;
      const { split } = run;
      assert.equal(split.trainCount + split.validationCount + split.testCount, labelled);
      assert.ok(Math.abs(split.testCount / labelled - 0.2) < 0.03);
      const sides = [split.train, split.validation, split.test].map((ids: string[]) => new Set(ids));
      for (const id of split.test) assert.ok(!sides[0].has(id) && !sides[1].has(id));
      assert.equal(run.grid.length, 2);
      assert.equal(run.curves.length, 3);
      assert.ok(run.curves[0].iteration.length > 0 && run.curves[0].validation.every((v: number | null) => v !== null));
      assert.equal(run.cv.folds, 3);
      assert.ok(Number.isFinite(run.cv.r2Mean) && run.cv.r2Std >= 0);
      // The demo's SFR is written into its colours and emission lines: trees find it.
      assert.ok(run.metrics.r2 > 0.5, `test R² ${run.metrics.r2}`);
      assert.equal(run.metrics.count, split.testCount);
      // ~50 validation and ~50 test galaxies: coverage scatters by ±0.1 around 0.68 here
      // (test/ensemble.test.ts checks the calibration itself on large samples).
      assert.ok(run.metrics.coverage1Sigma > 0.4 && run.metrics.coverage1Sigma < 0.9, `coverage ${run.metrics.coverage1Sigma}`);
      assert.ok(run.backend.length > 0 && run.codeVersion.length > 0);
      assert.equal(run.progress, 1);
      predictorId = run.predictor.id;
      assert.equal(run.predictor.name, "gbdt fusion");
      const list = await server.graphql("{ predictorsConnection { edges { node { id name kind modality features predictionCount metrics { r2 } run { id } } } } }");
      const predictor = list.data!.predictorsConnection.edges.map((e: { node: unknown }) => e.node).find((p: { id: string }) => p.id === predictorId);
      assert.equal(predictor.predictionCount, 260);
      assert.equal(predictor.metrics.r2, run.metrics.r2);
    });

    it("serves predictions with uncertainty in a cone search with one SQL query for the page", async () => {
      const [{ ra, dec }] = await db.sql`SELECT ra, dec FROM galaxies ORDER BY id LIMIT 1`;
      queries.length = 0;
      const response = await server.graphql(
        `query($p: ID!, $ra: Float!, $dec: Float!) { coneSearch(ra: $ra, dec: $dec, radius: 10, first: 100) {
          edges { node { id sfr { avg } prediction(predictor: $p) { value sigma predictorId predictor { name } } predictions { predictorId value } } } } }`,
        { p: predictorId, ra, dec },
      );
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const nodes = response.data!.coneSearch.edges.map((e: { node: any }) => e.node);
      assert.ok(nodes.length > 10);
      for (const node of nodes) {
        assert.ok(Number.isFinite(node.prediction.value) && node.prediction.sigma > 0);
        assert.equal(node.prediction.predictor.name, "gbdt fusion");
        assert.deepEqual(node.predictions, [{ predictorId, value: node.prediction.value }]);
      }
      const onPredictions = queries.filter((q) => /FROM\s+unnest[\s\S]*JOIN predictions/i.test(q));
      assert.equal(onPredictions.length, 1, onPredictions.join("\n---\n"));
    });

    it("links each galaxy to its predictions through VO DataLink #derivation", async () => {
      const [{ id }] = await db.sql`SELECT id FROM galaxies ORDER BY id LIMIT 1`;
      const graphql = await server.graphql(`query($id: ID!, $p: ID!) { galaxy(id: $id) { prediction(predictor: $p) { value sigma } } }`, { id: String(id), p: predictorId });
      const expected = graphql.data!.galaxy.prediction;
      const links = await (await fetch(`${server.url}/vo/links?ID=${id}`)).text();
      const rows = [...links.matchAll(/<TR>(.*?)<\/TR>/g)].map((m) => [...m[1].matchAll(/<TD>(.*?)<\/TD>/g)].map((c) => c[1]));
      const derived = rows.filter((r) => r.includes("#derivation") && r.includes("sfr-prediction"));
      assert.equal(derived.length, 1, links);
      const url = derived[0].find((cell) => cell.includes("/vo/predictions/"))!.replace(/&amp;/g, "&");
      const table = await fetch(url);
      assert.equal(table.status, 200);
      const [row] = [...(await table.text()).matchAll(/<TR>(.*?)<\/TR>/g)].map((m) => [...m[1].matchAll(/<TD>(.*?)<\/TD>/g)].map((c) => c[1]));
      assert.equal(row[1], predictorId);
      assert.equal(row[2], "gbdt fusion");
      assert.ok(Math.abs(Number(row[5]) - expected.value) < 1e-9 && Math.abs(Number(row[6]) - expected.sigma) < 1e-9, `${row} vs ${JSON.stringify(expected)}`);
      const missing = await fetch(`${server.url}/vo/predictions/${id}.xml?predictor=999999`);
      assert.equal(missing.status, 404);
    });

    it("gives the same split and metrics for the same seed and data", async () => {
      const input = { kind: "DECISION_TREE", modality: "IMAGE", features: "ENGINEERED", hyperparameters: { maxDepth: [2, 4] }, folds: 3, seed: 9 };
      const a = (await waitForRun((await train(input)).data!.trainPredictor.id)).run;
      const b = (await waitForRun((await train(input)).data!.trainPredictor.id)).run;
      assert.equal(a.status, "SUCCEEDED", a.error);
      assert.deepEqual(b.metrics, a.metrics);
      assert.deepEqual(b.split, a.split);
      assert.deepEqual(b.hyperparameters, a.hyperparameters);
      const c = (await waitForRun((await train({ ...input, seed: 10 })).data!.trainPredictor.id)).run;
      assert.notDeepEqual(c.split.test, a.split.test);
    });

    it("late-fuses an image and a spectrum GBDT with validation weights", async () => {
      const response = await train({
        kind: "GBDT",
        modality: "LATE_FUSION",
        features: "ENGINEERED",
        fusionWeighting: "VALIDATION",
        hyperparameters: { numLeaves: [7], minDataInLeaf: [5], numIterations: [150] },
        folds: 2,
        seed: 3,
      });
      const { run } = await waitForRun(response.data!.trainPredictor.id);
      assert.equal(run.status, "SUCCEEDED", run.error);
      assert.deepEqual(run.members.map((m: { member: string }) => m.member), ["image", "spectrum"]);
      const [image, spectrum] = run.members;
      assert.ok(Math.abs(image.weight + spectrum.weight - 1) < 1e-12);
      // Weights ∝ 1 / validation MSE.
      assert.ok(Math.abs(image.weight / spectrum.weight - spectrum.validation.rmse ** 2 / image.validation.rmse ** 2) < 1e-9);
      assert.deepEqual(Object.keys(run.hyperparameters).sort(), ["image", "spectrum"]);
      assert.equal(run.curves.length, 4);
      assert.ok(run.metrics.r2 > 0.3, `late fusion test R² ${run.metrics.r2}`);
    });

    it("trains an early-fusion CNN on raw cutouts and spectra in a worker thread", { skip: backend.name === "postgres" ? "the CNN path is the same on both databases; run once" : false }, async () => {
      const response = await train({
        kind: "CNN",
        modality: "EARLY_FUSION",
        features: "RAW",
        imageZoom: 3,
        spectrumZoom: 4,
        hyperparameters: { epochs: [4], batchSize: [32], filters: [4] },
        folds: 2,
        seed: 1,
      });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const { run } = await waitForRun(response.data!.trainPredictor.id);
      assert.equal(run.status, "SUCCEEDED", run.error);
      assert.match(run.backend, /wasm|tensorflow|cpu/);
      assert.equal(run.curves.length, 2);
      assert.ok(run.curves[0].iteration.length >= 1 && run.curves[0].iteration.length <= 4);
      assert.ok(Number.isFinite(run.metrics.rmse) && Number.isFinite(run.noiseVariance));
      const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM predictions WHERE predictor_id = ${run.predictor.id}`;
      assert.equal(n, 260);
    });

    it("predicts galaxies ingested after training, on read and through `predict`", async () => {
      await loadDemo(db.sql, { count: 5, seed: 77, cube: await openCube(dataDir) });
      const fresh = (await db.sql`SELECT id FROM galaxies ORDER BY id DESC LIMIT 5`).map((r) => String(r.id));
      const before = await db.sql`SELECT count(*)::int AS n FROM predictions WHERE galaxy_id = ANY(${fresh}::int8[])`;
      assert.equal(before[0].n, 0);
      const read = await server.graphql(`query($id: ID!, $p: ID!) { galaxy(id: $id) { prediction(predictor: $p) { value sigma } } }`, { id: fresh[0], p: predictorId });
      assert.ok(Number.isFinite(read.data!.galaxy.prediction.value), JSON.stringify(read));
      const unauthenticated = await server.graphql(`mutation($p: ID!, $g: [ID!]!) { predict(predictor: $p, galaxies: $g) { value } }`, { p: predictorId, g: fresh });
      assert.equal(unauthenticated.errors?.[0].extensions.code, "UNAUTHENTICATED");
      const predicted = await server.graphql(`mutation($p: ID!, $g: [ID!]!) { predict(predictor: $p, galaxies: $g) { value sigma } }`, { p: predictorId, g: fresh }, AUTH);
      assert.equal(predicted.errors, undefined, JSON.stringify(predicted.errors));
      assert.equal(predicted.data!.predict.length, 5);
      assert.equal(predicted.data!.predict[0].value, read.data!.galaxy.prediction.value);
      const stored = await db.sql`SELECT count(*)::int AS n FROM predictions WHERE galaxy_id = ANY(${fresh}::int8[])`;
      assert.equal(stored[0].n, 5);
      const bad = await server.graphql(`mutation { predict(predictor: "999999", galaxies: ["1"]) { value } }`, {}, AUTH);
      assert.equal(bad.errors?.[0].extensions.code, "NOT_FOUND");
    });

    it("cancels a run, and refuses to cancel a finished one", async () => {
      const response = await train({ kind: "GBDT", modality: "IMAGE", features: "RAW", imageZoom: 1, hyperparameters: { numIterations: [5000], earlyStoppingRounds: [0], learningRate: [0.001] }, folds: 5 });
      const id = response.data!.trainPredictor.id;
      const cancelled = await server.graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id }, AUTH);
      assert.equal(cancelled.data?.cancelTrainingRun.status, "CANCELLED", JSON.stringify(cancelled));
      const again = await server.graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id }, AUTH);
      assert.equal(again.errors?.[0].extensions.code, "BAD_USER_INPUT", JSON.stringify(again));
      // Give a worker time to pick it up: it must not train or save anything.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const { run } = await waitForRun(id);
      assert.equal(run.status, "CANCELLED", JSON.stringify(run));
      assert.equal(run.predictor, null);
      const finished = await server.graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id: firstRun.id }, AUTH);
      assert.match(finished.errors?.[0].message ?? "", /already finished \(SUCCEEDED\)/, JSON.stringify(finished));
    });

    it("ends a failing run FAILED with the reason and keeps serving", async () => {
      const cube = join(dataDir, "cube");
      renameSync(cube, `${cube}.away`);
      try {
        const response = await train({ kind: "GBDT", modality: "SPECTRUM", features: "RAW", spectrumZoom: 4, folds: 2 });
        const { run } = await waitForRun(response.data!.trainPredictor.id);
        assert.equal(run.status, "FAILED");
        assert.match(run.error, /cube shard .* is missing/);
        assert.equal(run.predictor, null);
      } finally {
        renameSync(`${cube}.away`, cube);
      }
      const alive = await server.graphql("{ galaxies(first: 1) { totalCount } }");
      assert.ok(alive.data!.galaxies.totalCount > 0);
    });

    it("refuses ENGINEERED spectrum features without redshifts, and too many folds for the data", async () => {
      await db.sql`UPDATE galaxies SET redshift = NULL WHERE id > 0`;
      try {
        const response = await train({ kind: "GBDT", modality: "SPECTRUM", features: "ENGINEERED", folds: 2 });
        const problems = response.errors?.[0].extensions.problems as { argument: string }[];
        assert.deepEqual(problems.map((p) => p.argument), ["input.features"]);
      } finally {
        await db.sql`UPDATE galaxies SET redshift = 0.05 WHERE redshift IS NULL`;
      }
      // The 40 lowest labels: a training part of ~24 galaxies cannot make 10 folds of 5.
      const [{ sfr_avg: maxAvg }] = await db.sql`SELECT sfr_avg FROM galaxies WHERE sfr_flag = 0 AND sfr_avg IS NOT NULL ORDER BY sfr_avg OFFSET 39 LIMIT 1`;
      const folds = await train({ kind: "GBDT", modality: "IMAGE", folds: 10, labelFilter: { maxAvg } });
      const problems = folds.errors?.[0].extensions.problems as { argument: string; message: string }[];
      assert.deepEqual(problems?.map((p) => p.argument), ["input.folds"], JSON.stringify(folds));
      assert.match(problems[0].message, /use at most 4/);
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM training_runs WHERE status = 'QUEUED'`;
      assert.equal(count, 0);
    });

    it("deletes a predictor with its predictions, keeping the run's report", async () => {
      const deleted = await server.graphql(`mutation($id: ID!) { deletePredictor(id: $id) }`, { id: predictorId }, AUTH);
      assert.equal(deleted.data!.deletePredictor, predictorId);
      const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM predictions WHERE predictor_id = ${predictorId}`;
      assert.equal(n, 0);
      const read = await server.graphql(`query($p: ID!) { galaxies(first: 1) { edges { node { prediction(predictor: $p) { value } } } } }`, { p: predictorId });
      assert.equal(read.errors?.[0].extensions.code, "NOT_FOUND");
      const run = await server.graphql(`query($id: ID!) { trainingRun(id: $id) { status metrics { r2 } predictor { id } } }`, { id: firstRun.id });
      assert.deepEqual(run.data!.trainingRun, { status: "SUCCEEDED", metrics: { r2: firstRun.metrics.r2 }, predictor: null });
      const again = await server.graphql(`mutation($id: ID!) { deletePredictor(id: $id) }`, { id: predictorId }, AUTH);
      assert.equal(again.errors?.[0].extensions.code, "NOT_FOUND");
    });

    it("marks a run left RUNNING by a stopped server FAILED at the next start", async () => {
      await server.close();
      const [{ id }] = await db.sql`
        INSERT INTO training_runs (status, input, started_at, heartbeat_at)
        VALUES ('RUNNING', ${db.sql.json({ kind: "GBDT", modality: "IMAGE", features: "RAW", imageZoom: 3, spectrumZoom: 3, folds: 5, seed: 0, grid: {}, labelFilter: { flag: 0, minAvg: null, maxAvg: null }, fusionWeighting: "EQUAL", name: null })},
          now() - interval '1 hour', now() - interval '1 hour') RETURNING id`;
      server = await startTestServer(db, settings);
      const response = await server.graphql(`query($id: ID!) { trainingRun(id: $id) { status error } }`, { id: String(id) });
      assert.equal(response.data!.trainingRun.status, "FAILED");
      assert.match(response.data!.trainingRun.error, /stopped/);
    });
  });
}
