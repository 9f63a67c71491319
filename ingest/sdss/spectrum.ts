/**
 * SDSS `spec-PLATE-MJD-FIBER.fits` ("lite") files, SDSS-I/II and BOSS:
 * HDU 1 COADD (loglam, flux in 1e-17 erg/s/cm²/Å, ivar, and_mask), HDU 2
 * SPECOBJ or SPALL (identifiers, PLUG_RA/PLUG_DEC, Z, CLASS).
 *
 * sigma = 1/sqrt(ivar); a pixel is masked when ivar = 0 (the pipeline's
 * own rejection) or its and_mask has FULLREJECT (bit 18) or NODATA (bit 24)
 * set. The other and_mask bits (BRIGHTSKY, NEARBADPIXEL, …) flag pixels
 * that are still measured; they are not masked. Each spectrum is rebinned, conserving
 * flux, onto the cube's zoom-0 grid (HiSS-Cube's 4620-point linear grid);
 * grid bins outside the spectrum's coverage are masked.
 */
import { basename } from "node:path";
import { edgesFromCentres, overlapWeights, rebin1d, type Measured } from "../../cube/rebin.js";
import { SPECTRUM_BINS_0, wavelengthGrid } from "../../cube/zoom.js";
import { FitsError } from "../../fits/errors.js";
import { findHdu, openFits } from "../../fits/file.js";
import { BinaryTable } from "../../fits/table.js";

export interface SdssSpectrum {
  file: string;
  plate: number;
  mjd: number;
  fiberid: number;
  specobjid: string;
  /** BESTOBJID: the photometric object; null when 0 or absent. */
  objid: string | null;
  raDeg: number;
  decDeg: number;
  redshift: number;
  class: string;
  /** On the cube's zoom-0 grid. */
  rebinned: Measured;
}

const GRID_EDGES = edgesFromCentres(wavelengthGrid(SPECTRUM_BINS_0));
/** SDSS pixel-mask bits FULLREJECT (18) and NODATA (24). */
const BAD_AND_MASK = (1 << 18) | (1 << 24);

function first(table: BinaryTable, name: string): number {
  return table.numbers(name)[0];
}

/** What a spectrum file says of its object, without its pixels rebinned (the cheap first pass of an ingest). */
export type SdssSpectrumInfo = Omit<SdssSpectrum, "rebinned"> & {
  /** Pixels with data (ivar > 0): the spectrum with the most speaks for its object. */
  goodPixels: number;
};

function identity(path: string, meta: BinaryTable, goodPixels: number): SdssSpectrumInfo {
  const text = (name: string) => String(meta.column(name)[0]).trim();
  const objid = meta.hasColumn("BESTOBJID") ? text("BESTOBJID") : "";
  return {
    file: basename(path),
    plate: first(meta, "PLATE"),
    mjd: first(meta, "MJD"),
    fiberid: first(meta, "FIBERID"),
    specobjid: text("SPECOBJID"),
    objid: objid === "" || objid === "0" ? null : objid,
    raDeg: first(meta, "PLUG_RA"),
    decDeg: first(meta, "PLUG_DEC"),
    redshift: first(meta, "Z"),
    class: text("CLASS"),
    goodPixels,
  };
}

function open(path: string) {
  const hdus = openFits(path);
  const coadd = new BinaryTable(findHdu(hdus, "COADD"));
  if (hdus.length < 3) throw new FitsError(`${basename(path)}: has no HDU 2 (SPECOBJ or SPALL)`);
  const meta = new BinaryTable(hdus[2]);
  if (hdus[2].name !== "SPECOBJ" && hdus[2].name !== "SPALL") throw new FitsError(`${basename(path)}: HDU 2 is ${hdus[2].name}, expected SPECOBJ or SPALL`);
  return { coadd, meta };
}

/** A spectrum file's identifiers, position, redshift and class. */
export function readSdssSpectrumInfo(path: string): SdssSpectrumInfo {
  const { coadd, meta } = open(path);
  const ivar = coadd.numbers("ivar");
  let good = 0;
  for (let i = 0; i < ivar.length; i++) if (ivar[i] > 0) good++;
  return identity(path, meta, good);
}

export function readSdssSpectrum(path: string): SdssSpectrum & SdssSpectrumInfo {
  const { coadd, meta } = open(path);
  const loglam = coadd.numbers("loglam");
  const flux = coadd.numbers("flux");
  const ivar = coadd.numbers("ivar");
  const andMask = coadd.numbers("and_mask");
  const n = loglam.length;
  const native: Measured = { value: new Float32Array(n), sigma: new Float32Array(n), mask: new Uint8Array(n) };
  let good = 0;
  for (let i = 0; i < n; i++) {
    if (ivar[i] > 0) good++;
    if (!(ivar[i] > 0) || (andMask[i] & BAD_AND_MASK) !== 0 || !Number.isFinite(flux[i])) {
      native.value[i] = NaN;
      native.sigma[i] = NaN;
      native.mask[i] = 1;
    } else {
      native.value[i] = flux[i];
      native.sigma[i] = 1 / Math.sqrt(ivar[i]);
    }
  }
  const wavelength = Float64Array.from(loglam, (l) => 10 ** l);
  const rebinned = rebin1d(native, overlapWeights(edgesFromCentres(wavelength), GRID_EDGES));
  return { ...identity(path, meta, good), rebinned };
}
