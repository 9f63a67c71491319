/**
 * Small synthetic galaxies for the CNN tests, with labels the networks must
 * recover: log10 of an image's total flux, log10 of a spectral line's
 * strength, or their sum.
 */
import type { ArrayInputs } from "../../models/learner.js";
import { Random } from "../../random/random.js";

export interface Synthetic {
  x: ArrayInputs;
  /** log10 total flux of the noiseless image (all bands). */
  imageLabel: Float32Array;
  /** log10 amplitude of the emission line. */
  lineLabel: Float32Array;
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.fraction32())) * Math.cos(2 * Math.PI * random.fraction32());
}

export function syntheticGalaxies(rows: number, seed: number, options: { bands?: number; size?: number; bins?: number; maskFraction?: number } = {}): Synthetic {
  const { bands = 3, size = 16, bins = 0, maskFraction = 0 } = options;
  const random = new Random(seed);
  const image = size > 0 ? new Float32Array(rows * bands * size * size) : undefined;
  const spectrum = bins > 0 ? new Float32Array(rows * bins) : undefined;
  const imageLabel = new Float32Array(rows);
  const lineLabel = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (image) {
      const logFlux = 1 + 2 * random.fraction32();
      const radius = 1 + 2 * random.fraction32();
      const cx = size / 2 + (random.fraction32() - 0.5) * 2;
      const cy = size / 2 + (random.fraction32() - 0.5) * 2;
      let total = 0;
      const profile = new Float64Array(size * size);
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) total += profile[i * size + j] = Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / (2 * radius * radius));
      for (let b = 0; b < bands; b++) {
        const bandFlux = (10 ** logFlux / bands) * (0.6 + 0.8 * (b / Math.max(1, bands - 1)));
        for (let p = 0; p < size * size; p++) {
          const masked = random.fraction32() < maskFraction;
          image[(r * bands + b) * size * size + p] = masked ? NaN : (bandFlux * profile[p]) / total + 0.05 * normal(random);
        }
      }
      let sum = 0;
      for (let b = 0; b < bands; b++) sum += (10 ** logFlux / bands) * (0.6 + 0.8 * (b / Math.max(1, bands - 1)));
      imageLabel[r] = Math.log10(sum);
    }
    if (spectrum) {
      const logLine = 2 * random.fraction32();
      const centre = bins * 0.6;
      const width = bins / 100;
      const continuum = 1 + 0.5 * random.fraction32();
      for (let k = 0; k < bins; k++) {
        const masked = random.fraction32() < maskFraction;
        spectrum[r * bins + k] = masked ? NaN : continuum + 10 ** logLine * Math.exp(-((k - centre) ** 2) / (2 * width * width)) + 0.1 * normal(random);
      }
      lineLabel[r] = logLine;
    }
  }
  const x: ArrayInputs = { rows };
  if (image) x.image = { values: image, bands, size };
  if (spectrum) x.spectrum = { values: spectrum, bins };
  return { x, imageLabel, lineLabel };
}

export function rmse(predicted: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (predicted[i] - y[i]) ** 2;
  return Math.sqrt(sum / y.length);
}

/** RMSE of always predicting the mean of `y` (its standard deviation). */
export function meanPredictorRmse(y: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  return rmse(Array.from({ length: y.length }, () => mean), y);
}
