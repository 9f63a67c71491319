/**
 * SDSS `frame-[ugriz]-RUN-CAMCOL-FIELD.fits[.bz2]` files (DR8+ data model):
 * HDU 0 the calibrated image in nanomaggies with a TAN WCS, HDU 1 the calib
 * vector (nanomaggies per count, per column), HDU 2 the sky (ALLSKY, counts,
 * on a coarse grid, with XINTERP/YINTERP giving each pixel's position on it).
 *
 * Per-pixel sigma follows the data model's recipe:
 *   dn = image / calib + sky,  sigma_dn = sqrt(dn / gain + darkVariance),
 *   sigma = sigma_dn × calib   (nanomaggies),
 * with gain and dark variance per camcol and band from the frame data model.
 */
import { basename } from "node:path";
import type { TanWcs } from "../../sky/tan-wcs.js";
import { FitsError } from "../../fits/errors.js";
import { imageAccess, openFits, openFitsAsync, readImage, type Hdu } from "../../fits/file.js";
import { BinaryTable } from "../../fits/table.js";

export type FrameBand = "u" | "g" | "r" | "i" | "z";
const BANDS: FrameBand[] = ["u", "g", "r", "i", "z"];

/**
 * Electrons per count, by camcol (1..6) then band u,g,r,i,z, as the SDSS
 * `frame` data model publishes them. Camcol 2's u amplifier changed after
 * run 1100 (see `detectorNoise`).
 */
const GAIN = [
  [1.62, 3.32, 4.71, 5.165, 4.745],
  [1.595, 3.855, 4.6, 6.565, 5.155],
  [1.59, 3.845, 4.72, 4.86, 4.885],
  [1.6, 3.995, 4.76, 4.885, 4.775],
  [1.47, 4.05, 4.725, 4.64, 3.48],
  [2.17, 4.035, 4.895, 4.76, 4.69],
];
/**
 * Dark variance (counts², dark current and read noise), by camcol then band,
 * from the same data model, for runs up to 1500; four CCDs have a second
 * value for later runs (see `detectorNoise`).
 */
const DARK_VARIANCE = [
  [9.61, 15.6025, 1.8225, 7.84, 0.81],
  [12.6025, 1.44, 1.0, 5.76, 1.0],
  [8.7025, 1.3225, 1.3225, 4.6225, 1.0],
  [12.6025, 1.96, 1.3225, 6.25, 9.61],
  [9.3025, 1.1025, 0.81, 7.84, 1.8225],
  [7.0225, 1.8225, 0.9025, 5.0625, 1.21],
];
/** Dark variances of runs after 1500, where the data model gives a second value: "camcol band" → counts². */
const DARK_VARIANCE_AFTER_RUN_1500: Record<string, number> = { "2 i": 6.25, "4 i": 7.5625, "4 z": 12.6025, "5 z": 2.1025 };

/** The gain (e⁻/count) and dark variance (counts²) of one SDSS CCD, as the frame data model gives them. */
export function detectorNoise(camcol: number, band: FrameBand, run: number): { gain: number; darkVariance: number } {
  const b = BANDS.indexOf(band);
  if (!Number.isInteger(camcol) || camcol < 1 || camcol > 6 || b < 0) throw new FitsError(`no SDSS detector for camcol ${camcol}, band ${band}`);
  const gain = camcol === 2 && band === "u" && run > 1100 ? 1.825 : GAIN[camcol - 1][b];
  const darkVariance = (run > 1500 ? DARK_VARIANCE_AFTER_RUN_1500[`${camcol} ${band}`] : undefined) ?? DARK_VARIANCE[camcol - 1][b];
  return { gain, darkVariance };
}

export interface Frame {
  file: string;
  band: FrameBand;
  run: number;
  camcol: number;
  field: number;
  /** Columns (NAXIS1) and rows (NAXIS2). */
  width: number;
  height: number;
  /**
   * The value of pixel (x, y) (0-based column and row) in nanomaggies, read
   * from the file's bytes when asked: ingest needs a few thousand of a
   * frame's three million pixels.
   */
  valueAt(x: number, y: number): number;
  /**
   * The error of pixel (x, y) (0-based column and row) in nanomaggies, from
   * the noise model above, computed when asked.
   */
  sigmaAt(x: number, y: number): number;
  wcs: TanWcs;
}

const NAME = /frame-([ugriz])-(\d{6})-(\d)-(\d{4})\.fits(\.bz2)?$/;

/** Bilinear interpolation on a (rows × cols) grid at fractional (x, y), clamped at the edges. */
function bilinear(grid: Float64Array, rows: number, cols: number, x: number, y: number): number {
  const cx = Math.min(cols - 1, Math.max(0, x));
  const cy = Math.min(rows - 1, Math.max(0, y));
  const x0 = Math.min(cols - 2, Math.floor(cx));
  const y0 = Math.min(rows - 2, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (r: number, c: number) => grid[r * cols + c];
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

export function readFrame(path: string): Frame {
  return frameFromHdus(path, openFits(path));
}

/** Reads a frame, decompressing it in a child process: several frames read at once use several cores. */
export async function readFrameAsync(path: string, signal?: AbortSignal): Promise<Frame> {
  return frameFromHdus(path, await openFitsAsync(path, signal));
}

function frameFromHdus(path: string, hdus: Hdu[]): Frame {
  const match = NAME.exec(basename(path));
  if (!match) throw new FitsError(`${basename(path)} is not named like an SDSS frame (frame-[ugriz]-RUN-CAMCOL-FIELD.fits[.bz2])`);
  const [, band, run, camcol, field] = match;
  const image = imageAccess(hdus[0]);
  const [width, height] = image.shape;
  const header = hdus[0].header;
  if (header.string("CTYPE1", "").trim() !== "RA---TAN" || header.string("CTYPE2", "").trim() !== "DEC--TAN") throw new FitsError(`${basename(path)}: not a TAN WCS`);
  const wcs: TanWcs = {
    crval1: header.number("CRVAL1"),
    crval2: header.number("CRVAL2"),
    crpix1: header.number("CRPIX1"),
    crpix2: header.number("CRPIX2"),
    cd1_1: header.number("CD1_1"),
    cd1_2: header.number("CD1_2"),
    cd2_1: header.number("CD2_1"),
    cd2_2: header.number("CD2_2"),
  };
  const calib = readImage(hdus[1]).values;
  if (calib.length !== width) throw new FitsError(`${basename(path)}: calib has ${calib.length} values for ${width} columns`);
  const skyTable = new BinaryTable(hdus[2]);
  const allsky = Float64Array.from((skyTable.column("ALLSKY") as Float64Array[])[0]);
  const xInterp = (skyTable.column("XINTERP") as Float64Array[])[0];
  const yInterp = (skyTable.column("YINTERP") as Float64Array[])[0];
  const tdim = String(hdus[2].header.get("TDIM1") ?? "(256,192)");
  const [skyCols, skyRows] = tdim.replace(/[()\s]/g, "").split(",").map(Number);
  const { gain, darkVariance: dark } = detectorNoise(Number(camcol), band as FrameBand, Number(run));
  const valueAt = (x: number, y: number) => image.at(y * width + x);
  const sigmaAt = (x: number, y: number) => {
    const sky = bilinear(allsky, skyRows, skyCols, xInterp[x], yInterp[y]);
    const dn = valueAt(x, y) / calib[x] + sky;
    return Math.sqrt(Math.max(dn, 0) / gain + dark) * calib[x];
  };
  return { file: basename(path), band: band as FrameBand, run: Number(run), camcol: Number(camcol), field: Number(field), width, height, valueAt, sigmaAt, wcs };
}
