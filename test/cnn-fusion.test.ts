/**
 * The CNN's gated fusion (`fusion: GATED`): its gradients on wasm against
 * the cpu backend's; a concat network unchanged by the option; same seed →
 * same model; save/load → same predictions and gate weights; on synthetic
 * galaxies whose label depends only on the image (or only on the spectrum)
 * the gate weighs that modality clearly above 0.5; the option's bad
 * combinations are refused; and end to end over HTTP an experiment with
 * cnnFusions [CONCAT, GATED] puts the gated cell and its test-set weights
 * next to the concat cell, in the API, the CSV and the Markdown.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CnnInputError, CnnModel, loadBackend, resolveCnnParams, trainCnn } from "../models/cnn/index.js";
import { buildNetwork, type NetworkLayout } from "../models/cnn/network.js";
import { checkTrainInput, defaultPredictorName, type TrainInput } from "../models/training/input.js";
import { planExperiment, type ExperimentRequest } from "../models/training/experiment-plan.js";
import { experimentCsv, experimentMarkdown } from "../models/training/experiment-table.js";
import type { CellRecord, ExperimentRecord } from "../models/store/experiments.js";
import type { RunRecord } from "../models/store/runs.js";
import { Random } from "../random/random.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { openCube } from "../cube/cube-store.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { syntheticGalaxies } from "./support/cnn-data.js";

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe("gated fusion in the CNN", () => {
  before(async () => {
    assert.equal(await loadBackend("wasm"), "wasm");
  });

  it("its gradients on wasm match the cpu backend's (softmax, split, moments, dense, noise)", async () => {
    const layout: NetworkLayout = { architecture: "compact", filters: 3, dropout: 0.2, fusion: "gated", image: { size: 8, channels: 2 }, spectrum: { bins: 32, channels: 1 } };
    const random = new Random(9);
    const values = (n: number) => Float32Array.from({ length: n }, () => random.fraction32() * 2 - 1);
    const image = values(4 * 8 * 8 * 2);
    const spectrum = values(4 * 32);
    const target = values(4);
    const gateKernel = values(16 * 2);
    const gradients = () => {
      const network = buildNetwork(layout, 5);
      // The gate's output kernel starts at 0; give it values so that every path carries a gradient.
      tf.tidy(() => network.weights.find((w) => w.name === "fusion/gate_output/kernel")!.variable.assign(tf.tensor(gateKernel, [16, 2])));
      const out = tf.tidy(() => {
        const inputs = { image: tf.tensor4d(image, [4, 8, 8, 2]), spectrum: tf.tensor4d(spectrum, [4, 1, 32, 1]) };
        const { grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(network.forward(inputs, new Random(3)), tf.tensor2d(target, [4, 1]))) as tf.Scalar);
        return network.weights.map((w) => ({ name: w.name, values: grads[w.variable.name].dataSync() as Float32Array }));
      });
      network.dispose();
      return out;
    };
    await loadBackend("cpu");
    const reference = gradients();
    await loadBackend("wasm");
    const ours = gradients();
    for (const [i, r] of reference.entries()) {
      let scale = 0;
      for (const v of r.values) scale = Math.max(scale, Math.abs(v));
      assert.ok(scale > 0, `${r.name} gets a gradient`);
      for (let k = 0; k < r.values.length; k++) assert.ok(Math.abs(ours[i].values[k] - r.values[k]) <= 1e-4 * scale, `${r.name}[${k}]: wasm ${ours[i].values[k]} vs cpu ${r.values[k]}`);
    }
  });

  it("a concat network is the one it always was: same weights with and without the option, no gate", () => {
    const base = { architecture: "compact" as const, filters: 4, dropout: 0.2, image: { size: 8, channels: 3 }, spectrum: { bins: 64, channels: 1 } };
    const [plain, concat] = [buildNetwork(base, 4), buildNetwork({ ...base, fusion: "concat" }, 4)];
    assert.deepEqual(concat.weights.map((w) => w.name), plain.weights.map((w) => w.name));
    for (const [i, w] of plain.weights.entries()) assert.deepEqual(concat.weights[i].variable.dataSync(), w.variable.dataSync());
    assert.equal(concat.gateWeights, undefined);
    assert.ok(!plain.weights.some((w) => w.name.startsWith("fusion/")));
    plain.dispose();
    concat.dispose();
    assert.equal(resolveCnnParams({}).params.fusion, "concat");
  });

  it("same seed gives the same model; save, JSON and load give the same predictions and gate weights", async () => {
    const data = syntheticGalaxies(48, 21, { size: 8, bins: 64 });
    const params = { fusion: "gated" as const, epochs: 2, filters: 4, batchSize: 16 };
    const [a, b] = [await trainCnn(data.x, data.imageLabel, params, { seed: 4 }), await trainCnn(data.x, data.imageLabel, params, { seed: 4 })];
    const saved = await a.save();
    assert.deepEqual(saved.weights, (await b.save()).weights);
    assert.deepEqual(await a.predict(data.x), await b.predict(data.x));
    assert.deepEqual(
      saved.spec.weights.filter((w) => w.name.startsWith("fusion/")).map((w) => [w.name, w.shape]),
      [["fusion/image_projection/kernel", [16, 64]], ["fusion/image_projection/bias", [64]], ["fusion/spectrum_projection/kernel", [64, 64]], ["fusion/spectrum_projection/bias", [64]],
        ["fusion/gate_hidden/kernel", [128, 16]], ["fusion/gate_hidden/bias", [16]], ["fusion/gate_output/kernel", [16, 2]], ["fusion/gate_output/bias", [2]]],
    );
    const loaded = await CnnModel.load({ format: saved.format, spec: JSON.parse(JSON.stringify(saved.spec)), weights: new Uint8Array(saved.weights) });
    assert.deepEqual(await loaded.predict(data.x), await a.predict(data.x));
    const tensors = tf.memory().numTensors;
    const weights = (await a.gateWeights(data.x))!;
    assert.equal(tf.memory().numTensors, tensors, "gateWeights leaves no tensors behind");
    assert.deepEqual(await loaded.gateWeights(data.x), weights);
    assert.ok(weights.every((w) => w > 0 && w < 1));
    const concat = await trainCnn(data.x, data.imageLabel, { epochs: 1, filters: 4 }, { seed: 4 });
    assert.equal(await concat.gateWeights(data.x), null);
    for (const m of [a, b, loaded, concat]) m.dispose();
  });

  it("weighs the modality the label depends on clearly above 0.5", async (t) => {
    const train = syntheticGalaxies(320, 11, { size: 8, bins: 64 });
    const test = syntheticGalaxies(64, 12, { size: 8, bins: 64 });
    const params = { fusion: "gated" as const, epochs: 30, filters: 4, batchSize: 16, learningRate: 0.003, patience: 0 };
    const onImage = await trainCnn(train.x, train.imageLabel, params, { seed: 1 });
    const imageWhenImage = mean((await onImage.gateWeights(test.x))!);
    const onSpectrum = await trainCnn(train.x, train.lineLabel, params, { seed: 1 });
    const imageWhenSpectrum = mean((await onSpectrum.gateWeights(test.x))!);
    t.diagnostic(`mean image weight on test: label from the image ${imageWhenImage.toFixed(3)}, label from the spectrum ${imageWhenSpectrum.toFixed(3)}`);
    assert.ok(imageWhenImage > 0.6, `image-only label: mean image weight ${imageWhenImage}`);
    assert.ok(1 - imageWhenSpectrum > 0.6, `spectrum-only label: mean spectrum weight ${1 - imageWhenSpectrum}`);
    onImage.dispose();
    onSpectrum.dispose();
  });

  it("gates the thesis VGG12 too (projections to 256)", async () => {
    const data = syntheticGalaxies(8, 9, { size: 8, bins: 32 });
    const model = await trainCnn(data.x, data.imageLabel, { architecture: "vgg12", fusion: "gated", epochs: 1, batchSize: 8 }, { seed: 1 });
    const shapes = Object.fromEntries(model.spec.weights.map((w) => [w.name, w.shape]));
    assert.deepEqual([shapes["fusion/image_projection/kernel"], shapes["fusion/spectrum_projection/kernel"], shapes["head/fc1/kernel"]], [[4 * 4 * 256, 256], [2 * 256, 256], [256, 512]]);
    assert.ok((await model.gateWeights(data.x))!.every((w) => w > 0 && w < 1));
    model.dispose();
  });

  it("refuses gated fusion without both inputs, and unknown fusions", async () => {
    const data = syntheticGalaxies(16, 3, { size: 8 });
    const error = await trainCnn(data.x, data.imageLabel, { fusion: "gated", epochs: 1 }, { seed: 1 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof CnnInputError);
    assert.deepEqual(error.problems.map((p) => p.argument), ["fusion"]);
    assert.match(resolveCnnParams({ fusion: "attention" as never }).problems[0].message, /must be one of concat, gated/);
  });
});

describe("the fusion option in runs and experiments", () => {
  const input = (over: Partial<TrainInput>): TrainInput => ({
    name: null, kind: "CNN", modality: "EARLY_FUSION", features: "RAW", imageZoom: 3, spectrumZoom: 3, grid: {}, folds: 5, seed: 0,
    labelFilter: { flag: 0, minAvg: null, maxAvg: null }, fusionWeighting: "EQUAL", ...over,
  });
  const request = (over: Partial<ExperimentRequest>): ExperimentRequest => ({
    preset: null, learners: null, modalities: null, imageZooms: null, spectrumZooms: null, features: null,
    seed: 0, folds: 5, labelFilter: { flag: 0, minAvg: null, maxAvg: null }, cnnArchitecture: "compact", ...over,
  });

  it("GATED needs a CNN on EARLY_FUSION; it names its predictor", () => {
    assert.deepEqual(checkTrainInput(input({ fusion: "GATED" }), 10), []);
    for (const over of [{ kind: "GBDT" as const, features: "ENGINEERED" as const }, { modality: "IMAGE" as const }, { modality: "LATE_FUSION" as const }]) {
      const problems = checkTrainInput(input({ ...over, fusion: "GATED" }), 10);
      assert.deepEqual(problems.map((p) => p.argument), ["input.fusion"], JSON.stringify(over));
    }
    assert.equal(defaultPredictorName(input({ fusion: "GATED" })), "cnn-early-fusion-gated-raw-i3-s3");
    assert.equal(defaultPredictorName(input({})), "cnn-early-fusion-raw-i3-s3");
  });

  it("cnnFusions [CONCAT, GATED] adds a gated twin of each CNN EARLY_FUSION cell; THESIS is unchanged without it", () => {
    const thesis = planExperiment(request({ preset: "THESIS" }), 64);
    const both = planExperiment(request({ preset: "THESIS", cnnFusions: ["CONCAT", "GATED"] }), 64);
    assert.equal(thesis.cells.length, 52);
    assert.equal(both.cells.length, 53);
    assert.deepEqual(both.cells.filter((c) => c.cell.fusion).map((c) => c.cell), thesis.cells.filter((c) => c.cell.learner === "CNN" && c.cell.modality === "EARLY_FUSION").map((c) => ({ ...c.cell, fusion: "GATED" })));
    for (const c of thesis.cells) assert.ok(!("fusion" in c.cell) && !("fusion" in c.train));
    const gated = both.cells.find((c) => c.cell.fusion)!;
    assert.equal(gated.train.fusion, "GATED");
    assert.deepEqual(checkTrainInput(gated.train, 1), []);
    const grid = planExperiment(request({ learners: ["CNN", "GBDT"], modalities: ["EARLY_FUSION", "LATE_FUSION"], cnnFusions: ["GATED"] }), 64);
    assert.deepEqual(grid.cells.map((c) => [c.cell.learner, c.cell.modality, c.cell.fusion ?? "-"]), [
      ["CNN", "EARLY_FUSION", "GATED"], ["CNN", "LATE_FUSION", "-"], ["GBDT", "EARLY_FUSION", "-"], ["GBDT", "LATE_FUSION", "-"], ["CONSTANT", "EARLY_FUSION", "-"], ["LINEAR", "EARLY_FUSION", "-"],
    ]);
    const bad: [Partial<ExperimentRequest>, RegExp][] = [
      [{ learners: ["GBDT"], modalities: ["EARLY_FUSION"], cnnFusions: ["GATED"] }, /GATED applies to CNN EARLY_FUSION cells and the grid has none/],
      [{ learners: ["CNN"], modalities: ["IMAGE"], cnnFusions: ["CONCAT", "GATED"] }, /the grid has none/],
      [{ learners: ["CNN"], modalities: ["EARLY_FUSION"], cnnFusions: [] }, /at least one value/],
      [{ learners: ["CNN"], modalities: ["EARLY_FUSION"], cnnFusions: ["GATED", "GATED"] }, /repeated/],
    ];
    for (const [over, message] of bad) {
      const { problems } = planExperiment(request(over), 64);
      assert.ok(problems.some((p) => p.argument === "input.cnnFusions" && message.test(p.message)), `${JSON.stringify(over)} → ${JSON.stringify(problems)}`);
    }
  });

  it("the table gains the fusion and gate columns only when a cell is GATED", () => {
    const run = (id: string, fusionWeights?: Record<string, number>) =>
      ({ id, status: "SUCCEEDED", metrics: { r2: 0.5, count: 40, ...(fusionWeights ? { fusionWeights } : {}) }, cv: {}, timings: {} }) as unknown as RunRecord;
    const cell = (fusion?: "GATED") => ({ learner: "CNN", modality: "EARLY_FUSION", features: "RAW", imageZoom: 3, spectrumZoom: 3, reference: null, studies: ["grid"], ...(fusion ? { fusion } : {}) }) as CellRecord["cell"];
    const late: CellRecord = { cell: { ...cell(), modality: "LATE_FUSION" }, run: run("3") };
    const plain = experimentCsv([{ cell: cell(), run: run("1") }, late]);
    assert.ok(!plain.includes("gateImage") && !plain.includes("fusion,"));
    const cells: CellRecord[] = [{ cell: cell(), run: run("1") }, { cell: cell("GATED"), run: run("2", { count: 40, imageMean: 0.7, imageStd: 0.1, imageP16: 0.6, imageP50: 0.71, imageP84: 0.8, spectrumMean: 0.3 }) }, late];
    const [header, ...rows] = experimentCsv(cells).trim().split("\r\n");
    assert.match(header, /^cell,run,status,reference,learner,modality,fusion,gateImageMean,gateImageP16,gateImageP50,gateImageP84,features,/);
    assert.match(rows[0], /,EARLY_FUSION,CONCAT,,,,,RAW,/);
    assert.match(rows[1], /,EARLY_FUSION,GATED,0.7,0.6,0.71,0.8,RAW,/);
    assert.match(rows[2], /,LATE_FUSION,,,,,,RAW,/);
    const md = experimentMarkdown({ id: "9", status: "SUCCEEDED", progress: 1, seed: 0, split: null } as unknown as ExperimentRecord, cells);
    assert.match(md, /\| GATED \| 0\.700 \| 0\.600 \| 0\.710 \| 0\.800 \|/);
    assert.match(md, /the learned gate's weight of the image on the test galaxies/);
  });
});

const TOKEN = "test-token-cnn-fusion-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

for (const backend of backends) {
  describe(`gated fusion end to end on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-cnn-fusion-"));

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 160, cube: await openCube(dataDir) });
      server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("refuses GATED outside a CNN on EARLY_FUSION, queueing nothing", async () => {
      for (const args of ["kind: GBDT, modality: EARLY_FUSION", "kind: CNN, modality: IMAGE"]) {
        const response = await server.graphql(`mutation { trainPredictor(input: { ${args}, fusion: GATED }) { id } }`, {}, AUTH);
        assert.equal(response.errors?.[0].extensions.code, "BAD_USER_INPUT", args);
        assert.deepEqual((response.errors![0].extensions.problems as { argument: string }[]).map((p) => p.argument), ["input.fusion"]);
      }
      const refused = await server.graphql(`mutation { runExperiment(input: { learners: [GBDT], modalities: [EARLY_FUSION], cnnFusions: [GATED] }) { id } }`, {}, AUTH);
      assert.equal(refused.errors?.[0].extensions.code, "BAD_USER_INPUT");
      const [{ runs }] = await db.sql`SELECT count(*)::int AS runs FROM training_runs`;
      assert.equal(runs, 0);
    });

    it("an experiment with cnnFusions [CONCAT, GATED] reports the gate's test-set weights next to early and late fusion", async (t) => {
      const fields = `id status error cells { learner modality fusion metrics { r2 count } run { status fusion fusionWeights { count imageMean imageStd imageP16 imageP50 imageP84 spectrumMean } hyperparameters } }`;
      const queued = await server.graphql(`mutation { runExperiment(input: { learners: [CNN], modalities: [EARLY_FUSION, LATE_FUSION], cnnFusions: [CONCAT, GATED], folds: 2, seed: 3 }) { id } }`, {}, AUTH);
      assert.equal(queued.errors, undefined, JSON.stringify(queued.errors));
      const id = queued.data!.runExperiment.id;
      let e: Record<string, any> = {};
      for (let i = 0; i < 4800; i++) {
        e = (await server.graphql(`query($id: ID!) { experiment(id: $id) { ${fields} } }`, { id })).data!.experiment;
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(e.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.equal(e.status, "SUCCEEDED", e.error);
      assert.deepEqual(e.cells.map((c: any) => [c.learner, c.modality, c.fusion, c.run.fusion]), [
        ["CNN", "EARLY_FUSION", "CONCAT", "CONCAT"], ["CNN", "EARLY_FUSION", "GATED", "GATED"], ["CNN", "LATE_FUSION", null, null], ["CONSTANT", "EARLY_FUSION", null, null], ["LINEAR", "EARLY_FUSION", null, null],
      ]);
      const [concat, gated] = e.cells;
      t.diagnostic(`test R²: ${e.cells.map((c: any) => `${c.learner} ${c.modality} ${c.fusion ?? ""} ${c.metrics.r2.toFixed(3)}`).join("; ")}; gate ${JSON.stringify(gated.run.fusionWeights)}`);
      assert.equal(concat.run.fusionWeights, null);
      assert.deepEqual(gated.run.hyperparameters["image+spectrum"].fusion, "gated");
      const w = gated.run.fusionWeights;
      assert.equal(w.count, gated.metrics.count, "weights of every test galaxy");
      assert.ok(w.imageP16 <= w.imageP50 && w.imageP50 <= w.imageP84 && w.imageP16 > 0 && w.imageP84 < 1, JSON.stringify(w));
      assert.ok(Math.abs(w.imageMean + w.spectrumMean - 1) < 1e-12);
      const md = await (await fetch(`${server.url}/experiments/${id}.md`)).text();
      assert.match(md, /\| modality \| fusion \| gateImageMean \| gateImageP16 \| gateImageP50 \| gateImageP84 \|/);
      assert.ok(md.includes(`| GATED | ${w.imageMean.toFixed(3)} | ${w.imageP16.toFixed(3)} | ${w.imageP50.toFixed(3)} | ${w.imageP84.toFixed(3)} |`), md);
      const csv = await (await fetch(`${server.url}/experiments/${id}.csv`)).text();
      assert.ok(csv.split("\r\n")[0].includes(",fusion,gateImageMean,"));
    });
  });
}
