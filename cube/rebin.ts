/**
 * Rebinning with uncertainty propagation, the one rule behind every zoom
 * level of the cube (images and spectra alike).
 *
 * An output bin covers parts of several input bins. With w_j the length of
 * the overlap of input bin j with the output bin (pixels, or Angstrom), and
 * only unmasked inputs taking part:
 *
 *     value = Σ w_j f_j / Σ w_j                (overlap-weighted mean)
 *     sigma = sqrt(Σ w_j² σ_j²) / Σ w_j        (independent errors)
 *
 * For flux densities (per pixel, per Angstrom) the weighted mean conserves
 * flux: value × output width = Σ f_j × overlap_j. A 2x2 block of equal
 * pixels gives the familiar mean with sigma = sqrt(Σ σ²)/4. An output bin
 * whose inputs are all masked, or that no input covers, stays masked
 * (value and sigma NaN, mask 1); it is never filled with zeros.
 */

/** Sparse overlap weights: output bin k takes inputs first[k] … first[k] + weights[k].length − 1. */
export interface OverlapWeights {
  first: Int32Array;
  weights: Float64Array[];
}

/**
 * Overlaps between two binnings given by their edges (increasing; n + 1 edges
 * for n bins), in the same unit.
 */
export function overlapWeights(inputEdges: ArrayLike<number>, outputEdges: ArrayLike<number>): OverlapWeights {
  const outputs = outputEdges.length - 1;
  const inputs = inputEdges.length - 1;
  const first = new Int32Array(outputs);
  const weights: Float64Array[] = [];
  let j = 0;
  for (let k = 0; k < outputs; k++) {
    const lo = outputEdges[k];
    const hi = outputEdges[k + 1];
    while (j < inputs && inputEdges[j + 1] <= lo) j++;
    first[k] = j;
    const list: number[] = [];
    for (let i = j; i < inputs && inputEdges[i] < hi; i++) {
      list.push(Math.max(0, Math.min(hi, inputEdges[i + 1]) - Math.max(lo, inputEdges[i])));
    }
    weights.push(Float64Array.from(list));
  }
  return { first, weights };
}

/** Edges of n equal bins over [0, n × width): pixel edges for images. */
export function uniformEdges(count: number, width = 1): Float64Array {
  return Float64Array.from({ length: count + 1 }, (_, i) => i * width);
}

/** Edges of bins whose centres are given: midpoints, and half a step beyond each end. */
export function edgesFromCentres(centres: ArrayLike<number>): Float64Array {
  const n = centres.length;
  const edges = new Float64Array(n + 1);
  for (let i = 1; i < n; i++) edges[i] = (centres[i - 1] + centres[i]) / 2;
  edges[0] = centres[0] - (edges[1] - centres[0]);
  edges[n] = centres[n - 1] + (centres[n - 1] - edges[n - 1]);
  return edges;
}

export interface Measured {
  value: Float32Array;
  sigma: Float32Array;
  /** 1 = masked (no data), 0 = good. */
  mask: Uint8Array;
}

/** The running sums of one output bin: Σw, Σw·f and Σw²σ² over unmasked inputs. */
class WeightedMean {
  private sumW = 0;
  private sumWF = 0;
  private sumW2S2 = 0;

  add(input: Measured, j: number, weight: number): void {
    if (weight === 0 || input.mask[j] !== 0) return;
    this.sumW += weight;
    this.sumWF += weight * input.value[j];
    this.sumW2S2 += weight * weight * input.sigma[j] * input.sigma[j];
  }

  /** Writes value = Σw f/Σw and sigma = sqrt(Σw²σ²)/Σw into out[k] (masked if nothing counted), then resets. */
  storeInto(out: Measured, k: number): void {
    if (this.sumW > 0) {
      out.value[k] = this.sumWF / this.sumW;
      out.sigma[k] = Math.sqrt(this.sumW2S2) / this.sumW;
    } else {
      out.value[k] = NaN;
      out.sigma[k] = NaN;
      out.mask[k] = 1;
    }
    this.sumW = this.sumWF = this.sumW2S2 = 0;
  }
}

function emptyMeasured(n: number): Measured {
  return { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
}

/** Rebins one 1-D series (a spectrum) with the given weights. */
export function rebin1d(input: Measured, w: OverlapWeights): Measured {
  const out = emptyMeasured(w.first.length);
  const mean = new WeightedMean();
  for (let k = 0; k < w.first.length; k++) {
    const weights = w.weights[k];
    for (let t = 0; t < weights.length; t++) mean.add(input, w.first[k] + t, weights[t]);
    mean.storeInto(out, k);
  }
  return out;
}

/**
 * Rebins a square image (rows × columns = size × size, row-major) to
 * `outSize` × `outSize`, weights separable in rows and columns.
 */
export function rebinImage(input: Measured, size: number, outSize: number): Measured {
  const w = overlapWeights(uniformEdges(size), uniformEdges(outSize, size / outSize));
  const out = emptyMeasured(outSize * outSize);
  const mean = new WeightedMean();
  for (let row = 0; row < outSize; row++) {
    const rowWeights = w.weights[row];
    for (let col = 0; col < outSize; col++) {
      const colWeights = w.weights[col];
      for (let a = 0; a < rowWeights.length; a++) {
        const rowStart = (w.first[row] + a) * size + w.first[col];
        for (let b = 0; b < colWeights.length; b++) mean.add(input, rowStart + b, rowWeights[a] * colWeights[b]);
      }
      mean.storeInto(out, row * outSize + col);
    }
  }
  return out;
}

/**
 * Inverse-variance weighted mean of several measurements of one object on
 * the same grid (repeat spectra): f = Σ f_i/σ_i² / Σ 1/σ_i²,
 * σ = 1/sqrt(Σ 1/σ_i²); a bin masked in every input stays masked. The
 * mean is associative: combining a combination with a new measurement
 * gives the combination of all (up to float32 rounding), which is how a
 * repeat observation ingested later joins its object.
 */
export function combineMeasured(spectra: readonly Measured[]): Measured {
  const n = spectra[0].value.length;
  const out: Measured = { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    let weights = 0;
    let weighted = 0;
    for (const s of spectra) {
      if (s.mask[i]) continue;
      const w = 1 / (s.sigma[i] * s.sigma[i]);
      weights += w;
      weighted += w * s.value[i];
    }
    if (weights > 0) {
      out.value[i] = weighted / weights;
      out.sigma[i] = 1 / Math.sqrt(weights);
    } else {
      out.value[i] = NaN;
      out.sigma[i] = NaN;
      out.mask[i] = 1;
    }
  }
  return out;
}
