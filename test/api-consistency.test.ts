/**
 * The API-consistency rules of issue 14, through GraphQL on both databases:
 * the lists that grow are Relay connections (trainingRunsConnection,
 * predictorsConnection, Galaxy.predictionsConnection) paged with opaque
 * keyset cursors, while the old list fields keep working, deprecated.
 * Rows are written straight into the tables (no training needed).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const INPUT = { kind: "GBDT", modality: "SPECTRUM", features: "ENGINEERED", imageZoom: 3, spectrumZoom: 3, folds: 2, seed: 0, grid: {}, labelFilter: { flag: 0, minAvg: null, maxAvg: null }, fusionWeighting: "EQUAL", name: null };
const SPEC = { kind: "GBDT", modality: "SPECTRUM", features: "ENGINEERED", imageZoom: 3, spectrumZoom: 3 };
const RUNS = 7;
const PREDICTORS = 5;

type Connection<T> = { edges: { cursor: string; node: T }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }; totalCount: number };
const PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount";

for (const backend of backends) {
  describe(`API consistency on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    let galaxyId: string;
    const runIds: string[] = [];
    const predictorIds: string[] = [];

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 3 });
      [{ id: galaxyId }] = (await db.sql`SELECT id::text AS id FROM galaxies ORDER BY id LIMIT 1`) as unknown as { id: string }[];
      for (let i = 0; i < RUNS; i++) {
        const status = i < PREDICTORS ? "SUCCEEDED" : "FAILED";
        const [{ id }] = await db.sql`INSERT INTO training_runs (status, input, progress, finished_at) VALUES (${status}, ${db.sql.json(INPUT)}, 1, now()) RETURNING id::text AS id`;
        runIds.push(id as string);
        if (i < PREDICTORS) {
          const [{ id: p }] = await db.sql`INSERT INTO predictors (run_id, name, version, spec, model) VALUES (${id}, 'sfr', ${i + 1}, ${db.sql.json(SPEC)}, ${Buffer.from([0])}) RETURNING id::text AS id`;
          predictorIds.push(p as string);
          await db.sql`INSERT INTO predictions (predictor_id, galaxy_id, value, sigma, in_domain) VALUES (${p}, ${galaxyId}, ${i / 10}, 0.2, true)`;
        }
      }
      server = await startTestServer(db);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    /** Every page of a connection, following endCursor; asserts the page info on the way. */
    async function pageThrough<T>(field: string, nodeFields: string, first: number, path: (data: any) => Connection<T> = (d) => d[field]): Promise<T[]> {
      const nodes: T[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const response: any = await server.graphql(`query($first: Int!, $after: String) { ${field}(first: $first, after: $after) { edges { cursor node { ${nodeFields} } } ${PAGE} } }`, { first, after });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const connection = path(response.data);
        assert.equal(connection.pageInfo.hasPreviousPage, after !== null);
        assert.ok(connection.edges.length <= first);
        if (connection.edges.length > 0) {
          assert.equal(connection.pageInfo.startCursor, connection.edges[0].cursor);
          assert.equal(connection.pageInfo.endCursor, connection.edges.at(-1)!.cursor);
        }
        nodes.push(...connection.edges.map((e) => e.node));
        if (!connection.pageInfo.hasNextPage) {
          assert.equal(connection.totalCount, nodes.length);
          return nodes;
        }
        after = connection.pageInfo.endCursor;
      }
      throw new Error(`${field}: more than 20 pages`);
    }

    it("pages training runs newest first, each once, and the deprecated list agrees", async () => {
      const paged = await pageThrough<{ id: string }>("trainingRunsConnection", "id status", 3);
      assert.deepEqual(paged.map((r) => r.id), [...runIds].reverse());
      const old = await server.graphql(`{ trainingRuns(first: 100) { id } }`);
      assert.deepEqual(old.data!.trainingRuns.map((r: { id: string }) => r.id), [...runIds].reverse());
    });

    it("pages predictors oldest first, each once, and the deprecated list agrees", async () => {
      const paged = await pageThrough<{ id: string; name: string; version: number }>("predictorsConnection", "id name version", 2);
      assert.deepEqual(paged.map((p) => p.id), predictorIds);
      assert.deepEqual(paged.map((p) => p.version), [1, 2, 3, 4, 5]);
      const old = await server.graphql(`{ predictors { id } }`);
      assert.deepEqual(old.data!.predictors.map((p: { id: string }) => p.id), predictorIds);
    });

    it("pages a galaxy's predictions by predictor id, and the deprecated list agrees", async () => {
      const nodes: { predictorId: string; value: number }[] = [];
      let after: string | null = null;
      for (;;) {
        const response: any = await server.graphql(
          `query($g: ID!, $after: String) { galaxy(id: $g) { predictionsConnection(first: 2, after: $after) { edges { cursor node { predictorId value } } ${PAGE} } } }`,
          { g: galaxyId, after },
        );
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const connection = response.data!.galaxy.predictionsConnection as Connection<{ predictorId: string; value: number }>;
        assert.equal(connection.totalCount, PREDICTORS);
        nodes.push(...connection.edges.map((e) => e.node));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      assert.deepEqual(nodes.map((p) => p.predictorId), predictorIds);
      const old = await server.graphql(`query($g: ID!) { galaxy(id: $g) { predictions { predictorId value } } }`, { g: galaxyId });
      assert.deepEqual(old.data!.galaxy.predictions, nodes);
    });

    it("rejects foreign or forged cursors and page sizes out of range, with problems", async () => {
      const runs = await server.graphql(`{ trainingRunsConnection(first: 1) { pageInfo { endCursor } } }`);
      const runCursor = runs.data!.trainingRunsConnection.pageInfo.endCursor as string;
      const galaxies = await server.graphql(`{ galaxies(first: 1) { pageInfo { endCursor } } }`);
      const galaxyCursor = galaxies.data!.galaxies.pageInfo.endCursor as string;
      const cases: [string, Record<string, unknown>, string][] = [
        ["query($a: String) { predictorsConnection(after: $a) { totalCount } }", { a: runCursor }, "after"],
        ["query($a: String) { trainingRunsConnection(after: $a) { totalCount } }", { a: galaxyCursor }, "after"],
        ["query($a: String) { trainingRunsConnection(after: $a) { totalCount } }", { a: "not-a-cursor" }, "after"],
        ["query($g: ID!, $a: String) { galaxy(id: $g) { predictionsConnection(after: $a) { totalCount } } }", { g: galaxyId, a: runCursor }, "after"],
        ["{ trainingRunsConnection(first: 501) { totalCount } }", {}, "first"],
        ["{ predictorsConnection(first: -1) { totalCount } }", {}, "first"],
      ];
      for (const [query, variables, argument] of cases) {
        const response = await server.graphql(query, variables);
        const error = response.errors?.[0];
        assert.equal(error?.extensions.code, "BAD_USER_INPUT", `${query} ${JSON.stringify(response)}`);
        assert.deepEqual((error!.extensions.problems as { argument: string }[]).map((p) => p.argument), [argument], query);
      }
    });

    it("describes a predictor and its run with the same PredictorSpec, the old flat fields deprecated", async () => {
      const spec = "spec { kind modality features imageZoom spectrumZoom target unit }";
      const response = await server.graphql(`query($p: ID!) { predictor(id: $p) { ${spec} kind imageZoom run { ${spec} kind imageZoom } } }`, { p: predictorIds[0] });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const predictor = response.data!.predictor;
      assert.deepEqual(predictor.spec, { ...SPEC, target: "log10 star-formation rate (MPA-JHU total SFR, AVG)", unit: "log10(Msun/yr); sigma and percentiles in dex" });
      assert.deepEqual(predictor.run.spec, predictor.spec);
      assert.deepEqual([predictor.kind, predictor.imageZoom, predictor.run.kind, predictor.run.imageZoom], ["GBDT", 3, "GBDT", 3]);
      const types = await server.graphql(`{ p: __type(name: "Predictor") { fields(includeDeprecated: true) { name deprecationReason } } r: __type(name: "TrainingRun") { fields(includeDeprecated: true) { name deprecationReason } } }`);
      for (const type of [types.data!.p, types.data!.r]) {
        const reasons = new Map((type.fields as { name: string; deprecationReason: string | null }[]).map((f) => [f.name, f.deprecationReason]));
        for (const field of ["kind", "modality", "features", "imageZoom", "spectrumZoom"]) assert.equal(reasons.get(field), `Use spec.${field}.`, field);
        assert.equal(reasons.get("spec"), null);
      }
    });

    it("marks the old list fields deprecated in the schema, with the replacement named", async () => {
      const response = await server.graphql(`{
        query: __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
        galaxy: __type(name: "Galaxy") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`);
      const fields = [...response.data!.query.fields, ...response.data!.galaxy.fields] as { name: string; isDeprecated: boolean; deprecationReason: string | null }[];
      const byName = new Map(fields.map((f) => [f.name, f]));
      for (const [old, replacement] of [["trainingRuns", "trainingRunsConnection"], ["predictors", "predictorsConnection"], ["predictions", "predictionsConnection"]]) {
        assert.equal(byName.get(old)?.isDeprecated, true, old);
        assert.match(byName.get(old)!.deprecationReason!, new RegExp(`Use ${replacement}\\b`), old);
        assert.equal(byName.get(replacement)?.isDeprecated, false, replacement);
      }
    });
  });
}

