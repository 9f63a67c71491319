/**
 * The detector and sky numbers a synthetic frame declares, chosen so that
 * the frame reader's noise model (ingest/sdss/frame.ts:
 * sigma = sqrt((img/calib + sky)/gain + darkVariance) × calib) gives the
 * demo's noise (galaxy-model.ts): blank-sky sigma SKY_SIGMA_NMGY and
 * photon variance PHOTON_NOISE per nanomaggy of source. Photon variance
 * per nanomaggy is calib/gain, so calib = PHOTON_NOISE × gain, lowered where
 * needed so that the dark variance is at most half the sky variance (camcol
 * 3's i CCD, say); the sky (counts) then makes up the rest:
 * sky = gain × (SKY_SIGMA²/calib² − darkVariance).
 *
 * The sky varies gently over a field (±4 % across the columns, ±3 % along
 * the scan, continuous from field to field) and is stored as SDSS stores it:
 * a 256 x 192 grid binned by 8 (ALLSKY), with each column's and row's
 * position on it (XINTERP = (x − 3.5)/8, YINTERP = (y + 4.5)/8, as in the
 * real frames). calib varies ±1 % across the columns (a flat field).
 */
import { detectorNoise, type FrameBand } from "../../sdss/frame.js";
import { PHOTON_NOISE, SKY_SIGMA_NMGY } from "../galaxy-model.js";
import { FIELD_STEP_ROWS, FRAME_COLUMNS, FRAME_ROWS } from "./fields.js";

export const BANDS: FrameBand[] = ["u", "g", "r", "i", "z"];
export const SKY_GRID_COLUMNS = 256;
export const SKY_GRID_ROWS = 192;

export interface FrameCalibration {
  gain: number;
  darkVariance: number;
  /** Nanomaggies per count, per column. */
  calib: Float32Array;
  /** Sky in counts on the coarse grid (rows × columns, row-major), and each pixel's position on it. */
  allsky: Float32Array;
  xInterp: Float32Array;
  yInterp: Float32Array;
  /** The mean calib (the NMGY header card). */
  nmgy: number;
}

/** Calibration of band `band` of field `along` (0-based place along its strip) of a run and camcol. */
export function frameCalibration(run: number, camcol: number, band: FrameBand, along: number): FrameCalibration {
  const b = BANDS.indexOf(band);
  const { gain, darkVariance } = detectorNoise(camcol, band, run);
  const sky2 = SKY_SIGMA_NMGY[b] ** 2;
  const nmgy = Math.min(PHOTON_NOISE[b] * gain, Math.sqrt(sky2 / (2 * darkVariance)));
  const skyCounts = gain * (sky2 / (nmgy * nmgy) - darkVariance);
  const calib = Float32Array.from({ length: FRAME_COLUMNS }, (_, x) => nmgy * (1 + 0.01 * Math.sin((2 * Math.PI * x) / FRAME_COLUMNS)));
  const allsky = new Float32Array(SKY_GRID_COLUMNS * SKY_GRID_ROWS);
  for (let gy = 0; gy < SKY_GRID_ROWS; gy++) {
    const rowAlongStrip = along * FIELD_STEP_ROWS + 8 * gy - 4.5;
    const alongFactor = 1 + 0.03 * Math.sin((2 * Math.PI * rowAlongStrip) / 20000);
    for (let gx = 0; gx < SKY_GRID_COLUMNS; gx++) allsky[gy * SKY_GRID_COLUMNS + gx] = skyCounts * alongFactor * (1 + (0.04 * (gx - 128)) / 128);
  }
  const xInterp = Float32Array.from({ length: FRAME_COLUMNS }, (_, x) => (x - 3.5) / 8);
  const yInterp = Float32Array.from({ length: FRAME_ROWS }, (_, y) => (y + 4.5) / 8);
  return { gain, darkVariance, calib, allsky, xInterp, yInterp, nmgy };
}

/** The sky (counts) of pixel row `y`, bilinear on the grid and clamped at its edges, exactly as the frame reader interpolates it. */
export function skyRow(c: FrameCalibration, y: number): Float64Array {
  const out = new Float64Array(FRAME_COLUMNS);
  const rows = SKY_GRID_ROWS;
  const cols = SKY_GRID_COLUMNS;
  const cy = Math.min(rows - 1, Math.max(0, c.yInterp[y]));
  const y0 = Math.min(rows - 2, Math.floor(cy));
  const fy = cy - y0;
  for (let x = 0; x < FRAME_COLUMNS; x++) {
    const cx = Math.min(cols - 1, Math.max(0, c.xInterp[x]));
    const x0 = Math.min(cols - 2, Math.floor(cx));
    const fx = cx - x0;
    const at = (r: number, k: number) => c.allsky[r * cols + k];
    out[x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
  }
  return out;
}
