/**
 * A synthetic SDSS-like survey, seeded and reproducible. Positions fall in
 * two footprints (Stripe 82 and a patch of the northern Galactic cap); each
 * galaxy gets a stellar mass, a redshift and an SFR drawn from a
 * star-forming main sequence plus a quenched population, and an MPA-JHU-like
 * label (log10 SFR with percentiles and a FLAG). Everything it makes is
 * labelled SYNTHETIC.
 *
 * Main sequence: log SFR = 0.76 (log M* − 10) − 0.1 + 0.3 N(0,1) at z ~ 0.1
 * (slope and scatter close to Renzini & Peng 2015, ApJ 801, L29); the quenched
 * population sits ~1.4 dex below with 0.5 dex scatter; the quenched fraction
 * rises with mass (Peng et al. 2010, ApJ 721, 193, mass quenching).
 */
import type { NewGalaxy } from "../../catalog/bulk-load.js";
import { Random } from "../../random/random.js";

export interface Footprint {
  name: string;
  /** RA range in degrees; raMin > raMax wraps through 0. */
  raMin: number;
  raMax: number;
  decMin: number;
  decMax: number;
}

export const FOOTPRINTS: Footprint[] = [
  { name: "Stripe 82", raMin: 310, raMax: 60, decMin: -1.25, decMax: 1.25 },
  { name: "North cap patch", raMin: 150, raMax: 200, decMin: 20, decMax: 40 },
];

/** Physical truth behind a synthetic galaxy, for the image and spectrum generators. */
export interface SyntheticTruth {
  logStellarMass: number;
  logSfr: number;
  starForming: boolean;
}

export interface SyntheticGalaxy extends NewGalaxy {
  truth: SyntheticTruth;
}

const DEG = Math.PI / 180;

function footprintArea(f: Footprint): number {
  const raSpan = (f.raMax - f.raMin + 360) % 360 || 360;
  return raSpan * (Math.sin(f.decMax * DEG) - Math.sin(f.decMin * DEG));
}

/** A position uniform on the sphere inside the footprint (degrees). */
function drawPosition(random: Random, f: Footprint): [number, number] {
  const raSpan = (f.raMax - f.raMin + 360) % 360 || 360;
  const ra = (f.raMin + random.next() * raSpan) % 360;
  const sinDec = random.uniform(Math.sin(f.decMin * DEG), Math.sin(f.decMax * DEG));
  return [ra, Math.asin(sinDec) / DEG];
}

export function* syntheticSurvey(count: number, seed = 1, start = 0): Generator<SyntheticGalaxy> {
  const areas = FOOTPRINTS.map(footprintArea);
  const total = areas.reduce((a, b) => a + b, 0);
  for (let n = start; n < start + count; n++) {
    // One stream per galaxy: galaxy n is the same whatever count is asked for.
    const random = new Random(seed * 1_000_003 + n * 7919 + 1);
    let pick = random.next() * total;
    let footprint = FOOTPRINTS[0];
    for (let i = 0; i < FOOTPRINTS.length; i++) {
      if (pick < areas[i]) {
        footprint = FOOTPRINTS[i];
        break;
      }
      pick -= areas[i];
    }
    const [raDeg, decDeg] = drawPosition(random, footprint);
    // SDSS main-sample-like redshifts: a skewed distribution peaking near 0.08.
    const redshift = Math.min(0.3, Math.max(0.005, 0.02 + Math.abs(random.normal(0.06, 0.045))));
    const logStellarMass = random.normal(10.4, 0.55);
    const quenchedFraction = 1 / (1 + Math.exp(-(logStellarMass - 10.6) / 0.3));
    const starForming = random.next() >= quenchedFraction;
    const logSfr = starForming
      ? 0.76 * (logStellarMass - 10) - 0.1 + random.normal(0, 0.3)
      : 0.76 * (logStellarMass - 10) - 1.5 + random.normal(0, 0.5);
    // Measurement: the label scatters around the truth; a few are flagged or missing.
    const labelSigma = starForming ? 0.15 : 0.45;
    const avg = logSfr + random.normal(0, labelSigma * 0.5);
    const roll = random.next();
    const flag = roll < 0.03 ? 1 : 0;
    const missing = roll > 0.985;
    yield {
      sourceKey: `synthetic/${seed}/${n}`,
      survey: "SYNTHETIC",
      raDeg,
      decDeg,
      redshift,
      class: "GALAXY",
      sfr: missing
        ? { avg: null, flag: null }
        : {
            avg,
            median: avg,
            p2p5: avg - 2 * labelSigma,
            p16: avg - labelSigma,
            p84: avg + labelSigma,
            p97p5: avg + 2 * labelSigma,
            flag,
          },
      truth: { logStellarMass, logSfr, starForming },
    };
  }
}