for (const backend of backends) {
  describe(`lookups by id and defaulted arguments on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    let galaxyId: string;

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 2 });
      [{ id: galaxyId }] = (await db.sql`SELECT id::text AS id FROM galaxies ORDER BY id LIMIT 1`) as unknown as { id: string }[];
      await db.sql`INSERT INTO galaxy_sources (galaxy_id, role, file, run, camcol, field, band)
        SELECT ${galaxyId}, 'FRAME', 'frame-' || b || '-000094-1-0012.fits.bz2', 94, 1, 12, b FROM unnest(ARRAY['u', 'g', 'r', 'i', 'z']) AS b`;
      server = await startTestServer(db);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    it("answers galaxy(id), predictor(id) and trainingRun(id) non-null, or NOT_FOUND with problems — never null without an error", async () => {
      const schema = await server.graphql(`{ __type(name: "Query") { fields { name type { kind ofType { name } } } } }`);
      const kinds = new Map((schema.data!.__type.fields as { name: string; type: { kind: string; ofType: { name: string } | null } }[]).map((f) => [f.name, f.type]));
      for (const [field, type] of [["galaxy", "Galaxy"], ["predictor", "Predictor"], ["trainingRun", "TrainingRun"]]) {
        assert.deepEqual(kinds.get(field), { kind: "NON_NULL", ofType: { name: type } }, field);
        const response = await server.graphql(`{ ${field}(id: "999999") { id } }`);
        assert.equal(response.data, null, field);
        assert.equal(response.errors?.[0].extensions.code, "NOT_FOUND", field);
        const problems = response.errors![0].extensions.problems as { argument: string; message: string }[];
        assert.deepEqual(problems.map((p) => p.argument), ["id"], field);
        assert.match(problems[0].message, /"999999" does not exist/, field);
      }
      const found = await server.graphql(`query($g: ID!) { galaxy(id: $g) { id } }`, { g: galaxyId });
      assert.deepEqual(found.data, { galaxy: { id: galaxyId } });
    });

    it("serves Source.band as the Band enum", async () => {
      const response = await server.graphql(`query($g: ID!) { galaxy(id: $g) { sources { role band } } }`, { g: galaxyId });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const frames = (response.data!.galaxy.sources as { role: string; band: string | null }[]).filter((s) => s.role === "FRAME");
      assert.deepEqual(frames.map((s) => s.band).sort(), ["G", "I", "R", "U", "Z"]);
      const type = await server.graphql(`{ __type(name: "Source") { fields { name type { kind name } } } }`);
      const band = (type.data!.__type.fields as { name: string; type: { kind: string; name: string } }[]).find((f) => f.name === "band");
      assert.deepEqual(band!.type, { kind: "ENUM", name: "Band" });
    });

    it("makes every argument with a default non-null (omit it for the default; null is refused), LabelFilterInput.flag excepted", async () => {
      const response = await server.graphql(`{ __schema { types { name kind
        fields { name args { name defaultValue type { kind } } }
        inputFields { name defaultValue type { kind } } } } }`);
      const nullableDefaults: string[] = [];
      for (const type of response.data!.__schema.types as { name: string; fields: { name: string; args: { name: string; defaultValue: string | null; type: { kind: string } }[] }[] | null; inputFields: { name: string; defaultValue: string | null; type: { kind: string } }[] | null }[]) {
        if (type.name.startsWith("__")) continue;
        for (const field of type.fields ?? []) {
          for (const arg of field.args) if (arg.defaultValue !== null && arg.type.kind !== "NON_NULL") nullableDefaults.push(`${type.name}.${field.name}(${arg.name})`);
        }
        for (const input of type.inputFields ?? []) if (input.defaultValue !== null && input.type.kind !== "NON_NULL") nullableDefaults.push(`${type.name}.${input.name}`);
      }
      // The one exception: null is a choice of its own there ("keep every flag").
      assert.deepEqual(nullableDefaults, ["LabelFilterInput.flag"]);
      const omitted = await server.graphql(`{ galaxies { edges { node { id } } } }`);
      assert.equal(omitted.data!.galaxies.edges.length, 2);
      const explicitNull = await server.graphql(`{ galaxies(first: null) { totalCount } }`);
      assert.equal(explicitNull.errors?.[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
    });
  });
}
