/**
 * Uncertainty propagation of the zoom levels checked by Monte Carlo: many
 * noisy realisations of an image or spectrum are rebinned, and the scatter
 * of each output bin must match the propagated sigma. Tolerance: the mean
 * ratio scatter/sigma within 2 %, every bin within 10 % (4,000 draws give a
 * 1.1 % standard error on a scatter).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { edgesFromCentres, overlapWeights, rebin1d, rebinImage, type Measured } from "../cube/rebin.js";
import { rescaleWcs } from "../sky/tan-wcs.js";
import { spectrumBins, wavelengthGrid } from "../cube/zoom.js";
import { Random } from "../random/random.js";

const DRAWS = 4000;

function monteCarlo(truth: Measured, rebin: (m: Measured) => Measured, random: Random) {
  const propagated = rebin(truth);
  const n = propagated.value.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const noisy: Measured = { value: new Float32Array(truth.value.length), sigma: truth.sigma, mask: truth.mask };
  for (let d = 0; d < DRAWS; d++) {
    for (let i = 0; i < truth.value.length; i++) noisy.value[i] = truth.value[i] + truth.sigma[i] * random.normal();
    const out = rebin(noisy);
    for (let k = 0; k < n; k++) {
      sum[k] += out.value[k];
      sumSq[k] += out.value[k] * out.value[k];
    }
  }
  const ratios: number[] = [];
  for (let k = 0; k < n; k++) {
    if (propagated.mask[k]) continue;
    const mean = sum[k] / DRAWS;
    const scatter = Math.sqrt(sumSq[k] / DRAWS - mean * mean);
    ratios.push(scatter / propagated.sigma[k]);
    assert.ok(Math.abs(mean - propagated.value[k]) < 5 * (propagated.sigma[k] / Math.sqrt(DRAWS)) + 1e-5, `bin ${k}: mean ${mean} vs ${propagated.value[k]}`);
  }
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  assert.ok(Math.abs(meanRatio - 1) < 0.02, `mean scatter/sigma = ${meanRatio}`);
  for (const r of ratios) assert.ok(Math.abs(r - 1) < 0.1, `a bin has scatter/sigma = ${r}`);
  return propagated;
}

function randomImage(size: number, random: Random): Measured {
  const n = size * size;
  const m: Measured = { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    m.value[i] = random.uniform(-1, 5);
    m.sigma[i] = random.uniform(0.2, 2);
    m.mask[i] = random.next() < 0.05 ? 1 : 0;
  }
  // A fully masked 2x2 block at the top left.
  for (const i of [0, 1, size, size + 1]) m.mask[i] = 1;
  return m;
}

describe("zoom-level rebinning", () => {
  it("propagates sigma correctly for 2x2 image means (64 → 32), masked pixels excluded", () => {
    const random = new Random(1);
    const image = randomImage(64, random);
    const out = monteCarlo(image, (m) => rebinImage(m, 64, 32), random);
    assert.equal(out.mask[0], 1, "a fully masked block stays masked");
    assert.ok(Number.isNaN(out.value[0]) && Number.isNaN(out.sigma[0]), "masked output is NaN, not zero");
  });

  it("propagates sigma correctly for sizes between levels (64 → 48, fractional overlaps)", () => {
    const random = new Random(2);
    monteCarlo(randomImage(64, random), (m) => rebinImage(m, 64, 48), random);
  });

  it("gives sqrt(sum sigma^2)/4 for a 2x2 block of good pixels", () => {
    const m: Measured = { value: Float32Array.of(1, 2, 3, 4), sigma: Float32Array.of(1, 2, 2, 4), mask: new Uint8Array(4) };
    const out = rebinImage(m, 2, 1);
    assert.equal(out.value[0], 2.5);
    assert.ok(Math.abs(out.sigma[0] - Math.sqrt(1 + 4 + 4 + 16) / 4) < 1e-6);
  });

  it("propagates sigma correctly when rebinning an SDSS log-lambda spectrum onto the linear grid", () => {
    const random = new Random(3);
    const n = 3800;
    const centres = Float64Array.from({ length: n }, (_, i) => 10 ** (3.58 + i * 1e-4));
    const spectrum: Measured = { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
    for (let i = 0; i < n; i++) {
      spectrum.value[i] = 10 + 3 * Math.sin(i / 50);
      spectrum.sigma[i] = random.uniform(0.5, 3);
      spectrum.mask[i] = i >= 1500 && i < 1520 ? 1 : 0;
    }
    const grid = wavelengthGrid(spectrumBins(3));
    const weights = overlapWeights(edgesFromCentres(centres), edgesFromCentres(grid));
    const out = monteCarlo(spectrum, (m) => rebin1d(m, weights), random);
    // Only output bins lying wholly inside the masked input run (5370-5395 Å) are masked.
    const masked = grid.filter((_, k) => out.mask[k] === 1);
    assert.ok(masked.length >= 1);
    for (const wavelength of masked) assert.ok(wavelength > centres[1500] && wavelength < centres[1519], `${wavelength} Å masked`);
  });

  it("conserves flux: value × width summed over a fully covered range equals the input's", () => {
    const centres = Float64Array.from({ length: 200 }, (_, i) => 5000 + i * 0.9);
    const input: Measured = { value: Float32Array.from({ length: 200 }, (_, i) => 1 + (i % 7)), sigma: new Float32Array(200).fill(1), mask: new Uint8Array(200) };
    const inEdges = edgesFromCentres(centres);
    const outEdges = Float64Array.from({ length: 51 }, (_, i) => 5010 + i * 3.1);
    const out = rebin1d(input, overlapWeights(inEdges, outEdges));
    let fluxOut = 0;
    for (let k = 0; k < 50; k++) fluxOut += out.value[k] * 3.1;
    let fluxIn = 0;
    for (let j = 0; j < 200; j++) fluxIn += input.value[j] * Math.max(0, Math.min(outEdges[50], inEdges[j + 1]) - Math.max(outEdges[0], inEdges[j]));
    assert.ok(Math.abs(fluxOut - fluxIn) / fluxIn < 1e-6, `${fluxOut} vs ${fluxIn}`);
  });

  it("keeps HiSS-Cube's wavelength grid and halves it per zoom", () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(spectrumBins), [4620, 2310, 1155, 577, 288]);
    const grid = wavelengthGrid(4620);
    assert.equal(grid[0], 3839.7244);
    assert.ok(Math.abs(grid[4619] - 8914.597) < 1e-9);
    assert.ok(Math.abs(wavelengthGrid(577)[576] - 8914.597) < 1e-9);
  });

  it("moves the reference pixel by the half-pixel rule when binning a WCS", () => {
    const wcs = rescaleWcs({ crval1: 10, crval2: 0, crpix1: 32.5, crpix2: 32.5, cd1_1: -1e-4, cd1_2: 0, cd2_1: 0, cd2_2: 1e-4 }, 2);
    // The centre of a 64-pixel image (32.5) is the centre of the 32-pixel one (16.5).
    assert.equal(wcs.crpix1, 16.5);
    assert.equal(wcs.cd1_1, -2e-4);
  });
});
