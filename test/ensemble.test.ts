/**
 * Predictive uncertainty: the noise term calibrated on one sample must give
 * ±σ intervals that cover 68.27 % of a fresh sample — checked by Monte Carlo
 * for Gaussian and for heavy-tailed (Laplace) residuals, with and without
 * fold spread.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { calibrateNoise, ONE_SIGMA_COVERAGE, type Predicted } from "../models/training/ensemble.js";
import { Random } from "../random/random.js";

function sample(n: number, random: Random, residual: () => number, foldSd: (i: number) => number) {
  const truth = new Float64Array(n);
  const value = new Float64Array(n);
  const foldVariance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    value[i] = random.uniform(-2, 2);
    foldVariance[i] = foldSd(i) ** 2;
    // The truth differs from the prediction by the model's own error plus the noise.
    truth[i] = value[i] + random.normal(0, foldSd(i)) + residual();
  }
  return { truth, predicted: { value, foldVariance, sigma: new Float64Array(n) } as Predicted };
}

function coverage(truth: Float64Array, predicted: Predicted, noiseVariance: number): number {
  let inside = 0;
  for (let i = 0; i < truth.length; i++) if (Math.abs(truth[i] - predicted.value[i]) <= Math.sqrt(predicted.foldVariance[i] + noiseVariance)) inside++;
  return inside / truth.length;
}

describe("uncertainty calibration", () => {
  const random = new Random(21);
  const laplace = (b: number) => () => {
    const u = random.next() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
  const cases = [
    { name: "Gaussian residuals, no fold spread", residual: () => random.normal(0, 0.3), foldSd: () => 0 },
    { name: "Gaussian residuals plus fold spread", residual: () => random.normal(0, 0.3), foldSd: (i: number) => 0.05 + 0.1 * (i % 3) },
    { name: "heavy-tailed (Laplace) residuals", residual: laplace(0.25), foldSd: () => 0.05 },
  ];
  for (const c of cases) {
    it(`covers 68.27 % of fresh galaxies: ${c.name}`, () => {
      const calibration = sample(2000, random, c.residual, c.foldSd);
      const s2 = calibrateNoise(calibration.truth, calibration.predicted);
      assert.ok(Math.abs(coverage(calibration.truth, calibration.predicted, s2) - ONE_SIGMA_COVERAGE) < 1 / 2000 + 1e-12);
      const fresh = sample(50_000, random, c.residual, c.foldSd);
      const observed = coverage(fresh.truth, fresh.predicted, s2);
      // Binomial scatter of a 2,000-galaxy calibration: σ ≈ 0.010.
      assert.ok(Math.abs(observed - ONE_SIGMA_COVERAGE) < 0.03, `${c.name}: coverage ${observed}`);
    });
  }

  it("recovers the noise variance of Gaussian residuals", () => {
    const { truth, predicted } = sample(20_000, random, () => random.normal(0, 0.3), () => 0);
    assert.ok(Math.abs(Math.sqrt(calibrateNoise(truth, predicted)) - 0.3) < 0.01);
  });

  it("adds no noise when the fold spread already explains the errors", () => {
    const { truth, predicted } = sample(5000, random, () => 0, () => 0.2);
    // Residuals are N(0, 0.2²) and var_f = 0.2²: the excess is ≤ 0 for 68 %.
    assert.ok(calibrateNoise(truth, predicted) < 0.002);
  });
});
