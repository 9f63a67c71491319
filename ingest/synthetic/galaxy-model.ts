/**
 * The noise-free physics of a synthetic galaxy, shared by the demo's
 * cutouts (`observe.ts`) and the SDSS-format survey writer
 * (`sdss-files/`): its light profile, its five-band fluxes and its
 * spectrum as a function of wavelength, with the per-pixel noise levels
 * both use. The formulas and their references are in observe.ts's head.
 */
import { PIXEL_SCALE_ARCSEC } from "../../cube/layout.js";
import type { Random } from "../../random/random.js";
import type { SyntheticGalaxy } from "./survey.js";

const C_KM_S = 299792.458;
const H0 = 70;
export const MPC_CM = 3.0857e24;
const NANOMAGGY_CGS_HZ = 3.631e-29; // erg/s/cm²/Hz per nanomaggy
const C_ANGSTROM_S = 2.998e18;
const R_BAND_ANGSTROM = 6166;
export const FIBRE_FRACTION = 0.35;
/** Seeing FWHM, arcseconds. */
export const SEEING_FWHM_ARCSEC = 1.4;

/** Blank-sky noise per 0.396″ pixel (nanomaggies) and photon-noise variance per nanomaggy of source, bands u,g,r,i,z. */
export const SKY_SIGMA_NMGY = [0.09, 0.03, 0.04, 0.06, 0.2];
export const PHOTON_NOISE = [0.012, 0.004, 0.005, 0.007, 0.02];

/** FNV-1a hash of a key: the seed of everything drawn for it. */
export function seedOf(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Luminosity distance in Mpc, low-redshift expansion (q0 = −0.55 folded into 1 + z/2). */
export function luminosityDistanceMpc(z: number): number {
  return ((C_KM_S * z) / H0) * (1 + z / 2);
}

/** 0 for quenched (log sSFR ≤ −12), 1 for strongly star-forming (≥ −9.5). */
export function blueness(g: SyntheticGalaxy): number {
  const logSsfr = g.truth.logSfr - g.truth.logStellarMass;
  return Math.min(1, Math.max(0, (logSsfr + 12) / 2.5));
}

/** Colours relative to r (u−r, g−r, 0, r−i → i, i−z) as magnitude offsets per band u,g,r,i,z. */
export function bandOffsets(t: number): number[] {
  const ur = 2.6 - 1.2 * t;
  const gr = 0.8 - 0.4 * t;
  const ri = 0.42 - 0.17 * t;
  const iz = 0.32 - 0.12 * t;
  return [ur, gr, 0, -ri, -ri - iz];
}

export function rMagnitude(g: SyntheticGalaxy, t: number): number {
  const massToLight = 3 - 2 * t; // solar units, r band
  const logL = g.truth.logStellarMass - Math.log10(massToLight);
  const absolute = 4.65 - 2.5 * logL;
  return absolute + 5 * Math.log10(luminosityDistanceMpc(g.redshift ?? 0.1)) + 25;
}

/** Total flux per band u,g,r,i,z, nanomaggies. */
export function bandTotalsNmgy(g: SyntheticGalaxy): number[] {
  const t = blueness(g);
  const mR = rMagnitude(g, t);
  return bandOffsets(t).map((offset) => 10 ** ((22.5 - (mR + offset)) / 2.5));
}

/** One pass of a 1-D kernel along rows (horizontal) or columns of a size × size image; edges truncated. */
function convolvePass(from: Float64Array, to: Float64Array, size: number, kernel: Float64Array, horizontal: boolean): void {
  const radius = (kernel.length - 1) / 2;
  const norm = kernel.reduce((a, b) => a + b, 0);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const [xx, yy] = horizontal ? [x + k, y] : [x, y + k];
        if (xx >= 0 && xx < size && yy >= 0 && yy < size) s += from[yy * size + xx] * kernel[k + radius];
      }
      to[y * size + x] = s / norm;
    }
}

/** Separable Gaussian blur (sigma in pixels) of a size × size image in place. */
export function blur(image: Float64Array, size: number, sigmaPx: number): void {
  const radius = Math.ceil(3 * sigmaPx);
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigmaPx * sigmaPx)));
  const tmp = new Float64Array(image.length);
  convolvePass(image, tmp, size, kernel, true);
  convolvePass(tmp, image, size, kernel, false);
}

/** The drawn shape of a galaxy's light: disc and bulge effective radii (pixels), B/T, axis ratio, position angle. */
export interface ImageShape {
  discRe: number;
  bulgeRe: number;
  bulgeFraction: number;
  q: number;
  cosPa: number;
  sinPa: number;
}

/** Draws a galaxy's shape (three draws from `random`: B/T scatter, inclination, position angle). */
export function drawImageShape(g: SyntheticGalaxy, random: Random): ImageShape {
  const t = blueness(g);
  const z = g.redshift ?? 0.1;
  const angularDistanceKpc = (luminosityDistanceMpc(z) * 1000) / (1 + z) ** 2;
  const arcsecPerKpc = 206265 / angularDistanceKpc;
  const discRe = 10 ** (0.25 * (g.truth.logStellarMass - 10) + 0.6) * arcsecPerKpc / PIXEL_SCALE_ARCSEC; // px
  const bulgeRe = 0.4 * discRe;
  const bulgeFraction = Math.min(0.9, 0.1 + 0.6 * (1 - t) + random.normal(0, 0.05));
  const cosI = random.next();
  const q = Math.sqrt(cosI * cosI * (1 - 0.04) + 0.04);
  const pa = random.uniform(0, Math.PI);
  return { discRe, bulgeRe, bulgeFraction, q, cosPa: Math.cos(pa), sinPa: Math.sin(pa) };
}

