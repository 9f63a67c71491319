/**
 * Where the synthetic survey's imaging fields lie, as SDSS lays them out:
 * a drift-scan run images six camera columns (camcols) side by side; each
 * camcol's strip is cut into fields of 2048 columns x 1489 rows (0.396″
 * pixels), consecutive fields overlapping by 128 rows (a new field every
 * 1361 rows: Stoughton et al. 2002, AJ 123, 485, §3.1; the frame data
 * model). Camcols are 25.1′ apart centre to centre (13.5′ wide, leaving the
 * gaps the interleaving strip fills; we image one strip only).
 *
 * Frame columns run across the scan, rows along it. Even runs scan Stripe 82
 * along the equator (rows along +RA, columns along +Dec: CD1_2 = CD2_1 =
 * +0.396″, as real Stripe 82 frames); odd runs scan a great circle inclined
 * by 25° through the northern patch. Each field's TAN WCS is centred on the
 * field (CRPIX 1024.5, 745) with the scan direction measured at its
 * centre, so overlapping fields agree on the sky to well below a pixel.
 */
import { PIXEL_SCALE_ARCSEC } from "../../../cube/layout.js";
import { pixelToSky, skyToPixel, type TanWcs } from "../../../sky/tan-wcs.js";

export const FRAME_COLUMNS = 2048;
export const FRAME_ROWS = 1489;
/** Rows shared by consecutive fields of one camcol. */
export const FIELD_OVERLAP_ROWS = 128;
/** Rows from one field's first row to the next field's. */
export const FIELD_STEP_ROWS = FRAME_ROWS - FIELD_OVERLAP_ROWS;
/** Camcol centre-to-centre distance across the scan, pixels (25.1′). */
export const CAMCOL_SPACING_PX = Math.round((25.1 * 60) / PIXEL_SCALE_ARCSEC);
/** Consecutive fields per camcol strip before the next camcol starts. */
export const FIELDS_PER_STRIP = 8;
/** First field number of every run (SDSS runs start near field 11). */
export const FIRST_FIELD = 11;

const DEG = Math.PI / 180;
const SCALE_DEG = PIXEL_SCALE_ARCSEC / 3600;

export interface SurveyField {
  /** Position in the survey's field list. */
  index: number;
  run: number;
  camcol: number;
  field: number;
  /** Which camcol strip (run, camcol) it belongs to, and its place along it (0-based). */
  strip: number;
  along: number;
  /** r-band WCS; every band shares it but for the row offsets of `BAND_ROW_OFFSET`. */
  wcs: TanWcs;
}

interface Run {
  run: number;
  /** Run plane: x across the scan, y along it, pixels from the run's origin. */
  plane: TanWcs;
}

/** A scan's tangent plane, origin at (ra0, dec0), y along the scan at `scanAngleDeg` from east towards north. */
function runPlane(raDeg: number, decDeg: number, scanAngleDeg: number): TanWcs {
  const [c, s] = [Math.cos(scanAngleDeg * DEG), Math.sin(scanAngleDeg * DEG)];
  return { crval1: raDeg, crval2: decDeg, crpix1: 0, crpix2: 0, cd1_1: -s * SCALE_DEG, cd1_2: c * SCALE_DEG, cd2_1: c * SCALE_DEG, cd2_2: s * SCALE_DEG };
}

/** Run k of the survey: even k in Stripe 82, odd k in the northern patch, each new pair further east. */
function surveyRun(k: number): Run {
  const pair = Math.floor(k / 2);
  const plane = k % 2 === 0 ? runPlane(1 + 2 * pair, 0, 0) : runPlane(152 + 2.5 * pair, 30, 25);
  return { run: 2000 + 17 * k, plane };
}

/** Sky position of a point of a run's plane (x across, y along the scan, pixels). */
function onRun(run: Run, x: number, y: number) {
  return pixelToSky(run.plane, x, y);
}

/** Cross-scan offset (pixels) of a camcol's centre from the run's axis. */
const camcolOffset = (camcol: number) => (camcol - 3.5) * CAMCOL_SPACING_PX;

/**
 * The TAN WCS of a frame whose centre sits at run-plane (x, y): CD built
 * from the scan direction as seen at the centre (a numerical derivative
 * of the run plane), so columns stay across and rows along the scan.
 */
function fieldWcs(run: Run, x: number, y: number): TanWcs {
  const centre = onRun(run, x, y);
  const unit: TanWcs = { crval1: centre.raDeg, crval2: centre.decDeg, crpix1: 0, crpix2: 0, cd1_1: 1, cd1_2: 0, cd2_1: 0, cd2_2: 1 };
  const step = 100;
  const alongP = onRun(run, x, y + step);
  const acrossP = onRun(run, x + step, y);
  const along = skyToPixel(unit, alongP.raDeg, alongP.decDeg)!; // standard coordinates, degrees
  const across = skyToPixel(unit, acrossP.raDeg, acrossP.decDeg)!;
  return {
    crval1: centre.raDeg,
    crval2: centre.decDeg,
    crpix1: (FRAME_COLUMNS + 1) / 2,
    crpix2: (FRAME_ROWS + 1) / 2,
    cd1_1: across.x / step,
    cd1_2: along.x / step,
    cd2_1: across.y / step,
    cd2_2: along.y / step,
  };
}

/**
 * The first `count` fields of the survey: strips of FIELDS_PER_STRIP
 * fields, camcols 1..6 of run 0, then of run 1, …
 */
export function surveyFields(count: number): SurveyField[] {
  const fields: SurveyField[] = [];
  for (let index = 0; index < count; index++) {
    const strip = Math.floor(index / FIELDS_PER_STRIP);
    const along = index % FIELDS_PER_STRIP;
    const run = surveyRun(Math.floor(strip / 6));
    const camcol = (strip % 6) + 1;
    // Field centre along the scan: rows from the strip's first row.
    const y = along * FIELD_STEP_ROWS + (FRAME_ROWS - 1) / 2;
    fields.push({ index, run: run.run, camcol, field: FIRST_FIELD + along, strip, along, wcs: fieldWcs(run, camcolOffset(camcol), y) });
  }
  return fields;
}

/**
 * A sky position in the middle of the gap beside a field (cross-scan, at
 * its row `row`): 878 px from the nearest camcol, so on no frame.
 */
export function positionInGap(field: SurveyField, row: number): { raDeg: number; decDeg: number } {
  const run = surveyRun(Math.floor(field.strip / 6));
  return onRun(run, camcolOffset(field.camcol) + CAMCOL_SPACING_PX / 2, field.along * FIELD_STEP_ROWS + row);
}
