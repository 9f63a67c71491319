/**
 * The CNN learners learn: on held-out synthetic galaxies each network must
 * beat the mean predictor by a wide margin (RMSE at most 0.35 of the label's
 * standard deviation, i.e. R² ≥ 0.88), and early fusion must use both
 * inputs (beat the image-only net on a label that needs the spectrum).
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadBackend, trainCnn } from "../models/cnn/index.js";
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
});
