/**
 * Noise-free spectra of planned objects, observed frame, flux density in
 * 1e-17 erg/s/cm²/Å: galaxies from galaxy-model.ts (the demo's continuum,
 * 4000 Å break and SFR-driven lines; the model is drawn from the object's
 * seed, so its repeat spectra differ only in noise); stars a blackbody of
 * 4,000–9,000 K with Balmer absorption; quasars a power law
 * f_λ ∝ λ^−1.5 with broad Lyα, C IV, C III], Mg II, Hβ, Hα (Vanden Berk et
 * al. 2001, AJ 122, 549, rest equivalent widths rounded) of 2,000 km/s
 * dispersion and Lyα-forest absorption blueward of Lyα. Stars and quasars
 * put 80 % of their r-band flux down the fibre (point sources).
 */
import { Random } from "../../../random/random.js";
import { drawSpectrumModel, seedOf } from "../galaxy-model.js";
import type { PlannedObject } from "./plan.js";
import { sourceLook } from "./sources.js";

const NANOMAGGY_CGS_HZ = 3.631e-29;
const C_ANGSTROM_S = 2.998e18;
const C_KM_S = 299792.458;
const R_BAND_ANGSTROM = 6166;
const POINT_SOURCE_FIBRE_FRACTION = 0.8;

/** f_λ at the r band (1e-17 erg/s/cm²/Å) of a fibre holding `fraction` of r-band flux `rNmgy`. */
const fLambdaAtR = (rNmgy: number, fraction: number) => (fraction * rNmgy * NANOMAGGY_CGS_HZ * C_ANGSTROM_S) / R_BAND_ANGSTROM ** 2 / 1e-17;

const gaussian = (x: number, centre: number, sigma: number) => Math.exp(-0.5 * ((x - centre) / sigma) ** 2);

function planck(lambdaAngstrom: number, temperatureK: number): number {
  const x = 1.4388e8 / (lambdaAngstrom * temperatureK); // hc/λkT with λ in Å
  return 1 / (lambdaAngstrom ** 5 * Math.expm1(x));
}

const BALMER_ANGSTROM = [6564.6, 4862.7, 4341.7, 4102.9];
const QSO_LINES: [number, number][] = [[1215.7, 90], [1549.1, 35], [1908.7, 20], [2798.8, 35], [4862.7, 45], [6564.6, 200]]; // rest Å, rest EW Å

export interface SpectrumModel {
  flux(observedAngstrom: number): number;
  subclass: string;
}

export function spectrumModel(object: PlannedObject): SpectrumModel {
  const random = new Random(seedOf(`${object.galaxy.sourceKey}/spectrum-model`));
  if (object.class === "GALAXY") {
    const logSsfr = object.galaxy.truth.logSfr - object.galaxy.truth.logStellarMass;
    return { flux: drawSpectrumModel(object.galaxy, random), subclass: logSsfr > -10.5 ? "STARFORMING" : "" };
  }
  const rNmgy = sourceLook(object).totalsNmgy[2];
  const z = object.redshift;
  if (object.class === "STAR") {
    const temperature = random.uniform(4000, 9000);
    const depth = temperature > 6000 ? 0.5 : 0.2;
    const norm = fLambdaAtR(rNmgy, POINT_SOURCE_FIBRE_FRACTION) / planck(R_BAND_ANGSTROM, temperature);
    const subclass = temperature > 7500 ? "A0" : temperature > 6000 ? "F5" : temperature > 5200 ? "G2" : "K3";
    return {
      flux: (lambda) => {
        const rest = lambda / (1 + z);
        const absorption = BALMER_ANGSTROM.reduce((a, l) => a * (1 - depth * gaussian(rest, l, 8)), 1);
        return norm * planck(rest, temperature) * absorption;
      },
      subclass,
    };
  }
  const norm = fLambdaAtR(rNmgy, POINT_SOURCE_FIBRE_FRACTION) / (R_BAND_ANGSTROM / 5000) ** -1.5;
  const forest = random.uniform(0.5, 0.85);
  return {
    flux: (lambda) => {
      const rest = lambda / (1 + z);
      const continuum = norm * (lambda / 5000) ** -1.5;
      let lines = 0;
      for (const [centre, ew] of QSO_LINES) {
        const sigma = (centre * 2000) / C_KM_S;
        // Rest EW × continuum: integrated over observed Å this gives the observed EW, (1 + z) × rest.
        lines += (ew * continuum * gaussian(rest, centre, sigma)) / (sigma * Math.sqrt(2 * Math.PI));
      }
      return (continuum + lines) * (rest < 1215.7 ? forest : 1);
    },
    subclass: "BROADLINE",
  };
}
