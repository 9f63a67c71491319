/**
 * ENGINEERED spectrum features, measured in the rest frame given by the
 * catalogue redshift (flux in 1e-17 erg/s/cm²/Å on the cube's linear grid;
 * NaN = masked, excluded):
 *
 *   redshift        the catalogue redshift (it sets the distance, hence luminosity)
 *   log_continuum   log10 of the median flux in rest 5300–5700 Å: the normalisation
 *   F_<line>        line flux, 1e-17 erg/s/cm²: Σ (f − c) Δλ over the line window,
 *                   c = median of the two side bands (table below)
 *   EW_<line>       rest-frame equivalent width, Å: F / c / (1 + z) (positive = emission)
 *   log_L_Halpha    log10 Hα luminosity, erg/s, 4π d_L² F (flat ΛCDM, H0 = 70, Ωm = 0.3)
 *   balmer_decrement  F_Hα / F_Hβ (dust; 2.86 without)
 *   D4000           narrow 4000 Å break (Balogh et al. 1999, ApJ 527, 54):
 *                   Σ f_ν over 4000–4100 Å / Σ f_ν over 3850–3950 Å, f_ν ∝ f_λ λ²
 *
 * Lines (vacuum, Å) with windows and side bands (rest frame): Hα 6564.6,
 * Hβ 4862.7, [OII] 3728.5, [OIII] 5008.2, [NII] 6585.3. At coarse zooms
 * (≥ 8.8 Å per bin from zoom 3) Hα and [NII] blend: their windows overlap.
 * A feature whose window is off the spectrum or fully masked is NaN.
 */
import { median } from "../evaluation/metrics.js";

const LINES = [
  { name: "Halpha", centre: 6564.6, half: 12, blue: [6490, 6530], red: [6610, 6650] },
  { name: "Hbeta", centre: 4862.7, half: 12, blue: [4800, 4840], red: [4885, 4925] },
  { name: "OII", centre: 3728.5, half: 12, blue: [3670, 3710], red: [3750, 3790] },
  { name: "OIII", centre: 5008.2, half: 12, blue: [4940, 4990], red: [5030, 5070] },
  { name: "NII", centre: 6585.3, half: 8, blue: [6490, 6530], red: [6610, 6650] },
] as const;

export const SPECTRUM_FEATURE_NAMES: readonly string[] = [
  "redshift",
  "log_continuum",
  ...LINES.map((l) => `F_${l.name}`),
  ...LINES.map((l) => `EW_${l.name}`),
  "log_L_Halpha",
  "balmer_decrement",
  "D4000",
];

const C_KM_S = 299792.458;
const MPC_CM = 3.0856775814913673e24;

/** Luminosity distance, cm, flat ΛCDM (H0 = 70 km/s/Mpc, Ωm = 0.3), Simpson's rule. */
export function luminosityDistanceCm(z: number): number {
  const steps = 200;
  const e = (x: number) => 1 / Math.sqrt(0.3 * (1 + x) ** 3 + 0.7);
  const h = z / steps;
  let s = e(0) + e(z);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * e(i * h);
  const comovingMpc = ((C_KM_S / 70) * s * h) / 3;
  return (1 + z) * comovingMpc * MPC_CM;
}

/** Unmasked flux values whose rest wavelength lies in [from, to). */
function inBand(flux: Float32Array, rest: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < flux.length; i++) if (rest[i] >= from && rest[i] < to && !Number.isNaN(flux[i])) out.push(flux[i]);
  return out;
}

/** The features of one spectrum (flux on `wavelength`, observed Å) into `out` at `offset`. */
export function spectrumFeatures(flux: Float32Array, wavelength: Float64Array, redshift: number | null, out: Float32Array, offset = 0): void {
  const names = SPECTRUM_FEATURE_NAMES.length;
  if (redshift === null || !Number.isFinite(redshift) || redshift <= -0.01) {
    out.fill(NaN, offset, offset + names);
    return;
  }
  const z = redshift;
  const rest = wavelength.map((l) => l / (1 + z));
  const dLambdaObs = wavelength.length > 1 ? wavelength[1] - wavelength[0] : 1;
  let k = offset;
  out[k++] = z;
  out[k++] = Math.log10(median(inBand(flux, rest, 5300, 5700)));
  const fluxes: number[] = [];
  const ews: number[] = [];
  for (const line of LINES) {
    const continuum = median([...inBand(flux, rest, line.blue[0], line.blue[1]), ...inBand(flux, rest, line.red[0], line.red[1])]);
    const window = inBand(flux, rest, line.centre - line.half, line.centre + line.half);
    const f = window.length > 0 && Number.isFinite(continuum) ? window.reduce((s, v) => s + (v - continuum), 0) * dLambdaObs : NaN;
    fluxes.push(f);
    ews.push(continuum > 0 ? f / continuum / (1 + z) : NaN);
  }
  for (const f of fluxes) out[k++] = f;
  for (const ew of ews) out[k++] = ew;
  const halpha = fluxes[0];
  const dl = luminosityDistanceCm(Math.max(z, 1e-4));
  out[k++] = halpha > 0 ? Math.log10(4 * Math.PI * dl * dl * halpha * 1e-17) : NaN;
  out[k++] = halpha > 0 && fluxes[1] > 0 ? halpha / fluxes[1] : NaN;
  const fnu = (from: number, to: number) => {
    let sum = 0;
    let seen = 0;
    for (let i = 0; i < flux.length; i++) {
      if (rest[i] >= from && rest[i] < to && !Number.isNaN(flux[i])) {
        sum += flux[i] * rest[i] * rest[i];
        seen++;
      }
    }
    return seen > 0 ? sum / seen : NaN;
  };
  const blue = fnu(3850, 3950);
  out[k++] = blue > 0 ? fnu(4000, 4100) / blue : NaN;
}
