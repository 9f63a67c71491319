/**
 * The pixels of one synthetic SDSS frame, in nanomaggies, sky-subtracted as
 * SDSS calibrates them: the light of every planned object whose stamp
 * touches the frame, plus noise drawn from the sigma the frame declares
 * (frame-noise.ts) for the noise-free value. Noise is seeded by run,
 * camcol, band and row along the strip, so the 128 rows two consecutive
 * fields share hold the same pixels in both, as SDSS's drift scans do.
 * Values are rounded to a small power of two (quantumNmgy), far below the
 * noise, so that bzip2 has no noise bits to keep that the noise does not need.
 * Bands are offset along the scan by BAND_ROW_OFFSET rows (their CCDs sit
 * in different rows of the camera), which each band's WCS carries.
 */
import { Random } from "../../../random/random.js";
import { skyToPixel, type TanWcs } from "../../../sky/tan-wcs.js";
import type { FrameBand } from "../../sdss/frame.js";
import { seedOf, SKY_SIGMA_NMGY } from "../galaxy-model.js";
import { FIELD_STEP_ROWS, FRAME_COLUMNS, FRAME_ROWS, type SurveyField } from "./fields.js";
import { BANDS, skyRow, type FrameCalibration } from "./frame-noise.js";
import type { PlannedObject } from "./plan.js";
import { renderStamp, sourceLook, STAMP_SIZE } from "./sources.js";

/** Rows by which each band u,g,r,i,z is shifted from r along the scan. */
export const BAND_ROW_OFFSET = [-6, -3, 0, 3, 6];

export function bandWcs(field: SurveyField, band: FrameBand): TanWcs {
  return { ...field.wcs, crpix2: field.wcs.crpix2 + BAND_ROW_OFFSET[BANDS.indexOf(band)] };
}

/** A stamp of an object placed on a field (r-band pixel grid), reused for all five bands. */
export interface PlacedStamp {
  object: PlannedObject;
  /** 0-based frame column and r-band row of the stamp's first pixel. */
  x0: number;
  y0: number;
  stamp: Float64Array;
  totalsNmgy: number[];
}

/** Stamps of the objects whose light falls on the field: those of its own rows and of its two neighbours along the strip. */
export function placeStamps(field: SurveyField, candidates: PlannedObject[]): PlacedStamp[] {
  const placed: PlacedStamp[] = [];
  const margin = STAMP_SIZE + Math.max(...BAND_ROW_OFFSET.map(Math.abs));
  for (const object of candidates) {
    const p = skyToPixel(field.wcs, object.raDeg, object.decDeg);
    if (!p) continue;
    const [px, py] = [p.x - 1, p.y - 1]; // 0-based
    if (px < -margin || py < -margin || px > FRAME_COLUMNS + margin || py > FRAME_ROWS + margin) continue;
    const x0 = Math.floor(px) - (STAMP_SIZE / 2 - 1);
    const y0 = Math.floor(py) - (STAMP_SIZE / 2 - 1);
    const look = sourceLook(object);
    placed.push({ object, x0, y0, stamp: renderStamp(look, px - x0, py - y0), totalsNmgy: look.totalsNmgy });
  }
  return placed;
}

/**
 * The step pixel values of a band are rounded to: the power of two at or
 * below 1/16 of its blank-sky sigma. Rounding adds a variance of step²/12,
 * under 0.1 % of the sky's; it leaves the compressor ~6 bits of noise per
 * pixel, so frames come out at the real ones' ~3 MB (SDSS's FLOATCOMPRESS
 * does the same job by truncating mantissas).
 */
export function quantumNmgy(band: FrameBand): number {
  return 2 ** Math.floor(Math.log2(SKY_SIGMA_NMGY[BANDS.indexOf(band)] / 16));
}

/** The calibrated, sky-subtracted image (row-major, 2048 columns fastest) of one band of a field. */
export function renderFrame(seed: number, field: SurveyField, band: FrameBand, calibration: FrameCalibration, stamps: PlacedStamp[]): Float32Array {
  const b = BANDS.indexOf(band);
  const shift = BAND_ROW_OFFSET[b];
  const image = new Float32Array(FRAME_COLUMNS * FRAME_ROWS);
  for (const { x0, y0, stamp, totalsNmgy } of stamps) {
    const total = totalsNmgy[b];
    for (let sy = 0; sy < STAMP_SIZE; sy++) {
      const y = y0 + shift + sy;
      if (y < 0 || y >= FRAME_ROWS) continue;
      for (let sx = 0; sx < STAMP_SIZE; sx++) {
        const x = x0 + sx;
        if (x >= 0 && x < FRAME_COLUMNS) image[y * FRAME_COLUMNS + x] += total * stamp[sy * STAMP_SIZE + sx];
      }
    }
  }
  const { gain, darkVariance, calib } = calibration;
  const quantum = quantumNmgy(band);
  for (let y = 0; y < FRAME_ROWS; y++) {
    const random = new Random(seedOf(`${seed}/noise/${field.run}/${field.camcol}/${band}/${field.along * FIELD_STEP_ROWS + y - shift}`));
    const sky = skyRow(calibration, y);
    for (let x = 0; x < FRAME_COLUMNS; x++) {
      const i = y * FRAME_COLUMNS + x;
      const model = image[i];
      const sigma = Math.sqrt((Math.max(model, 0) / calib[x] + sky[x]) / gain + darkVariance) * calib[x];
      image[i] = Math.round((model + sigma * random.normal()) / quantum) * quantum;
    }
  }
  return image;
}
