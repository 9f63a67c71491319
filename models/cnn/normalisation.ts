/**
 * Input scaling fitted on the training rows and stored in the model.
 *
 * Each image band (and the spectrum, as one channel) is centred on its
 * median and divided by its robust spread σ = 1.4826 · MAD (the normal
 * distribution's standard deviation for Gaussian noise), then compressed
 * with asinh: faint pixels stay linear in units of the noise, bright ones
 * become logarithmic, as in the SDSS asinh magnitudes (Lupton, Gunn &
 * Szalay 1999, AJ 118, 1406). Masked values (NaN, or any non-finite value) become 0 and, when the
 * training data had any, an extra mask channel per band (1 = masked) tells
 * the network where they were.
 *
 * Batches are assembled here from the band-major ArrayInputs into the
 * channels-last layout TensorFlow.js convolves: images [n, size, size, c],
 * spectra [n, 1, bins, c] (a 1-D convolution is a 1 x k 2-D one).
 */
import type { ArrayInputs } from "../learner.js";
import { Random } from "../../random/random.js";

export interface ChannelScaling {
  /** Per input channel (band), in the input's flux unit. */
  center: number[];
  scale: number[];
  /** Whether a mask channel follows each band's channel. */
  masked: boolean;
}

export interface Normalisation {
  image?: ChannelScaling & { bands: number; size: number };
  spectrum?: ChannelScaling & { bins: number };
}

const SAMPLE = 200_000;
const MAD_TO_SIGMA = 1.4826;

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * Median and 1.4826·MAD of the finite values among `count`, read through
 * `valueAt`, on a fixed pseudo-random subsample of SAMPLE positions when
 * there are more (an even stride could keep hitting the same pixels).
 */
function robustScaling(count: number, valueAt: (i: number) => number): { center: number; scale: number } {
  const sample: number[] = [];
  const random = count > SAMPLE ? new Random(0) : undefined;
  for (let k = 0; k < Math.min(count, SAMPLE); k++) {
    const v = valueAt(random ? Math.floor(random.fraction32() * count) : k);
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return { center: 0, scale: 1 };
  const sorted = Float64Array.from(sample).sort();
  const center = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - center)).sort();
  let scale = MAD_TO_SIGMA * median(deviations);
  if (!(scale > 0)) {
    // More than half the values equal: fall back to the standard deviation.
    let sum = 0;
    for (const v of sorted) sum += (v - center) ** 2;
    scale = Math.sqrt(sum / sorted.length);
  }
  return { center, scale: scale > 0 ? scale : 1 };
}

function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}

export function fitNormalisation(x: ArrayInputs): Normalisation {
  const out: Normalisation = {};
  if (x.image) {
    const { values, bands, size } = x.image;
    const pixels = size * size;
    const center: number[] = [];
    const scale: number[] = [];
    const masked = hasNonFinite(values);
    for (let b = 0; b < bands; b++) {
      const s = robustScaling(x.rows * pixels, (i) => values[(Math.floor(i / pixels) * bands + b) * pixels + (i % pixels)]);
      center.push(s.center);
      scale.push(s.scale);
    }
    out.image = { bands, size, center, scale, masked };
  }
  if (x.spectrum) {
    const { values, bins } = x.spectrum;
    const masked = hasNonFinite(values);
    const s = robustScaling(x.rows * bins, (i) => values[i]);
    out.spectrum = { bins, center: [s.center], scale: [s.scale], masked };
  }
  return out;
}

export function imageChannels(n: NonNullable<Normalisation["image"]>): number {
  return n.masked ? 2 * n.bands : n.bands;
}

export function spectrumChannels(n: NonNullable<Normalisation["spectrum"]>): number {
  return n.masked ? 2 : 1;
}

/** Rows `rows` of the images as [rows.length, size, size, channels], scaled. */
export function imageBatch(x: ArrayInputs, rows: ArrayLike<number>, n: NonNullable<Normalisation["image"]>): Float32Array {
  const { values, bands, size } = x.image!;
  const pixels = size * size;
  const channels = imageChannels(n);
  const out = new Float32Array(rows.length * pixels * channels);
  for (let r = 0; r < rows.length; r++) {
    const base = r * pixels * channels;
    for (let b = 0; b < bands; b++) {
      const source = (rows[r] * bands + b) * pixels;
      const center = n.center[b];
      const inverse = 1 / n.scale[b];
      for (let p = 0; p < pixels; p++) {
        const v = values[source + p];
        const o = base + p * channels + b;
        if (!Number.isFinite(v)) {
          if (n.masked) out[o + bands] = 1;
        } else {
          out[o] = Math.asinh((v - center) * inverse);
        }
      }
    }
  }
  return out;
}

/** Rows `rows` of the spectra as [rows.length, 1, bins, channels], scaled. */
export function spectrumBatch(x: ArrayInputs, rows: ArrayLike<number>, n: NonNullable<Normalisation["spectrum"]>): Float32Array {
  const { values, bins } = x.spectrum!;
  const channels = spectrumChannels(n);
  const out = new Float32Array(rows.length * bins * channels);
  const center = n.center[0];
  const inverse = 1 / n.scale[0];
  for (let r = 0; r < rows.length; r++) {
    const source = rows[r] * bins;
    const base = r * bins * channels;
    for (let k = 0; k < bins; k++) {
      const v = values[source + k];
      if (!Number.isFinite(v)) {
        if (n.masked) out[base + k * channels + 1] = 1;
      } else {
        out[base + k * channels] = Math.asinh((v - center) * inverse);
      }
    }
  }
  return out;
}