/**
 * The seeing-convolved profile on a size × size stamp, centred at 0-based
 * (centreX, centreY), summing to 1 over the stamp before the blur
 * (disc and bulge normalised separately).
 */
export function renderProfile(shape: ImageShape, size: number, centreX: number, centreY: number): Float64Array {
  const { discRe, bulgeRe, bulgeFraction, q, cosPa, sinPa } = shape;
  const disc = new Float64Array(size * size);
  const bulge = new Float64Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const dx = x - centreX;
      const dy = y - centreY;
      const major = dx * cosPa + dy * sinPa;
      const minor = -dx * sinPa + dy * cosPa;
      const rDisc = Math.sqrt(major * major + (minor / q) ** 2);
      const rBulge = Math.sqrt(major * major + (minor / Math.max(q, 0.7)) ** 2);
      disc[y * size + x] = Math.exp((-1.678 * rDisc) / discRe);
      bulge[y * size + x] = Math.exp(-7.669 * ((rBulge / bulgeRe) ** 0.25 - 1));
    }
  const sumDisc = disc.reduce((a, b) => a + b, 0);
  const sumBulge = bulge.reduce((a, b) => a + b, 0);
  const profile = new Float64Array(size * size);
  for (let i = 0; i < profile.length; i++) profile[i] = ((1 - bulgeFraction) * disc[i]) / sumDisc + (bulgeFraction * bulge[i]) / sumBulge;
  blur(profile, size, SEEING_FWHM_ARCSEC / 2.355 / PIXEL_SCALE_ARCSEC);
  return profile;
}

/** Rest-frame wavelengths (Angstrom, vacuum) of the lines. */
export const LINES = { OII: 3728.5, Hbeta: 4862.7, OIII: 5008.2, Halpha: 6564.6, NII: 6585.3 } as const;
const CALZETTI_K = { OII: 5.86, Hbeta: 4.6, OIII: 4.46, Halpha: 3.33, NII: 3.33 } as const;

/** Observed line fluxes (1e-17 erg/s/cm²) through the fibre. */
export function lineFluxes(g: SyntheticGalaxy): Record<keyof typeof LINES, number> {
  const z = g.redshift ?? 0.1;
  const dL = luminosityDistanceMpc(z) * MPC_CM;
  const halpha = ((10 ** g.truth.logSfr / 7.9e-42) / (4 * Math.PI * dL * dL)) * FIBRE_FRACTION / 1e-17;
  const ebv = Math.min(0.8, Math.max(0, 0.1 + 0.25 * (g.truth.logStellarMass - 9.5)));
  const oiii = Math.min(1, Math.max(0.05, 0.3 * (1 - (g.truth.logStellarMass - 9) / 3)));
  const intrinsic = { OII: 0.8 * halpha, Hbeta: halpha / 2.86, OIII: oiii * halpha, Halpha: halpha, NII: 0.35 * halpha };
  const out = {} as Record<keyof typeof LINES, number>;
  for (const line of Object.keys(LINES) as (keyof typeof LINES)[]) out[line] = intrinsic[line] * 10 ** (-0.4 * CALZETTI_K[line] * ebv);
  return out;
}

/**
 * A galaxy's noise-free spectrum: observed wavelength (Å) → flux density
 * (1e-17 erg/s/cm²/Å) through the fibre. Draws the 4000 Å break's scatter
 * (one draw from `random`).
 */
export function drawSpectrumModel(g: SyntheticGalaxy, random: Random): (observedAngstrom: number) => number {
  const t = blueness(g);
  const z = g.redshift ?? 0.1;
  const rFlux = 10 ** ((22.5 - rMagnitude(g, t)) / 2.5);
  const atR = (FIBRE_FRACTION * rFlux * NANOMAGGY_CGS_HZ * C_ANGSTROM_S) / (R_BAND_ANGSTROM * R_BAND_ANGSTROM) / 1e-17;
  const slope = -1.2 + 1.8 * (1 - t);
  const d4000 = 1.25 + 0.7 * (1 - t) + random.normal(0, 0.05);
  const shape = (observed: number) => {
    const rest = observed / (1 + z);
    const step = 1 / (1 + Math.exp(-(rest - 4000) / 15)); // 0 blue of the break, 1 red of it
    return (rest / 5000) ** slope * (1 / d4000 + (1 - 1 / d4000) * step);
  };
  const norm = atR / shape(R_BAND_ANGSTROM);
  const lines = lineFluxes(g);
  const lineSigma = 3; // Angstrom, observed
  return (lambda) => {
    let model = norm * shape(lambda);
    for (const line of Object.keys(LINES) as (keyof typeof LINES)[]) {
      const centre = LINES[line] * (1 + z);
      const d = (lambda - centre) / lineSigma;
      if (Math.abs(d) < 6) model += (lines[line] * Math.exp(-0.5 * d * d)) / (lineSigma * Math.sqrt(2 * Math.PI));
    }
    return model;
  };
}

/** Sky lines (Å) near which the spectral noise is doubled. */
export const SKY_LINES_ANGSTROM = [5577.3, 5889.9, 6300.3, 6363.8];

/** Spectral noise (1e-17 erg/s/cm²/Å) at an observed wavelength for a model flux: sky (with lines), growing to the red, plus photon noise. */
export function spectrumSigma(lambda: number, model: number): number {
  const skyLine = SKY_LINES_ANGSTROM.some((l) => Math.abs(lambda - l) < 3) ? 4 : 1;
  const red = lambda > 7500 ? 1 + (lambda - 7500) / 1500 : 1;
  return Math.sqrt(0.16 * skyLine * red * red + 0.02 * Math.abs(model));
}
