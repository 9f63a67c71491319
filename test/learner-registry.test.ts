/**
 * One place per learner: the registry entry (models/training/learners.ts)
 * and everything generated from it agree — the grid defaults training uses,
 * the GBDT library's defaults, the request checks, the GraphQL grid inputs
 * (defaults, descriptions, @oneOf) and typed outputs, and the README's table.
 * Then, through GraphQL on both databases: the typed grid, the deprecated
 * flat one, and the typed hyperparameters of a finished run.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isUnionType, type GraphQLInputType, type GraphQLOutputType } from "graphql";
import { graphqlSchema } from "../server/schema.js";
import { learners, hyperparameterMarkdown } from "../models/training/learners.js";
import { checkTrainInput, expandGrid, type TrainInput } from "../models/training/input.js";
import { gbdtParameterTable } from "../models/gbdt/params.js";
import { describeDefault, describeDomain, gridParametersOf, type LearnerKind } from "../models/learner.js";
import { fieldOf, pascalOf } from "../schema/Hyperparameters.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { openCube } from "../cube/cube-store.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const kinds = Object.keys(learners) as LearnerKind[];

const request = (over: Partial<TrainInput>): TrainInput => ({
  name: null,
  kind: "GBDT",
  modality: "SPECTRUM",
  features: "ENGINEERED",
  imageZoom: 3,
  spectrumZoom: 3,
  grid: {},
  folds: 5,
  seed: 0,
  labelFilter: { flag: 0, minAvg: null, maxAvg: null },
  fusionWeighting: "EQUAL",
  ...over,
});

const named = (type: GraphQLInputType | GraphQLOutputType): string => {
  let t: unknown = type;
  while (isNonNullType(t) || isListType(t)) t = (t as { ofType: unknown }).ofType;
  return (t as { name: string }).name;
};

describe("the learner registry", () => {
  it("keeps the defaults training uses (the ones runs were made with)", () => {
    assert.deepEqual(expandGrid("GBDT", {}), [
      { numIterations: 500, learningRate: 0.05, numLeaves: 31, maxDepth: -1, minDataInLeaf: 20, lambdaL2: 0, featureFraction: 1, baggingFraction: 1, baggingFreq: 0, earlyStoppingRounds: 30 },
    ]);
    assert.deepEqual(expandGrid("DECISION_TREE", {}), [{ maxDepth: 6, minDataInLeaf: 5 }]);
    assert.deepEqual(expandGrid("CNN", {}), [{ architecture: "compact", epochs: 30, batchSize: 32, learningRate: 0.001, patience: 5, dropout: 0.2, filters: 16 }]);
    assert.equal(expandGrid("CNN", { architecture: ["vgg12"] })[0].dropout, 0.5, "vgg12's dropout as the CNN resolves it");
    assert.deepEqual(expandGrid("LINEAR", {}), [{ lambdaL2: 1 }]);
    assert.deepEqual(expandGrid("CONSTANT", {}), [{}]);
    assert.deepEqual(expandGrid("GBDT", { numLeaves: [7, 15] }).map((p) => p.numLeaves), [7, 15]);
  });

  it("takes the GBDT entry from gbdt/params.ts, so the library and the served learner cannot disagree", () => {
    for (const [name, parameter] of Object.entries(learners.GBDT.parameters)) {
      assert.equal(parameter, gbdtParameterTable[name as keyof typeof gbdtParameterTable], name);
    }
    assert.equal(gbdtParameterTable.numIterations.default, 500);
    assert.equal(gbdtParameterTable.learningRate.default, 0.05);
    assert.equal(gbdtParameterTable.earlyStoppingRounds.default, 30);
  });

  it("documents every parameter with a type, a domain its default lies in, and a meaning", () => {
    for (const learner of Object.values(learners)) {
      assert.ok(learner.doc.length > 20, learner.kind);
      assert.ok(learner.features.includes(learner.defaultFeatures), learner.kind);
      assert.deepEqual(learner.check(expandGrid(learner.kind, {})[0]), [], `${learner.kind}: its defaults pass its own check`);
      for (const [name, p] of Object.entries(learner.parameters)) {
        assert.ok(p.doc.length > 10, `${learner.kind}.${name}`);
        assert.ok(describeDomain(p).length > 0);
      }
    }
    assert.equal(learners.GBDT.defaultFeatures, "ENGINEERED");
    assert.equal(learners.DECISION_TREE.defaultFeatures, "ENGINEERED");
    assert.equal(learners.CNN.defaultFeatures, "RAW");
  });

  it("checks requests from the entries: unknown names, domains, feature sets — every problem named", () => {
    const problems = checkTrainInput(request({ kind: "DECISION_TREE", grid: { maxDepth: [3, 7], learningRate: [0.1], minDataInLeaf: [0] } }), 64);
    assert.deepEqual(problems.map((p) => p.argument).sort(), ["input.hyperparameters.learningRate", "input.hyperparameters.maxDepth", "input.hyperparameters.minDataInLeaf"]);
    assert.match(problems.find((p) => p.argument.endsWith("maxDepth"))!.message, /must be in \[1, 6\] \(integer\), got 7/);
    assert.match(problems.find((p) => p.argument.endsWith("learningRate"))!.message, /does not apply to DECISION_TREE; it accepts maxDepth, minDataInLeaf/);
    const typed = checkTrainInput(request({ kind: "CNN", features: "RAW", grid: { architecture: ["vgg16"] } }), 64, "input.grid.cnn");
    assert.deepEqual(typed, [{ argument: "input.grid.cnn.architecture", message: 'must be one of compact, vgg12, thesis_vgg, got "vgg16"' }]);
    const engineered = checkTrainInput(request({ kind: "CNN", features: "ENGINEERED" }), 64);
    assert.deepEqual(engineered.map((p) => p.argument), ["input.features"]);
    assert.match(engineered[0].message, /CNN reads RAW features only/);
    assert.deepEqual(checkTrainInput(request({ kind: "CONSTANT", grid: { lambdaL2: [1] } }), 64).map((p) => p.message), ["does not apply to CONSTANT; it accepts none"]);
    assert.deepEqual(checkTrainInput(request({ kind: "LINEAR", grid: { lambdaL2: [-1, Infinity] } }), 64).length, 2);
    // A parameter the run's own field sets (the CNN's fusion) is not searched in a grid.
    const fusionInGrid = checkTrainInput(request({ kind: "CNN", features: "RAW", modality: "EARLY_FUSION", grid: { fusion: ["gated"] } }), 64);
    assert.deepEqual(fusionInGrid.map((p) => [p.argument, p.message]), [["input.hyperparameters.fusion", "is not searched in a grid; set it with input.fusion"]]);
  });

  it("generates the GraphQL grid inputs, their defaults and descriptions, and the typed outputs from the entries", async () => {
    const schema = await graphqlSchema();
    const oneOf = schema.getType("HyperparameterGrid");
    assert.ok(isInputObjectType(oneOf) && oneOf.isOneOf, "HyperparameterGrid is @oneOf");
    const union = schema.getType("Hyperparameters");
    assert.ok(isUnionType(union));
    assert.deepEqual(union.getTypes().map((t) => t.name).sort(), kinds.map((k) => `${pascalOf(k)}Hyperparameters`).sort());
    const kindEnum = schema.getType("PredictorKind");
    assert.ok(isEnumType(kindEnum));
    for (const kind of kinds) assert.equal(kindEnum.getValue(kind)?.description, learners[kind].doc);

    const tunable = kinds.filter((k) => Object.keys(learners[k].parameters).length > 0);
    assert.deepEqual(Object.keys(oneOf.getFields()), tunable.map(fieldOf));
    for (const kind of tunable) {
      const input = schema.getType(`${pascalOf(kind)}GridInput`);
      assert.ok(isInputObjectType(input), kind);
      assert.equal(named(oneOf.getFields()[fieldOf(kind)].type), input.name);
      const fields = input.getFields();
      const searched = gridParametersOf(learners[kind].parameters);
      assert.deepEqual(Object.keys(fields), Object.keys(searched), `${kind}: the input has exactly the registry's searched parameters`);
      for (const [name, p] of Object.entries(learners[kind].parameters)) {
        if (p.option) assert.ok(!(name in fields), `${kind}.${name} is set by input.${p.option}, not in a grid`);
      }
      for (const [name, p] of Object.entries(searched)) {
        const field = fields[name];
        assert.ok(field.description!.includes(p.doc) && field.description!.includes(`Domain ${describeDomain(p)}.`) && field.description!.includes(`Default ${describeDefault(p)}.`), `${kind}.${name}: ${field.description}`);
        const expected = p.type !== "choice" && p.defaultWhen ? undefined : [p.default];
        assert.deepEqual(field.defaultValue, expected, `${kind}.${name} default`);
        assert.equal(named(field.type), p.type === "integer" ? "Int" : p.type === "number" ? "Float" : `${pascalOf(kind)}${name[0].toUpperCase()}${name.slice(1)}Value`);
      }
    }
    for (const kind of kinds) {
      const output = schema.getType(`${pascalOf(kind)}Hyperparameters`);
      assert.ok(isObjectType(output));
      assert.deepEqual(Object.keys(output.getFields()), ["learner", ...Object.keys(learners[kind].parameters)]);
    }
    const flat = schema.getType("HyperparameterGridInput");
    assert.ok(isInputObjectType(flat));
    const all = new Set(tunable.flatMap((k) => Object.keys(gridParametersOf(learners[k].parameters))));
    assert.deepEqual(new Set(Object.keys(flat.getFields())), all);
    for (const kind of tunable) {
      for (const [name, p] of Object.entries(gridParametersOf(learners[kind].parameters))) assert.ok(flat.getFields()[name].description!.includes(`${kind}: ${p.doc}`), `${name} describes ${kind}`);
    }
    const train = schema.getType("TrainPredictorInput");
    assert.ok(isInputObjectType(train));
    assert.match(train.getFields().hyperparameters.deprecationReason ?? "", /Use grid/);
    assert.equal(named(train.getFields().grid.type), "HyperparameterGrid");
    for (const [type, field] of [["TrainingRun", "hyperparameters"], ["ModelCard", "hyperparameters"], ["GridPoint", "hyperparameters"]]) {
      const t = schema.getType(type);
      assert.ok(isObjectType(t));
      assert.match(t.getFields()[field].deprecationReason ?? "", /typed per learner/, `${type}.${field}`);
    }
    const sdl = readFileSync(join(root, "schema.graphql"), "utf8");
    assert.match(sdl, /input HyperparameterGrid @oneOf \{/);
  });

  it("keeps the README's hyperparameter table equal to the generated one (skycube hyperparameters)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const begin = readme.indexOf("<!-- hyperparameters:begin -->\n");
    const end = readme.indexOf("\n<!-- hyperparameters:end -->");
    assert.ok(begin > 0 && end > begin, "README has the hyperparameters markers");
    const shown = readme.slice(begin + "<!-- hyperparameters:begin -->\n".length, end);
    assert.equal(shown, hyperparameterMarkdown(), "README's table is stale: paste `node dist/cli/main.js hyperparameters`");
    const printed = execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "hyperparameters"], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "error" } });
    assert.equal(printed, hyperparameterMarkdown() + "\n");
    for (const kind of kinds) assert.ok(shown.includes(`| \`${kind}\` |`), kind);
  });
});

const TOKEN = "test-token-learner-registry-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const TRAIN = `mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id status spec { kind features } } }`;

for (const backend of backends) {
  describe(`typed hyperparameters through GraphQL on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-learner-registry-"));
    const problemsOf = (response: { errors?: { extensions: Record<string, unknown> }[] }) => {
      assert.ok(response.errors?.[0], "expected an error");
      return { code: response.errors[0].extensions.code, problems: (response.errors[0].extensions.problems ?? []) as { argument: string; message: string }[] };
    };
    const cancel = (id: string) => server.graphql(`mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }`, { id }, AUTH);

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 150, cube: await openCube(dataDir) });
      server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("refuses two learners' grids (@oneOf), another learner's grid, both inputs, and bad values, each with problems", async () => {
      const base = { kind: "GBDT", modality: "SPECTRUM", folds: 2 };
      const two = await server.graphql(TRAIN, { input: { ...base, grid: { gbdt: { numLeaves: [7] }, cnn: { epochs: [2] } } } }, AUTH);
      assert.ok(two.errors?.[0], "two fields of a @oneOf input are refused");
      assert.match(two.errors[0].message, /exactly one key/i);
      const other = problemsOf(await server.graphql(TRAIN, { input: { ...base, grid: { cnn: { epochs: [2] } } } }, AUTH));
      assert.equal(other.code, "BAD_USER_INPUT");
      assert.deepEqual(other.problems.map((p) => p.argument), ["input.grid.cnn"]);
      assert.match(other.problems[0].message, /kind GBDT takes grid.gbdt/);
      const both = problemsOf(await server.graphql(TRAIN, { input: { ...base, grid: { gbdt: {} }, hyperparameters: { numLeaves: [7] } } }, AUTH));
      assert.equal(both.code, "BAD_USER_INPUT");
      const bad = problemsOf(await server.graphql(TRAIN, { input: { ...base, grid: { gbdt: { learningRate: [0, 0.1], numLeaves: [1] } } } }, AUTH));
      assert.equal(bad.code, "BAD_USER_INPUT");
      assert.deepEqual(bad.problems.map((p) => p.argument).sort(), ["input.grid.gbdt.learningRate", "input.grid.gbdt.numLeaves"]);
      const flat = problemsOf(await server.graphql(TRAIN, { input: { ...base, hyperparameters: { epochs: [3] } } }, AUTH));
      assert.deepEqual(flat.problems, [{ argument: "input.hyperparameters.epochs", message: `does not apply to GBDT; it accepts ${Object.keys(learners.GBDT.parameters).join(", ")}` }]);
      const constant = problemsOf(await server.graphql(TRAIN, { input: { kind: "CONSTANT", modality: "SPECTRUM", grid: { linear: { lambdaL2: [1] } } } }, AUTH));
      assert.match(constant.problems[0].message, /kind CONSTANT takes no grid/);
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM training_runs`;
      assert.equal(count, 0, "nothing was queued");
    });

    it("defaults features to ENGINEERED for tree learners and RAW for the CNN; RAW stays available to trees", async () => {
      for (const [input, features] of [
        [{ kind: "GBDT", modality: "SPECTRUM" }, "ENGINEERED"],
        [{ kind: "DECISION_TREE", modality: "SPECTRUM" }, "ENGINEERED"],
        [{ kind: "GBDT", modality: "SPECTRUM", features: "RAW" }, "RAW"],
        [{ kind: "CNN", modality: "IMAGE" }, "RAW"],
      ] as const) {
        const response = await server.graphql(TRAIN, { input: { ...input, folds: 2 } }, AUTH);
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.equal(response.data!.trainPredictor.spec.features, features, JSON.stringify(input));
        await cancel(response.data!.trainPredictor.id);
      }
    });

    it("trains with a typed grid and reports every grid point and the chosen one typed per learner", async () => {
      const response = await server.graphql(TRAIN, { input: { kind: "LINEAR", modality: "SPECTRUM", grid: { linear: { lambdaL2: [0.5, 4] } }, folds: 2 } }, AUTH);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const id = response.data!.trainPredictor.id;
      const query = `query($id: ID!) { trainingRun(id: $id) { status error hyperparameters
        grid { member hyperparameters parameters { __typename ... on LinearHyperparameters { learner lambdaL2 } } }
        chosenHyperparameters { member parameters { __typename ... on LinearHyperparameters { lambdaL2 } } }
        predictor { card { chosenHyperparameters { member parameters { ... on LinearHyperparameters { lambdaL2 } } } } } } }`;
      let run: Record<string, any> = {};
      for (let i = 0; i < 1200; i++) {
        const r = await server.graphql(query, { id });
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        run = r.data!.trainingRun;
        if (!["QUEUED", "RUNNING"].includes(run.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(run.status, "SUCCEEDED", run.error);
      assert.deepEqual(run.grid.map((g: any) => g.parameters), [
        { __typename: "LinearHyperparameters", learner: "LINEAR", lambdaL2: 0.5 },
        { __typename: "LinearHyperparameters", learner: "LINEAR", lambdaL2: 4 },
      ]);
      assert.deepEqual(run.grid.map((g: any) => g.hyperparameters.lambdaL2), [0.5, 4], "the deprecated JSON agrees");
      assert.equal(run.chosenHyperparameters.length, 1);
      assert.equal(run.chosenHyperparameters[0].member, "spectrum");
      assert.equal(run.chosenHyperparameters[0].parameters.__typename, "LinearHyperparameters");
      assert.equal(run.chosenHyperparameters[0].parameters.lambdaL2, run.hyperparameters.spectrum.lambdaL2);
      assert.deepEqual(run.predictor.card.chosenHyperparameters, [{ member: "spectrum", parameters: { lambdaL2: run.hyperparameters.spectrum.lambdaL2 } }]);
    });
  });
}
