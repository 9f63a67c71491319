/**
 * The plan of a synthetic survey in SDSS files: every object's class,
 * position and field, its spectra (plate, MJD, fibre, identifiers) and the
 * MPA-JHU rows, decided before a pixel is drawn, deterministically for a
 * count and seed. Tests read the plan as the truth the files must carry;
 * the writers turn it into files. Objects come from `syntheticSurvey`
 * (masses, redshifts, SFRs, labels); the plan moves them onto fields.
 *
 * Quirks real SDSS data has, and their rates (per object unless said):
 * - OUTSIDE_FIELDS_RATE in no field (in a camcol gap): spectra only;
 * - EDGE_RATE of the objects on fields sit 4–24 px from a frame's long
 *   side: their 64 x 64 cutout falls partly off the frame;
 * - objects in the first 128 rows of a field (not a strip's first) are on
 *   two overlapping fields (~9 % of those fields' objects, from the geometry);
 * - REPEAT_RATE have 2 spectra, REPEAT_3_RATE 3 (different plate, MJD and
 *   fibre, plugged within REPEAT_OFFSET_MAX_ARCSEC of the object);
 * - STAR_RATE are stars and QSO_RATE quasars (point sources; no MPA-JHU row);
 * - labels: every galaxy spectrum has a gal_info/gal_totsfr row; AVG = −99
 *   (~1.5 %) and FLAG = 1 (~3 %) as `syntheticSurvey` draws them; plus
 *   ORPHAN_LABEL_RATE rows for fibres that have no spec file.
 */
import { Random } from "../../../random/random.js";
import { pixelToSky } from "../../../sky/tan-wcs.js";
import { seedOf } from "../galaxy-model.js";
import { syntheticSurvey, type SyntheticGalaxy } from "../survey.js";
import { FIELD_STEP_ROWS, FRAME_COLUMNS, positionInGap, surveyFields, type SurveyField } from "./fields.js";
import { photometricObjid, specObjid } from "./identifiers.js";

export const OUTSIDE_FIELDS_RATE = 0.05;
export const EDGE_RATE = 0.03;
export const REPEAT_RATE = 0.06;
export const REPEAT_3_RATE = 0.03;
export const REPEAT_OFFSET_MAX_ARCSEC = 0.3;
export const STAR_RATE = 0.02;
export const QSO_RATE = 0.01;
export const ORPHAN_LABEL_RATE = 0.02;
/** Objects placed per field by default: ~80 fields for 10,000 objects. */
export const OBJECTS_PER_FIELD = 120;
/** Columns kept free along a frame's long sides for objects that are not edge cases (half a cutout and some). */
const SIDE_MARGIN_PX = 40;
const FIBRES_PER_PLATE = 640;

export type SpectralClass = "GALAXY" | "STAR" | "QSO";

export interface PlannedSpectrum {
  plate: number;
  mjd: number;
  fiberid: number;
  specobjid: string;
  /** PLUG_RA/PLUG_DEC, degrees. */
  raDeg: number;
  decDeg: number;
  /** Seeds this spectrum's noise. */
  key: string;
}

export interface PlannedObject {
  index: number;
  class: SpectralClass;
  /** The physics (for a STAR or QSO only the redshift and flux scale are used); raDeg/decDeg are the plan's. */
  galaxy: SyntheticGalaxy;
  raDeg: number;
  decDeg: number;
  redshift: number;
  /** Index of the field whose own rows hold it (it may also lie on the previous field's overlap), or null. */
  field: number | null;
  /** Placed at a frame's side, cutout partly off the frame. */
  edge: boolean;
  /** BESTOBJID: the photometric object, "0" outside every field. */
  objid: string;
  spectra: PlannedSpectrum[];
}

/** One row of gal_info and gal_totsfr. */
export interface PlannedLabel {
  plate: number;
  mjd: number;
  fiberid: number;
  raDeg: number;
  decDeg: number;
  redshift: number;
  avg: number;
  median: number;
  p2p5: number;
  p16: number;
  p84: number;
  p97p5: number;
  flag: number;
  /** Index of the object it labels, or null for a fibre without a spec file. */
  object: number | null;
}

export interface SurveyPlan {
  seed: number;
  fields: SurveyField[];
  objects: PlannedObject[];
  labels: PlannedLabel[];
}

export interface PlanOptions {
  count: number;
  seed?: number;
  objectsPerField?: number;
}

/** Plate numbering: first spectra on plates from 1000 (MJD from 52000), second ones from 5000 (MJD 54000), third ones from 7000 (MJD 55000), orphan labels from 9000. */
function fibre(base: number, mjdBase: number, k: number) {
  const plate = base + Math.floor(k / FIBRES_PER_PLATE);
  return { plate, mjd: mjdBase + 3 * (plate - base), fiberid: 1 + (k % FIBRES_PER_PLATE) };
}

/** A position `offsetArcsec` away from (ra, dec) in direction `angle`. */
function offset(raDeg: number, decDeg: number, offsetArcsec: number, angle: number) {
  const d = offsetArcsec / 3600;
  return { raDeg: (raDeg + (d * Math.cos(angle)) / Math.cos((decDeg * Math.PI) / 180) + 360) % 360, decDeg: decDeg + d * Math.sin(angle) };
}

