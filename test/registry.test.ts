/**
 * The model registry and trustworthy predictions, through GraphQL on both
 * databases: names and versions, aliases and references (`name@version`,
 * `name@alias`) with every bad one coded, percentiles whose coverage holds
 * on held-out galaxies, the applicability domain (the real SDSS F star and
 * z = 2.56 quasar come back out of the domain with the reasons), live
 * curves while a run goes, and the bugs of issue 14.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { ingestSdss } from "../ingest/sdss/ingest.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { sharedData, sharedDataMissing } from "./support/shared-data.js";
import { openCube } from "../cube/cube-store.js";

const TOKEN = "test-token-registry-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SPECTRUM_GBDT = {
  kind: "GBDT",
  modality: "SPECTRUM",
  features: "ENGINEERED",
  hyperparameters: { numLeaves: [7], numIterations: [80], minDataInLeaf: [5], earlyStoppingRounds: [15] },
  folds: 2,
};
const PREDICTION = "value sigma p2p5 p16 p50 p84 p97p5 inDomain domainNotes reliable predictor { id name version }";

interface Problem {
  argument: string;
  message: string;
}

for (const backend of backends) {
  describe(`model registry on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const queries: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-registry-"));

    const waitForRun = async (id: string) => {
      for (let i = 0; i < 2400; i++) {
        const response = await server.graphql(`query($id: ID!) { trainingRun(id: $id) { id status error split { test } metrics { coverage1Sigma coverage95 } predictor { id name version } } }`, { id });
        const run = response.data!.trainingRun;
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`run ${id} did not finish`);
    };
    const trainAndWait = async (input: Record<string, unknown>) => {
      const response = await server.graphql(`mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`, { input }, AUTH);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const run = await waitForRun(response.data!.trainPredictor.id);
      assert.equal(run.status, "SUCCEEDED", run.error);
      return run;
    };
    const errorOf = (response: { errors?: { extensions: Record<string, unknown> }[] }) => {
      const error = response.errors?.[0];
      assert.ok(error, "expected an error");
      return { code: error.extensions.code as string, problems: (error.extensions.problems ?? []) as Problem[] };
    };

    before(async () => {
      db = await backend.open({ onQuery: (query) => queries.push(query) });
      await loadDemo(db.sql, { count: 400, cube: await openCube(dataDir) });
      server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    let v1: Record<string, any>;
    let v2: Record<string, any>;

    it("gives each training of a name the next version, and unnamed runs a name from kind, modality, features and zooms", async () => {
      v1 = await trainAndWait({ ...SPECTRUM_GBDT, name: "sfr-spectrum", seed: 1 });
      v2 = await trainAndWait({ ...SPECTRUM_GBDT, name: "sfr-spectrum", seed: 2 });
      assert.deepEqual([v1.predictor.name, v1.predictor.version], ["sfr-spectrum", 1]);
      assert.deepEqual([v2.predictor.name, v2.predictor.version], ["sfr-spectrum", 2]);
      // No `features`: trees default to ENGINEERED.
      const unnamed = await trainAndWait({ kind: "DECISION_TREE", modality: "IMAGE", imageZoom: 2, hyperparameters: { maxDepth: [3] }, folds: 2 });
      assert.deepEqual([unnamed.predictor.name, unnamed.predictor.version], ["decision-tree-image-engineered-i2", 1]);
      const bad = await server.graphql(`mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`, { input: { ...SPECTRUM_GBDT, name: "a@b" } }, AUTH);
      assert.equal(errorOf(bad).code, "BAD_USER_INPUT");
      assert.deepEqual(errorOf(bad).problems.map((p) => p.argument), ["input.name"]);
    });

    it("points aliases at versions, resolves id, name@version and name@alias everywhere, and moves an alias on promotion", async () => {
      const set = (name: string, alias: string, version: number, headers: Record<string, string> = AUTH) =>
        server.graphql(`mutation($n: String!, $a: String!, $v: Int!) { setPredictorAlias(name: $n, alias: $a, version: $v) { id name version aliases } }`, { n: name, a: alias, v: version }, headers);
      assert.equal(errorOf(await set("sfr-spectrum", "champion", 1, {})).code, "UNAUTHENTICATED");
      const first = await set("sfr-spectrum", "champion", 1);
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.deepEqual(first.data!.setPredictorAlias, { id: v1.predictor.id, name: "sfr-spectrum", version: 1, aliases: ["champion"] });
      await set("sfr-spectrum", "challenger", 2);
      const read = await server.graphql(`{ a: predictor(id: "sfr-spectrum@champion") { id } b: predictor(id: "sfr-spectrum@2") { id aliases } c: predictor(id: "${v1.predictor.id}") { version } }`);
      assert.deepEqual(read.data, { a: { id: v1.predictor.id }, b: { id: v2.predictor.id, aliases: ["challenger"] }, c: { version: 1 } });
      const [{ id }] = await db.sql`SELECT id FROM galaxies ORDER BY id LIMIT 1`;
      const galaxy = await server.graphql(`query($g: ID!) { galaxy(id: $g) { a: prediction(predictor: "sfr-spectrum@champion") { predictor { id } } b: prediction(predictor: "${v1.predictor.id}") { value } c: prediction(predictor: "sfr-spectrum@1") { value } } }`, { g: String(id) });
      assert.equal(galaxy.errors, undefined, JSON.stringify(galaxy.errors));
      assert.equal(galaxy.data!.galaxy.a.predictor.id, v1.predictor.id);
      assert.equal(galaxy.data!.galaxy.b.value, galaxy.data!.galaxy.c.value);
      // Promotion: champion moves to version 2.
      const promoted = await set("sfr-spectrum", "champion", 2);
      assert.deepEqual(promoted.data!.setPredictorAlias.aliases, ["challenger", "champion"]);
      const now = await server.graphql(`{ predictor(id: "sfr-spectrum@champion") { version } }`);
      assert.equal(now.data!.predictor.version, 2);
    });

    it("answers unknown names, versions and aliases and malformed references with coded errors and problems", async () => {
      const cases: [string, string, RegExp][] = [
        ["nope@champion", "NOT_FOUND", /no predictor is named "nope"/],
        ["sfr-spectrum@7", "NOT_FOUND", /has no version 7 \(it has 1, 2\)/],
        ["sfr-spectrum@gold", "NOT_FOUND", /no alias "gold" \(its aliases: challenger, champion/],
        ["sfr-spectrum", "BAD_USER_INPUT", /id, name@version or name@alias/],
        ["sfr-spectrum@", "BAD_USER_INPUT", /not a predictor reference/],
        ["999999", "NOT_FOUND", /does not exist/],
      ];
      for (const [ref, code, message] of cases) {
        for (const query of [`query($p: ID!) { predictor(id: $p) { id } }`, `query($p: ID!) { galaxies(first: 1) { edges { node { prediction(predictor: $p) { value } } } } }`]) {
          const { code: got, problems } = errorOf(await server.graphql(query, { p: ref }));
          assert.equal(got, code, `${ref}: ${query}`);
          assert.equal(problems.length, 1, ref);
          assert.match(problems[0].message, message, ref);
        }
      }
      const alias = (name: string, a: string, version: number) => server.graphql(`mutation { setPredictorAlias(name: ${JSON.stringify(name)}, alias: ${JSON.stringify(a)}, version: ${version}) { id } }`, {}, AUTH);
      const noVersion = errorOf(await alias("sfr-spectrum", "champion", 9));
      assert.equal(noVersion.code, "NOT_FOUND");
      assert.deepEqual(noVersion.problems.map((p) => p.argument), ["version"]);
      assert.equal(errorOf(await alias("nope", "champion", 1)).code, "NOT_FOUND");
      const malformed = errorOf(await alias("a@b", "12", 0));
      assert.equal(malformed.code, "BAD_USER_INPUT");
      assert.deepEqual(malformed.problems.map((p) => p.argument), ["name", "alias", "version"]);
      const [{ version }] = await db.sql`SELECT p.version FROM predictor_aliases a JOIN predictors p ON p.id = a.predictor_id WHERE a.name = 'sfr-spectrum' AND a.alias = 'champion'`;
      assert.equal(version, 2, "a failed setPredictorAlias changes nothing");
    });

    it("serves percentiles whose 68 % and 95 % intervals cover the held-out galaxies' labels", async () => {
      const test: string[] = v2.split.test;
      const response = await server.graphql(`mutation($g: [ID!]!) { predict(predictor: "sfr-spectrum@champion", galaxies: $g) { ${PREDICTION} } }`, { g: test }, AUTH);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const labels = new Map((await db.sql`SELECT id, sfr_avg FROM galaxies WHERE id = ANY(${test}::int8[])`).map((r) => [String(r.id), Number(r.sfr_avg)]));
      let in68 = 0;
      let in95 = 0;
      response.data!.predict.forEach((p: Record<string, any>, i: number) => {
        assert.deepEqual(p.predictor, { id: v2.predictor.id, name: "sfr-spectrum", version: 2 });
        assert.ok(p.p2p5 < p.p16 && p.p16 < p.p50 && p.p50 < p.p84 && p.p84 < p.p97p5, JSON.stringify(p));
        assert.equal(p.p50, p.value);
        assert.ok(Math.abs(p.p84 - p.value - 0.9945 * p.sigma) < 1e-3 * p.sigma);
        const y = labels.get(test[i])!;
        if (y >= p.p16 && y <= p.p84) in68++;
        if (y >= p.p2p5 && y <= p.p97p5) in95++;
      });
      const n = test.length;
      assert.ok(n >= 60, `${n} test galaxies`);
      // Binomial scatter at n ≈ 80: ±0.05 (68 %), ±0.025 (95 %); the bounds allow 3-4 of it plus calibration on 80 validation galaxies.
      assert.ok(Math.abs(in68 / n - 0.68) < 0.2, `68 % interval covers ${in68}/${n}`);
      assert.ok(in95 / n > 0.85, `95 % interval covers ${in95}/${n}`);
      assert.equal(v2.metrics.coverage95, in95 / n);
      // Synthetic galaxies like the training ones are (nearly all) in the domain.
      const inDomain = response.data!.predict.filter((p: { inDomain: boolean }) => p.inDomain).length;
      assert.ok(inDomain / n >= 0.85, `${inDomain}/${n} test galaxies in the domain`);
    });

    it("filters coneSearch and galaxies by prediction in the page's SQL query, and refuses bad filters", async () => {
      const [{ ra, dec }] = await db.sql`SELECT ra, dec FROM galaxies ORDER BY id LIMIT 1`;
      const all = await server.graphql(
        `query($ra: Float!, $dec: Float!) { coneSearch(ra: $ra, dec: $dec, radius: 5, first: 500) { totalCount edges { node { id prediction(predictor: "sfr-spectrum@champion") { value sigma inDomain } } } } }`,
        { ra, dec },
      );
      assert.equal(all.errors, undefined, JSON.stringify(all.errors));
      const nodes = all.data!.coneSearch.edges.map((e: { node: any }) => e.node);
      const values = nodes.map((n: any) => n.prediction.value).sort((a: number, b: number) => a - b);
      const min = values[Math.floor(values.length * 0.3)];
      const max = values[Math.floor(values.length * 0.8)];
      const sigmas = nodes.map((n: any) => n.prediction.sigma).sort((a: number, b: number) => a - b);
      const maxSigma = sigmas[Math.floor(sigmas.length * 0.7)];
      const expected = nodes.filter((n: any) => n.prediction.value >= min && n.prediction.value <= max && n.prediction.sigma <= maxSigma && n.prediction.inDomain).map((n: any) => n.id);
      assert.ok(expected.length > 5 && expected.length < nodes.length, `${expected.length} of ${nodes.length}`);
      const filter = { predictor: "sfr-spectrum@champion", min, max, maxSigma, inDomainOnly: true };
      queries.length = 0;
      const cone = await server.graphql(
        `query($ra: Float!, $dec: Float!, $f: PredictionFilterInput!) { coneSearch(ra: $ra, dec: $dec, radius: 5, first: 7, prediction: $f) { totalCount pageInfo { endCursor hasNextPage } edges { node { id } } } }`,
        { ra, dec, f: filter },
      );
      assert.equal(cone.errors, undefined, JSON.stringify(cone.errors));
      assert.equal(cone.data!.coneSearch.totalCount, expected.length);
      assert.deepEqual(cone.data!.coneSearch.edges.map((e: any) => e.node.id), expected.slice(0, 7));
      assert.ok(queries.some((q) => /healpix29[\s\S]*EXISTS \(SELECT 1 FROM predictions p/.test(q)), "the filter is part of the cone's SQL");
      const next = await server.graphql(
        `query($ra: Float!, $dec: Float!, $f: PredictionFilterInput!, $after: String) { coneSearch(ra: $ra, dec: $dec, radius: 5, first: 500, after: $after, prediction: $f) { edges { node { id } } } }`,
        { ra, dec, f: filter, after: cone.data!.coneSearch.pageInfo.endCursor },
      );
      assert.deepEqual(next.data!.coneSearch.edges.map((e: any) => e.node.id), expected.slice(7));
      const listed = await server.graphql(`query($f: PredictionFilterInput!) { galaxies(first: 500, prediction: $f) { totalCount edges { node { id } } } }`, { f: { predictor: "sfr-spectrum@champion", min, max } });
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM predictions WHERE predictor_id = ${v2.predictor.id} AND value BETWEEN ${min} AND ${max}`;
      assert.equal(listed.data!.galaxies.totalCount, count);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ predictor: "sfr-spectrum@champion", min: 1, max: 0 }, "BAD_USER_INPUT", "prediction.min"],
        [{ predictor: "sfr-spectrum@champion", maxSigma: -1 }, "BAD_USER_INPUT", "prediction.maxSigma"],
        [{ predictor: "nope@champion" }, "NOT_FOUND", "prediction.predictor"],
        [{ predictor: "sfr-spectrum@5" }, "NOT_FOUND", "prediction.predictor"],
        [{ predictor: "nope" }, "BAD_USER_INPUT", "prediction.predictor"],
      ];
      for (const [f, code, argument] of cases) {
        for (const query of [`query($f: PredictionFilterInput!) { galaxies(prediction: $f) { totalCount } }`, `query($f: PredictionFilterInput!) { coneSearch(ra: 1, dec: 0, radius: 1, prediction: $f) { totalCount } }`]) {
          const error = errorOf(await server.graphql(query, { f }));
          assert.equal(error.code, code, JSON.stringify(f));
          assert.deepEqual(error.problems.map((p) => p.argument), [argument], JSON.stringify(f));
        }
      }
    });

    it("reads a model card through GraphQL and as Markdown, with the dataset digest and sky-aware evaluation", async () => {
      const response = await server.graphql(`{ predictor(id: "sfr-spectrum@champion") { id card {
        predicts unit dataset { digest galaxies labelled redshiftMin redshiftMax footprintMoc } hyperparameters metrics { r2 coverage95 } cv { folds }
        calibration { k95 testCoverage68 testCoverage95 testCount honest } trainedClasses redshiftDomainMin redshiftDomainMax applicabilityRules
        evaluation { healpixOrder redshift { min max count r2 bias scatter } rMagnitude { count } healpix { cell count bias scatter } }
        codeVersion backend trainingSeconds markdown } }
        v1: predictor(id: "sfr-spectrum@1") { card { dataset { digest } } } }`);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const card = response.data!.predictor.card;
      assert.match(card.predicts, /log10 star-formation rate/);
      assert.deepEqual(card.trainedClasses, ["GALAXY"]);
      assert.match(card.dataset.digest, /^[0-9a-f]{64}$/);
      // Same galaxies and labels (another seed splits them differently): the same digest.
      assert.equal(response.data!.v1.card.dataset.digest, card.dataset.digest);
      assert.match(card.dataset.footprintMoc, /^6\/\d/);
      assert.ok(card.calibration.k95 > 1 && card.calibration.testCount === v2.split.test.length);
      const testCount = v2.split.test.length;
      for (const bins of [card.evaluation.redshift, card.evaluation.healpix]) {
        assert.equal(bins.reduce((s: number, b: { count: number }) => s + b.count, 0), testCount);
      }
      assert.deepEqual(card.evaluation.rMagnitude, [], "a spectrum-only predictor measures no r magnitude");
      assert.equal(card.evaluation.healpixOrder, 3);
      assert.ok(card.applicabilityRules.length >= 4);
      const markdown = await fetch(`${server.url}/predictors/${encodeURIComponent("sfr-spectrum@champion")}/card.md`);
      assert.equal(markdown.status, 200);
      assert.match(markdown.headers.get("content-type") ?? "", /text\/markdown/);
      const text = await markdown.text();
      assert.equal(text, card.markdown);
      assert.match(text, /^# Model card: sfr-spectrum@2/);
      assert.ok(text.includes(card.dataset.digest));
      assert.equal((await fetch(`${server.url}/predictors/nope@champion/card.md`)).status, 404);
      assert.equal((await fetch(`${server.url}/predictors/nope/card.md`)).status, 400);
    });

    it("lists what changed between two versions, in combined sigmas, largest first", async () => {
      const query = `query($min: Float!) { predictionChanges(from: "sfr-spectrum@1", to: "sfr-spectrum@champion", minSigma: $min, first: 500) { galaxyId delta combinedSigmas from { value sigma } to { value sigma predictor { version } } } }`;
      const loose = await server.graphql(query, { min: 0 });
      assert.equal(loose.errors, undefined, JSON.stringify(loose.errors));
      const all = loose.data!.predictionChanges;
      assert.ok(all.length > 10);
      for (const c of all) {
        assert.equal(c.to.predictor.version, 2);
        assert.ok(Math.abs(c.delta - (c.to.value - c.from.value)) < 1e-12);
        assert.ok(Math.abs(c.combinedSigmas - Math.abs(c.delta) / Math.hypot(c.from.sigma, c.to.sigma)) < 1e-9);
      }
      for (let i = 1; i < all.length; i++) assert.ok(all[i].combinedSigmas <= all[i - 1].combinedSigmas);
      const threshold = all[Math.floor(all.length / 4)].combinedSigmas;
      const strict = (await server.graphql(query, { min: threshold })).data!.predictionChanges;
      assert.deepEqual(strict.map((c: { galaxyId: string }) => c.galaxyId), all.filter((c: { combinedSigmas: number }) => c.combinedSigmas > threshold).map((c: { galaxyId: string }) => c.galaxyId));
      const bad = errorOf(await server.graphql(`{ predictionChanges(from: "nope@1", to: "sfr-spectrum@2", minSigma: -1) { galaxyId } }`));
      assert.equal(bad.code, "BAD_USER_INPUT");
      assert.deepEqual(bad.problems.map((p) => p.argument), ["minSigma"]);
      assert.equal(errorOf(await server.graphql(`{ predictionChanges(from: "nope@1", to: "sfr-spectrum@2") { galaxyId } }`)).code, "NOT_FOUND");
    });

    it("puts the cone distance on the edge (Galaxy.distance stays, deprecated)", async () => {
      const response = await server.graphql(`{ coneSearch(ra: 1, dec: 0, radius: 10, first: 5) { edges { distance node { distance } } } galaxies(first: 1) { edges { distance } } }`);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      for (const edge of response.data!.coneSearch.edges) assert.equal(edge.distance, edge.node.distance);
      assert.equal(response.data!.galaxies.edges[0].distance, null);
      const schema = await server.graphql(`{ __type(name: "Galaxy") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`);
      const distance = schema.data!.__type.fields.find((f: { name: string }) => f.name === "distance");
      assert.equal(distance.isDeprecated, true);
      assert.match(distance.deprecationReason, /GalaxyEdge.distance/);
    });

    it("predict: ids that name no galaxy are NOT_FOUND with problems, not null", async () => {
      const { code, problems } = errorOf(await server.graphql(`mutation { predict(predictor: "sfr-spectrum@1", galaxies: ["1", "987654321"]) { value } }`, {}, AUTH));
      assert.equal(code, "NOT_FOUND");
      assert.deepEqual(problems.map((p) => p.argument), ["galaxies"]);
      assert.match(problems[0].message, /987654321/);
    });

    it("lists every predictor in `predictions` on the first read of a newly ingested galaxy, as `prediction` does", async () => {
      await loadDemo(db.sql, { count: 3, seed: 91, cube: await openCube(dataDir) });
      const [{ id }] = await db.sql`SELECT id FROM galaxies ORDER BY id DESC LIMIT 1`;
      const response = await server.graphql(`query($g: ID!) { galaxy(id: $g) { predictions { predictorId value } prediction(predictor: "sfr-spectrum@1") { predictorId value } } }`, { g: String(id) });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const { predictions, prediction } = response.data!.galaxy;
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM predictors`;
      assert.equal(predictions.length, count);
      assert.deepEqual(predictions.find((p: { predictorId: string }) => p.predictorId === v1.predictor.id), prediction);
    });

    it("flags the real SDSS F star and z = 2.56 quasar out of the domain, with the reasons", { skip: sharedDataMissing("sdss") }, async () => {
      await ingestSdss(db.sql, { spectraDir: `${sharedData}sdss/spectra`, cube: await openCube(dataDir) });
      const objects = await db.sql`SELECT id, class, redshift FROM galaxies WHERE class IN ('STAR', 'QSO') ORDER BY class`;
      assert.deepEqual(objects.map((o) => o.class), ["QSO", "STAR"]);
      const query = `query($g: ID!) { galaxy(id: $g) { prediction(predictor: "sfr-spectrum@champion") { ${PREDICTION} } } }`;
      const [quasar, star] = await Promise.all(objects.map((o) => server.graphql(query, { g: String(o.id) })));
      for (const [response, pattern] of [[quasar, /class QSO was not trained on/], [star, /class STAR was not trained on/]] as const) {
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const p = response.data!.galaxy.prediction;
        assert.equal(p.inDomain, false, JSON.stringify(p));
        assert.equal(p.reliable, false);
        assert.ok(p.domainNotes.some((n: string) => pattern.test(n)), JSON.stringify(p.domainNotes));
      }
      assert.ok(quasar.data!.galaxy.prediction.domainNotes.some((n: string) => /redshift 2\.5\d is outside the training range/.test(n)), JSON.stringify(quasar.data!.galaxy.prediction.domainNotes));
      const [{ in_domain: stored }] = await db.sql`SELECT in_domain FROM predictions WHERE galaxy_id = ${objects[1].id} AND predictor_id = ${v2.predictor.id}`;
      assert.equal(stored, false, "the verdict is stored with the prediction");
    });

    it("writes the backend and learning curves while a run is RUNNING", async () => {
      const response = await server.graphql(
        `mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`,
        { input: { kind: "GBDT", modality: "IMAGE", features: "RAW", imageZoom: 1, hyperparameters: { numIterations: [5000], earlyStoppingRounds: [0], learningRate: [0.001] }, folds: 5 } },
        AUTH,
      );
      const id = response.data!.trainPredictor.id;
      try {
        let live: Record<string, any> | null = null;
        for (let i = 0; i < 2400 && !live; i++) {
          const run = (await server.graphql(`query($id: ID!) { trainingRun(id: $id) { status backend curves { member fold iteration train validation } } }`, { id })).data!.trainingRun;
          assert.ok(["QUEUED", "RUNNING"].includes(run.status), run.status);
          if (run.status === "RUNNING" && (run.curves?.length ?? 0) > 0 && run.curves[0].iteration.length >= 2) live = run;
          else await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(live, "no live curve was written");
        assert.ok(live.backend.length > 0);
        const curve = live.curves[0];
        assert.equal(curve.member, "image");
        assert.equal(curve.iteration.length, curve.train.length);
        assert.ok(curve.train.every(Number.isFinite) && curve.validation.every(Number.isFinite));
      } finally {
        await server.graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id }, AUTH);
      }
    });
  });
}
