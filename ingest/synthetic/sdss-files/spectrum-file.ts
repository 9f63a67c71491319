/**
 * One planned spectrum as an SDSS `spec-PLATE-MJD-FIBER.fits` "lite" file
 * (SDSS-I/II layout, DR8+): HDU 0 header only (PLATEID, MJD, FIBERID,
 * RADEG, DECDEG, …); HDU 1 COADD (flux, loglam, ivar, and_mask, or_mask,
 * wdisp, sky, model) on the SDSS log-λ grid of 1e-4 dex pixels from
 * log10 λ ≈ 3.58 (3,800 Å) to 3.96 (9,200 Å); HDU 2 SPECOBJ (PLATE, MJD,
 * FIBERID, SPECOBJID, BESTOBJID, PLUG_RA, PLUG_DEC, CLASS, SUBCLASS, Z,
 * Z_ERR, ZWARNING, …). The real files' HDU 3 (SPZLINE line fits) is left
 * out: nothing here reads it.
 *
 * Flux is the model plus Gaussian noise of the demo's spectral sigma
 * (galaxy-model.ts), ivar = 1/sigma². Masked regions, as the pipeline
 * marks them (and_mask bits from the SDSS "SPPIXMASK" bitmask):
 * - 5,570–5,590 Å (the 5577 Å sky line): ivar = 0, BRIGHTSKY (bit 23);
 * - other sky lines ±3 Å: BRIGHTSKY only, still measured (ivar > 0);
 * - the red end beyond 8,700–8,900 Å in RED_END_RATE of the spectra:
 *   flux 0, ivar 0, NODATA (bit 24);
 * - FULLREJECT_RATE of the spectra: a run of 20–80 pixels with FULLREJECT
 *   (bit 18) whose ivar is left > 0 and whose flux is a +20 sigma spike: only
 *   the mask tells a reader not to trust them.
 */
import { renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "../../../random/random.js";
import { fitsFile } from "../../../fits/write.js";
import { seedOf, SKY_LINES_ANGSTROM, spectrumSigma } from "../galaxy-model.js";
import type { PlannedObject, PlannedSpectrum } from "./plan.js";
import { spectrumModel } from "./spectrum-model.js";

export const RED_END_RATE = 0.5;
export const FULLREJECT_RATE = 0.1;
export const FULLREJECT = 1 << 18;
export const BRIGHTSKY = 1 << 23;
export const NODATA = 1 << 24;
const LOGLAM_START = 3.5797;
const LOGLAM_STEP = 1e-4;
const PIXELS = 3840;

export const spectrumName = (s: Pick<PlannedSpectrum, "plate" | "mjd" | "fiberid">) =>
  `spec-${String(s.plate).padStart(4, "0")}-${String(s.mjd).padStart(5, "0")}-${String(s.fiberid).padStart(4, "0")}.fits`;

export function spectrumBytes(object: PlannedObject, spectrum: PlannedSpectrum): Uint8Array {
  const model = spectrumModel(object);
  const random = new Random(seedOf(spectrum.key));
  // SDSS-I/II coadds start a few pixels apart from plate to plate.
  const start = LOGLAM_START + LOGLAM_STEP * (spectrum.plate % 4);
  const loglam = new Float32Array(PIXELS);
  const flux = new Float32Array(PIXELS);
  const ivar = new Float32Array(PIXELS);
  const andMask = new Int32Array(PIXELS);
  const wdisp = new Float32Array(PIXELS);
  const sky = new Float32Array(PIXELS);
  const noiseless = new Float32Array(PIXELS);
  const redEnd = random.next() < RED_END_RATE ? random.uniform(8700, 8900) : Infinity;
  const rejectStart = random.next() < FULLREJECT_RATE ? Math.floor(random.uniform(0, PIXELS - 80)) : -1;
  const rejectEnd = rejectStart + Math.floor(random.uniform(20, 80));
  for (let i = 0; i < PIXELS; i++) {
    const l = start + i * LOGLAM_STEP;
    const lambda = 10 ** l;
    const m = model.flux(lambda);
    const sigma = spectrumSigma(lambda, m);
    loglam[i] = l;
    noiseless[i] = m;
    wdisp[i] = 1.1 + (0.2 * (lambda - 3800)) / 5400;
    sky[i] = 0.4 * sigma;
    flux[i] = m + sigma * random.normal();
    ivar[i] = 1 / (sigma * sigma);
    if (SKY_LINES_ANGSTROM.some((s) => Math.abs(lambda - s) < 3)) andMask[i] |= BRIGHTSKY;
    if (lambda > 5570 && lambda < 5590) {
      andMask[i] |= BRIGHTSKY;
      ivar[i] = 0;
    }
    if (lambda > redEnd) {
      andMask[i] |= NODATA;
      flux[i] = 0;
      ivar[i] = 0;
    }
    if (i >= rejectStart && i < rejectEnd) {
      andMask[i] |= FULLREJECT;
      flux[i] = m + 20 * sigma;
    }
  }
  const objid = object.objid;
  return fitsFile(
    null,
    [
      {
        name: "COADD",
        columns: [
          { name: "flux", format: "E", values: flux },
          { name: "loglam", format: "E", values: loglam },
          { name: "ivar", format: "E", values: ivar },
          { name: "and_mask", format: "J", values: andMask },
          { name: "or_mask", format: "J", values: andMask },
          { name: "wdisp", format: "E", values: wdisp },
          { name: "sky", format: "E", values: sky },
          { name: "model", format: "E", values: noiseless },
        ],
      },
      {
        name: "SPECOBJ",
        columns: [
          { name: "SURVEY", format: "6A", values: ["sdss"] },
          { name: "RUN2D", format: "3A", values: ["26"] },
          { name: "SPECOBJID", format: "22A", values: [spectrum.specobjid.padStart(22)] },
          { name: "BESTOBJID", format: "19A", values: [objid] },
          { name: "PLATE", format: "J", values: [spectrum.plate] },
          { name: "MJD", format: "J", values: [spectrum.mjd] },
          { name: "FIBERID", format: "J", values: [spectrum.fiberid] },
          { name: "PLUG_RA", format: "D", values: [spectrum.raDeg] },
          { name: "PLUG_DEC", format: "D", values: [spectrum.decDeg] },
          { name: "CLASS", format: "6A", values: [object.class] },
          { name: "SUBCLASS", format: "21A", values: [model.subclass] },
          { name: "Z", format: "E", values: [object.redshift] },
          { name: "Z_ERR", format: "E", values: [object.class === "QSO" ? 5e-4 : 1.5e-5 * (1 + object.redshift)] },
          { name: "ZWARNING", format: "J", values: [0] },
        ],
      },
    ],
    [
      ["TELESCOP", "SDSS 2.5-M", "Sloan Digital Sky Survey"], ["MJD", spectrum.mjd, "MJD of observation"],
      ["PLATEID", spectrum.plate, "Plate Id"], ["FIBERID", spectrum.fiberid],
      ["RADEG", spectrum.raDeg, "Right Ascension. (degrees)"], ["DECDEG", spectrum.decDeg, "Declination. (degrees)"],
      ["EXPTIME", 3600.0, "Minimum of exposure times for all cameras"], ["BUNIT", "1E-17 erg/cm^2/s/Ang"],
      ["COMMENT", "SYNTHETIC: written by skycube demo --write-sdss, not observed"],
    ],
  );
}

/** Writes the spectrum into `dir` (temporary name, then renamed); returns its size in bytes. */
export function writeSpectrum(dir: string, object: PlannedObject, spectrum: PlannedSpectrum): number {
  const path = join(dir, spectrumName(spectrum));
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, spectrumBytes(object, spectrum));
  renameSync(temporary, path);
  return statSync(path).size;
}
