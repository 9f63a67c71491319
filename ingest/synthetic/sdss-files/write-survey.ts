/**
 * `writeSdssSurvey`: the synthetic survey written as SDSS files, for
 * ingest tests and benchmarks at survey sizes:
 *
 *   DIR/frames/frame-{u,g,r,i,z}-RRRRRR-C-FFFF.fits.bz2
 *   DIR/spectra/spec-PPPP-MMMMM-FFFF.fits
 *   DIR/mpa-jhu/gal_info.fits, gal_totsfr.fits
 *
 * Layout and quirks are planned first (plan.ts, no pixels); then the
 * catalogue, the spectra one at a time, and the fields one at a time (five
 * frames rendered in turn, each compressed in a child process while the
 * next is drawn: at most two frames' pixels in memory). Deterministic for
 * a count, seed and objects-per-field.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BANDS, frameCalibration } from "./frame-noise.js";
import { frameBytes, frameName, writeBzip2 } from "./frame-file.js";
import { placeStamps, renderFrame } from "./frame-image.js";
import { writeMpaJhu } from "./mpa-jhu-file.js";
import { planSurvey, type PlannedObject, type SurveyPlan } from "./plan.js";
import { writeSpectrum } from "./spectrum-file.js";

export interface WriteSdssSurveyOptions {
  /** Output folder; created if absent, and must be empty. */
  dir: string;
  count: number;
  seed?: number;
  /** Objects placed on each field (default OBJECTS_PER_FIELD, 120). */
  objectsPerField?: number;
  onProgress?: (stage: "spectra" | "fields", done: number, total: number) => void;
}

export interface SdssSurveySummary {
  objects: number;
  spectra: number;
  fields: number;
  frames: number;
  /** gal_info / gal_totsfr rows. */
  labels: number;
  bytes: number;
  seconds: number;
  /** What was written: the truth tests check the files against. */
  plan: SurveyPlan;
}

export class SurveyFolderError extends Error {}

const yieldToEvents = () => new Promise((resolve) => setImmediate(resolve));

export async function writeSdssSurvey(options: WriteSdssSurveyOptions): Promise<SdssSurveySummary> {
  const started = Date.now();
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0) throw new SurveyFolderError(`${options.dir} is not empty: write the survey into a new or empty folder`);
  const plan = planSurvey({ count: options.count, seed: options.seed, objectsPerField: options.objectsPerField });
  const dirs = { frames: join(options.dir, "frames"), spectra: join(options.dir, "spectra"), mpaJhu: join(options.dir, "mpa-jhu") };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

  let bytes = writeMpaJhu(dirs.mpaJhu, plan.labels);
  const spectraTotal = plan.objects.reduce((n, o) => n + o.spectra.length, 0);
  let spectra = 0;
  for (const object of plan.objects) {
    for (const spectrum of object.spectra) {
      bytes += writeSpectrum(dirs.spectra, object, spectrum);
      spectra++;
      options.onProgress?.("spectra", spectra, spectraTotal);
    }
    if (spectra % 200 === 0) await yieldToEvents();
  }

  // Objects by their home field: a field's light comes from its own objects and its neighbours' along the strip.
  const byField = new Map<number, PlannedObject[]>();
  for (const o of plan.objects) {
    if (o.field === null) continue;
    if (!byField.has(o.field)) byField.set(o.field, []);
    byField.get(o.field)!.push(o);
  }
  let frames = 0;
  let compressing: Promise<number> | undefined;
  for (const field of plan.fields) {
    const neighbours = plan.fields.filter((f) => f.strip === field.strip && Math.abs(f.along - field.along) <= 1);
    const stamps = placeStamps(field, neighbours.flatMap((f) => byField.get(f.index) ?? []));
    for (const band of BANDS) {
      const calibration = frameCalibration(field.run, field.camcol, band, field.along);
      const image = renderFrame(plan.seed, field, band, calibration, stamps);
      const file = frameBytes(field, band, image, calibration);
      if (compressing) bytes += await compressing;
      compressing = writeBzip2(join(dirs.frames, frameName(band, field)), file);
      frames++;
    }
    options.onProgress?.("fields", field.index + 1, plan.fields.length);
  }
  if (compressing) bytes += await compressing;
  return { objects: plan.objects.length, spectra, fields: plan.fields.length, frames, labels: plan.labels.length, bytes, seconds: (Date.now() - started) / 1000, plan };
}
