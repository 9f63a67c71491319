/**
 * ENGINEERED image features: a dozen physically meaningful numbers per
 * five-band cutout (band-major u,g,r,i,z; nanomaggies; NaN = masked, always
 * excluded). The galaxy sits at the cutout centre.
 *
 *   mag_b     asinh magnitude of the summed flux of band b (Lupton, Gunn &
 *             Szalay 1999, AJ 118, 1406; SDSS softening b per band)
 *   b1_b2     colours u−g, g−r, r−i, i−z (differences of those magnitudes)
 *   r50       r-band half-light radius, arcsec: radius of the circular
 *             aperture (about the centre) holding half the summed flux
 *   c90_50    concentration R90/R50 (r band)
 *   asymmetry r band, A = Σ|I − I₁₈₀| / (2 Σ|I|) over pixel pairs both
 *             unmasked, rotation about the centre (Conselice 2003, ApJS 147, 1;
 *             no background correction)
 */
import { PIXEL_SCALE_ARCSEC } from "../../cube/layout.js";

const BANDS = ["u", "g", "r", "i", "z"] as const;
/** Asinh softening per band, maggies (SDSS). */
const SOFTENING = [1.4e-10, 0.9e-10, 1.2e-10, 1.8e-10, 7.4e-10];
const R_BAND = 2;

export const IMAGE_FEATURE_NAMES: readonly string[] = [
  ...BANDS.map((b) => `mag_${b}`),
  "u_g", "g_r", "r_i", "i_z",
  "r50_arcsec", "c90_50", "asymmetry",
];

/** Asinh magnitude of a flux in nanomaggies. */
export function asinhMagnitude(fluxNanomaggies: number, softeningMaggies: number): number {
  const x = fluxNanomaggies * 1e-9;
  return -(2.5 / Math.LN10) * (Math.asinh(x / (2 * softeningMaggies)) + Math.log(softeningMaggies));
}

/** Radii (pixels) at which the curve of growth reaches the given fractions, linearly interpolated. */
function growthRadii(band: Float32Array, size: number, fractions: number[]): number[] {
  const c = (size - 1) / 2;
  const pixels: [number, number][] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = band[y * size + x];
      if (!Number.isNaN(v)) pixels.push([Math.hypot(x - c, y - c), v]);
    }
  }
  pixels.sort((a, b) => a[0] - b[0]);
  const total = pixels.reduce((s, p) => s + p[1], 0);
  if (!(total > 0)) return fractions.map(() => NaN);
  return fractions.map((fraction) => {
    let sum = 0;
    let previousR = 0;
    let previousSum = 0;
    for (const [r, v] of pixels) {
      sum += v;
      if (sum >= fraction * total) {
        const t = sum === previousSum ? 1 : (fraction * total - previousSum) / (sum - previousSum);
        return previousR + t * (r - previousR);
      }
      previousR = r;
      previousSum = sum;
    }
    return previousR;
  });
}

function asymmetry(band: Float32Array, size: number): number {
  let diff = 0;
  let abs = 0;
  for (let i = 0; i < size * size; i++) {
    const a = band[i];
    const b = band[size * size - 1 - i];
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    diff += Math.abs(a - b);
    abs += Math.abs(a);
  }
  return abs > 0 ? diff / (2 * abs) : NaN;
}

/** The features of one cutout (5 × size × size) into `out` at `offset`. */
export function imageFeatures(image: Float32Array, size: number, zoom: number, out: Float32Array, offset = 0): void {
  const plane = size * size;
  const mags: number[] = [];
  for (let b = 0; b < BANDS.length; b++) {
    let sum = 0;
    let seen = 0;
    for (let i = b * plane; i < (b + 1) * plane; i++) {
      if (!Number.isNaN(image[i])) {
        sum += image[i];
        seen++;
      }
    }
    mags.push(seen > 0 ? asinhMagnitude(sum, SOFTENING[b]) : NaN);
  }
  let k = offset;
  for (const m of mags) out[k++] = m;
  for (let b = 0; b < 4; b++) out[k++] = mags[b] - mags[b + 1];
  const r = image.subarray(R_BAND * plane, (R_BAND + 1) * plane);
  const [r50, r90] = growthRadii(r, size, [0.5, 0.9]);
  out[k++] = r50 * PIXEL_SCALE_ARCSEC * 2 ** zoom;
  out[k++] = r50 > 0 ? r90 / r50 : NaN;
  out[k++] = asymmetry(r, size);
}
