/**
 * The CNN learners learn: on held-out synthetic galaxies each network must
 * beat the mean predictor by a wide margin (RMSE at most 0.35 of the label's
 * standard deviation, i.e. R² ≥ 0.88), and early fusion must use both
 * inputs (beat the image-only net on a label that needs the spectrum).
 * The classifier (a K-wide head on the class-weighted cross-entropy) must
 * classify galaxies by their flux well above the majority class.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CnnInputError, CnnModel, loadBackend, trainCnn, trainCnnClassifier } from "../models/cnn/index.js";
import { classificationMetrics } from "../models/evaluation/classification-metrics.js";
import { classWeights } from "../models/training/target.js";
import { meanPredictorRmse, rmse, syntheticGalaxies } from "./support/cnn-data.js";

describe("CNN learners on synthetic galaxies", () => {
  before(async () => {
    await loadBackend("wasm");
  });

  it("a 2-D net learns log total flux from images", async (t) => {
    const train = syntheticGalaxies(480, 1, { bands: 3, size: 16 });
    const test = syntheticGalaxies(160, 2, { bands: 3, size: 16 });
    const model = await trainCnn(train.x, train.imageLabel, { epochs: 12, filters: 8 }, { seed: 1 });
    const error = rmse(await model.predict(test.x), test.imageLabel);
    model.dispose();
    t.diagnostic(`RMSE ${error.toFixed(3)}, mean predictor ${meanPredictorRmse(test.imageLabel).toFixed(3)}`);
    assert.ok(error < 0.35 * meanPredictorRmse(test.imageLabel), `RMSE ${error} vs mean predictor ${meanPredictorRmse(test.imageLabel)}`);
  });

  it("a 1-D net learns an emission line's strength from spectra", async (t) => {
    const train = syntheticGalaxies(480, 3, { size: 0, bins: 288 });
    const test = syntheticGalaxies(160, 4, { size: 0, bins: 288 });
    const model = await trainCnn(train.x, train.lineLabel, { epochs: 12, filters: 8 }, { seed: 1 });
    const error = rmse(await model.predict(test.x), test.lineLabel);
    model.dispose();
    t.diagnostic(`RMSE ${error.toFixed(3)}, mean predictor ${meanPredictorRmse(test.lineLabel).toFixed(3)}`);
    assert.ok(error < 0.35 * meanPredictorRmse(test.lineLabel), `RMSE ${error} vs mean predictor ${meanPredictorRmse(test.lineLabel)}`);
  });

  it("early fusion learns a label that needs both the image and the spectrum", async (t) => {
    const train = syntheticGalaxies(480, 5, { bands: 3, size: 8, bins: 288 });
    const test = syntheticGalaxies(160, 6, { bands: 3, size: 8, bins: 288 });
    const label = (s: typeof train) => s.imageLabel.map((v, i) => v + s.lineLabel[i]);
    const fused = await trainCnn(train.x, label(train), { epochs: 12, filters: 8 }, { seed: 1 });
    const imageOnly = await trainCnn({ rows: train.x.rows, image: train.x.image }, label(train), { epochs: 12, filters: 8 }, { seed: 1 });
    const fusedError = rmse(await fused.predict(test.x), label(test));
    const imageOnlyError = rmse(await imageOnly.predict({ rows: test.x.rows, image: test.x.image }), label(test));
    fused.dispose();
    imageOnly.dispose();
    t.diagnostic(`RMSE fused ${fusedError.toFixed(3)}, image only ${imageOnlyError.toFixed(3)}, mean predictor ${meanPredictorRmse(label(test)).toFixed(3)}`);
    assert.ok(fusedError < 0.35 * meanPredictorRmse(label(test)), `fused RMSE ${fusedError} vs mean predictor ${meanPredictorRmse(label(test))}`);
    assert.ok(fusedError < 0.6 * imageOnlyError, `fused RMSE ${fusedError} vs image only ${imageOnlyError}`);
  });

  it("a 2-D net classifies galaxies by flux: softmax probabilities, class weights, the same after save and load", async (t) => {
    // Three imbalanced classes of log flux (≈ 65 % / 20 % / 15 %).
    const classOf = (s: ReturnType<typeof syntheticGalaxies>) => Float32Array.from(s.imageLabel, (v) => (v > 2.6 ? 1 : v < 1.3 ? 2 : 0));
    const train = syntheticGalaxies(480, 7, { bands: 3, size: 16 });
    const validation = syntheticGalaxies(120, 8, { bands: 3, size: 16 });
    const test = syntheticGalaxies(160, 9, { bands: 3, size: 16 });
    const y = classOf(train);
    const task = { classCount: 3, classWeights: classWeights(y, Array.from(y, (_, i) => i), 3, "BALANCED") };
    const model = await trainCnnClassifier(train.x, y, task, { epochs: 12, filters: 8 }, { seed: 1, validation: { x: validation.x, y: classOf(validation) } });
    assert.equal(model.spec.classes, 3);
    const p = await model.predictProbabilities(test.x);
    for (let i = 0; i < test.x.rows; i++) assert.ok(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1) < 1e-9, "each row sums to 1");
    const m = classificationMetrics(classOf(test), p, ["A", "B", "C"]);
    const majority = Math.max(...[0, 1, 2].map((c) => classOf(test).filter((v) => v === c).length)) / test.x.rows;
    const history = model.spec.training.history;
    t.diagnostic(`accuracy ${m.accuracy.toFixed(3)} (majority ${majority.toFixed(3)}), balanced ${m.balancedAccuracy.toFixed(3)}, log loss ${m.logLoss.toFixed(3)}; ${history.length} epochs, best ${model.spec.training.bestEpoch}, weighted train log loss ${history[0].train.toFixed(3)} → ${history.at(-1)!.train.toFixed(3)}`);
    assert.ok(m.accuracy > majority + 0.1, `accuracy ${m.accuracy} vs the majority class ${majority}`);
    assert.ok(m.balancedAccuracy > 0.8, `balanced accuracy ${m.balancedAccuracy}`);
    assert.ok(history.at(-1)!.train < history[0].train && history.every((h) => h.validation !== undefined), "the weighted log loss falls; validation is reported each epoch");
    const loaded = await CnnModel.load(await model.save());
    const again = await loaded.predictProbabilities(test.x);
    for (let i = 0; i < again.length; i++) assert.ok(Math.abs(again[i] - p[i]) < 1e-9, "the same probabilities after save and load");
    await assert.rejects(model.predict(test.x), /is a classifier: use predictProbabilities/);
    await assert.rejects(trainCnnClassifier(train.x, Float32Array.from(y, () => 3), task, { epochs: 1 }, { seed: 1 }), (e: unknown) => e instanceof CnnInputError && /labels must be class indices 0..2/.test(e.message));
    model.dispose();
    loaded.dispose();
  });
});