export function planSurvey(options: PlanOptions): SurveyPlan {
  const seed = options.seed ?? 1;
  const perField = options.objectsPerField ?? OBJECTS_PER_FIELD;
  const galaxies = [...syntheticSurvey(options.count, seed)];
  const roll = galaxies.map((g) => new Random(seedOf(`${g.sourceKey}/sdss-files`)));
  const outside = roll.map((r) => r.next() < OUTSIDE_FIELDS_RATE);
  const onFields = outside.filter((o) => !o).length;
  const fields = surveyFields(Math.max(1, Math.ceil(onFields / perField)));

  // Slots of a jittered grid over each field's own rows (not its successor's overlap), shuffled per field.
  const columns = Math.max(1, Math.round(Math.sqrt((perField * (FRAME_COLUMNS - 2 * SIDE_MARGIN_PX)) / FIELD_STEP_ROWS)));
  const rows = Math.ceil(perField / columns);
  const slotOrder = fields.map((f) => new Random(seedOf(`${seed}/field/${f.index}`)).shuffle(Int32Array.from({ length: columns * rows }, (_, i) => i)));

  const objects: PlannedObject[] = [];
  let placed = 0;
  let firstFibres = 0;
  let repeatFibres = 0;
  let thirdFibres = 0;
  const perFieldOrdinal = new Int32Array(fields.length);
  galaxies.forEach((g, index) => {
    const random = roll[index];
    const kind = random.next();
    const cls: SpectralClass = kind < STAR_RATE ? "STAR" : kind < STAR_RATE + QSO_RATE ? "QSO" : "GALAXY";
    const redshift = cls === "STAR" ? random.normal(0, 0.0002) : cls === "QSO" ? random.uniform(0.5, 2.5) : g.redshift!;
    let field: number | null = null;
    let edge = false;
    let position: { raDeg: number; decDeg: number };
    let objid = "0";
    if (outside[index]) {
      const near = fields[Math.floor(random.next() * fields.length)];
      position = positionInGap(near, random.uniform(0, FIELD_STEP_ROWS));
    } else {
      field = Math.floor(placed++ / perField);
      const f = fields[field];
      const slot = slotOrder[field][perFieldOrdinal[field]++ % (columns * rows)];
      const [cellW, cellH] = [(FRAME_COLUMNS - 2 * SIDE_MARGIN_PX) / columns, FIELD_STEP_ROWS / rows];
      let x = SIDE_MARGIN_PX + ((slot % columns) + 0.5 + random.uniform(-0.2, 0.2)) * cellW;
      const y = (Math.floor(slot / columns) + 0.5 + random.uniform(-0.2, 0.2)) * cellH;
      edge = random.next() < EDGE_RATE;
      if (edge) x = random.next() < 0.5 ? random.uniform(4, 24) : FRAME_COLUMNS - 1 - random.uniform(4, 24);
      position = pixelToSky(f.wcs, x + 1, y + 1); // FITS pixels are 1-based
      objid = photometricObjid(f.run, f.camcol, f.field, perFieldOrdinal[field]);
    }
    const repeatRoll = random.next();
    const count = repeatRoll < REPEAT_3_RATE ? 3 : repeatRoll < REPEAT_3_RATE + REPEAT_RATE ? 2 : 1;
    const spectra: PlannedSpectrum[] = [];
    for (let k = 0; k < count; k++) {
      const id = k === 0 ? fibre(1000, 52000, firstFibres++) : k === 1 ? fibre(5000, 54000, repeatFibres++) : fibre(7000, 55000, thirdFibres++);
      // The first spectrum is plugged on the object (0.05″ jitter); repeats up to REPEAT_OFFSET_MAX_ARCSEC away.
      const plug = offset(position.raDeg, position.decDeg, k === 0 ? random.uniform(0, 0.05) : random.uniform(0.05, REPEAT_OFFSET_MAX_ARCSEC), random.uniform(0, 2 * Math.PI));
      spectra.push({ ...id, specobjid: specObjid(id.plate, id.mjd, id.fiberid), ...plug, key: `${g.sourceKey}/spectrum/${k}` });
    }
    objects.push({ index, class: cls, galaxy: { ...g, ...position, redshift, class: cls }, ...position, redshift, field, edge, objid, spectra });
  });

  const labels: PlannedLabel[] = [];
  const missing = { avg: -99, median: -99, p2p5: -99, p16: -99, p84: -99, p97p5: -99, flag: 0 };
  for (const o of objects) {
    if (o.class !== "GALAXY") continue;
    const sfr = o.galaxy.sfr!;
    const values = sfr.avg == null ? missing : { avg: sfr.avg, median: sfr.median!, p2p5: sfr.p2p5!, p16: sfr.p16!, p84: sfr.p84!, p97p5: sfr.p97p5!, flag: sfr.flag! };
    for (const s of o.spectra) labels.push({ plate: s.plate, mjd: s.mjd, fiberid: s.fiberid, raDeg: s.raDeg, decDeg: s.decDeg, redshift: o.redshift, ...values, object: o.index });
  }
  const orphans = new Random(seedOf(`${seed}/orphan-labels`));
  const orphanCount = Math.round(ORPHAN_LABEL_RATE * objects.length);
  for (let k = 0; k < orphanCount; k++) {
    const avg = orphans.normal(0, 0.6);
    labels.push({
      ...fibre(9000, 53000, k),
      raDeg: orphans.uniform(0, 60),
      decDeg: orphans.uniform(-1.25, 1.25),
      redshift: orphans.uniform(0.02, 0.2),
      avg, median: avg, p2p5: avg - 0.6, p16: avg - 0.3, p84: avg + 0.3, p97p5: avg + 0.6, flag: 0,
      object: null,
    });
  }
  return { seed, fields, objects, labels };
}
