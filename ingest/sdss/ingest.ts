/**
 * `ingest sdss`: real SDSS files into the catalogue and the cube.
 *
 * Stages: read spectra → group repeat observations (1″) → combine each
 * group by inverse-variance weighting → attach MPA-JHU labels (by plate,
 * MJD, fibre of any member) → find the field whose r frame holds the object
 * and cut 64 x 64 from its five frames (fields read one at a time, see
 * `cutOutAll`) → load rows, cube rows and sources in one transaction with
 * one cube write session.
 *
 * Policy for bad input: a spectrum file that cannot be read is skipped and
 * reported with the reason; nothing else is written for it. A field missing
 * one of its five bands, or with a frame whose data cannot be read (not
 * bzip2, not FITS, not an SDSS frame), is reported and not used: its objects
 * keep their spectra. A frame that fails for a system reason (I/O, the
 * decompressor could not start) ends the ingest, and nothing is written. Idempotent: objects are keyed by
 * the SPECOBJID of their first spectrum (in plate, MJD, fibre order), so a
 * second run inserts nothing.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { insertBatchReturning, type NewGalaxy } from "../../catalog/bulk-load.js";
import type { SfrLabel } from "../../catalog/galaxy-record.js";
import { CubeWriter, type CubeRecord } from "../../cube/store.js";
import { lockCubeWrites } from "../cube-lock.js";
import type { Sql } from "../../db/database.js";
import { cutOut, positionOnFrame, type Cutout } from "./cutout.js";
import { FitsError } from "../../fits/errors.js";
import { bzip2Tool } from "../../fits/file.js";
import { readFrameAsync, type Frame } from "./frame.js";
import { groupByPosition } from "../../sky/cross-match.js";
import { readMpaJhu, spectrumKey } from "./mpa-jhu.js";
import { combineSpectra, readSdssSpectrum, type SdssSpectrum } from "./spectrum.js";

export interface SdssIngestOptions {
  framesDir?: string;
  spectraDir: string;
  /** [gal_info, gal_totsfr] paths. */
  sfr?: [string, string];
  cubePath: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface IngestReport {
  spectraRead: number;
  objects: number;
  inserted: number;
  alreadyPresent: number;
  withImage: number;
  withSfrLabel: number;
  skipped: { file: string; reason: string }[];
}

const FRAME = /^frame-([ugriz])-(\d{6}-\d-\d{4})\.fits(\.bz2)?$/;

interface Field {
  key: string;
  files: Map<string, string>;
}

function listFields(dir: string, report: IngestReport): Field[] {
  const fields = new Map<string, Field>();
  for (const file of readdirSync(dir).sort()) {
    const match = FRAME.exec(file);
    if (!match) continue;
    const field = fields.get(match[2]) ?? { key: match[2], files: new Map() };
    field.files.set(match[1], join(dir, file));
    fields.set(match[2], field);
  }
  return [...fields.values()].filter((field) => {
    if (field.files.size === 5) return true;
    report.skipped.push({ file: `frame-?-${field.key}`, reason: `field has ${field.files.size} of the 5 bands` });
    return false;
  });
}

/** A frame whose file cannot be read as an SDSS frame (bad data, not a system failure). */
class FrameReadError extends Error {
  constructor(readonly file: string, cause: FitsError) {
    super(cause.message, { cause });
  }
}

/** The five frames of a field being read (u,g,r,i,z), and a way to stop the decompressors. */
interface FieldRead {
  frames: Promise<Frame[]>;
  stop(): void;
}

/**
 * Starts reading a field's five frames. A frame with bad data rejects with a
 * FrameReadError and stops the field's other decompressors; so does `signal`.
 */
function readField(field: Field, signal: AbortSignal): FieldRead {
  const controller = new AbortController();
  const stop = () => controller.abort(signal.reason);
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  const read = (path: string) =>
    readFrameAsync(path, controller.signal).catch((error: unknown) => Promise.reject(error instanceof FitsError ? new FrameReadError(basename(path), error) : error));
  const frames = Promise.all(["u", "g", "r", "i", "z"].map((band) => read(field.files.get(band)!)));
  const done = (failed: boolean) => {
    signal.removeEventListener("abort", stop);
    if (failed) controller.abort();
  };
  frames.then(() => done(false), () => done(true)); // also marks a prefetched field's failure handled until it is awaited
  return { frames, stop: () => controller.abort() };
}

type FrameSource = Pick<Frame, "file" | "band" | "run" | "camcol" | "field">;

/**
 * Cutouts of the objects at `positions`, each from the first field (in name
 * order) whose r frame holds it. Fields are read one at a time, each at most
 * once, the next one decompressing while the current one is cut, and dropped
 * once cut: memory holds two fields however many there are. Reading stops
 * when every object has its field. A field with a frame that cannot be read
 * is reported in `report.skipped` and passed over; any other failure ends
 * the ingest. `prefetched.read`, when set, is the first field's read already
 * under way (taken, so that its frames are not kept).
 */
async function cutOutAll(
  fields: Field[],
  positions: { raDeg: number; decDeg: number }[],
  report: IngestReport,
  signal: AbortSignal,
  prefetched: { read?: FieldRead },
  onProgress?: SdssIngestOptions["onProgress"],
): Promise<({ cutout: Cutout; frames: FrameSource[] } | undefined)[]> {
  const cuts: ({ cutout: Cutout; frames: FrameSource[] } | undefined)[] = new Array(positions.length).fill(undefined);
  let waiting = positions.map((_, i) => i);
  let next = fields.length > 0 && waiting.length > 0 ? prefetched.read ?? readField(fields[0], signal) : undefined;
  prefetched.read = undefined;
  let examined = 0;
  try {
    for (let f = 0; next; f++) {
      let frames: Frame[] | undefined;
      try {
        frames = await next.frames;
      } catch (error) {
        if (!(error instanceof FrameReadError)) throw error;
        report.skipped.push({ file: error.file, reason: error.message });
      }
      onProgress?.("fields", (examined = f + 1), fields.length);
      const here = frames ? waiting.filter((i) => positionOnFrame(frames[2], positions[i].raDeg, positions[i].decDeg) !== null) : [];
      waiting = waiting.filter((i) => !here.includes(i));
      next = f + 1 < fields.length && waiting.length > 0 ? readField(fields[f + 1], signal) : undefined;
      for (const i of here) {
        const cutout = cutOut(frames!, positions[i].raDeg, positions[i].decDeg);
        if (cutout) cuts[i] = { cutout, frames: frames!.map(({ file, band, run, camcol, field }) => ({ file, band, run, camcol, field })) };
      }
    }
    if (examined < fields.length) onProgress?.("fields", fields.length, fields.length); // the rest are not needed
  } finally {
    next?.stop();
  }
  return cuts;
}

/** The spectrum with the most good bins speaks for the group (identifiers, redshift, class). */
function representative(group: SdssSpectrum[]): SdssSpectrum {
  const good = (s: SdssSpectrum) => s.rebinned.mask.reduce((n, m) => n + (m ? 0 : 1), 0);
  return [...group].sort((a, b) => good(b) - good(a))[0];
}

export async function ingestSdss(sql: Sql, options: SdssIngestOptions): Promise<IngestReport> {
  const report: IngestReport = { spectraRead: 0, objects: 0, inserted: 0, alreadyPresent: 0, withImage: 0, withSfrLabel: 0, skipped: [] };
  const fields = options.framesDir ? listFields(options.framesDir, report) : [];
  // The first field starts decompressing (in child processes) at once, while
  // the spectra are read and the catalogue written; every decompressor still
  // running when the ingest ends (no new object needed it, or a failure) is stopped.
  const reading = new AbortController();
  const background = fields.length > 0 && [...fields[0].files.values()].every((path) => path.endsWith(".bz2")) && bzip2Tool() !== null;
  const prefetched = { read: background ? readField(fields[0], reading.signal) : undefined };
  try {
    return await ingest(sql, options, report, fields, reading.signal, prefetched);
  } finally {
    reading.abort();
  }
}

async function ingest(sql: Sql, options: SdssIngestOptions, report: IngestReport, fields: Field[], signal: AbortSignal, prefetched: { read?: FieldRead }): Promise<IngestReport> {
  const files = readdirSync(options.spectraDir).filter((f) => /^spec-\d{4,}-\d{5}-\d{4}\.fits$/.test(f)).sort();
  const spectra: SdssSpectrum[] = [];
  for (const [i, file] of files.entries()) {
    try {
      spectra.push(readSdssSpectrum(join(options.spectraDir, file)));
    } catch (error) {
      report.skipped.push({ file, reason: (error as Error).message });
    }
    options.onProgress?.("spectra", i + 1, files.length);
    await new Promise((resolve) => setImmediate(resolve)); // lets the decompressors start and their output drain
  }
  report.spectraRead = spectra.length;
  const labels = options.sfr ? readMpaJhu(...options.sfr) : new Map<string, SfrLabel>();
  const groups = groupByPosition(spectra);
  report.objects = groups.length;

  const objects = groups.map((group) => {
    const members = [...group].sort((a, b) => a.plate - b.plate || a.mjd - b.mjd || a.fiberid - b.fiberid);
    const best = representative(members);
    const raDeg = members.reduce((s, m) => s + m.raDeg, 0) / members.length;
    const decDeg = members.reduce((s, m) => s + m.decDeg, 0) / members.length;
    const label = members.map((m) => labels.get(spectrumKey(m.plate, m.mjd, m.fiberid))).find((l) => l !== undefined);
    const galaxy: NewGalaxy = {
      sourceKey: `sdss/specobj/${members[0].specobjid}`,
      survey: "SDSS",
      objid: best.objid,
      specobjid: best.specobjid,
      plate: best.plate,
      mjd: best.mjd,
      fiberid: best.fiberid,
      raDeg,
      decDeg,
      redshift: best.redshift,
      class: best.class,
      sfr: label,
    };
    return { galaxy, members, label };
  });

  return sql.begin(async (tx) => {
    const fresh = await insertBatchReturning(tx as unknown as Sql, objects.map((o) => o.galaxy));
    const freshKeys = new Map(fresh.map((row) => [row.sourceKey, row.id]));
    report.inserted = fresh.length;
    report.alreadyPresent = objects.length - fresh.length;
    const todo = objects.filter((o) => freshKeys.has(o.galaxy.sourceKey));
    if (todo.length === 0) return report;
    await lockCubeWrites(tx as unknown as Sql);
    const writer = await CubeWriter.begin(options.cubePath);
    try {
      const records: CubeRecord[] = [];
      const sources: Record<string, unknown>[] = [];
      const cuts = await cutOutAll(fields, todo.map((o) => o.galaxy), report, signal, prefetched, options.onProgress);
      for (const [i, object] of todo.entries()) {
        const id = freshKeys.get(object.galaxy.sourceKey)!;
        const cut = cuts[i];
        records.push({ spectrum: combineSpectra(object.members.map((m) => m.rebinned)), image: cut?.cutout });
        for (const m of object.members) sources.push({ galaxy_id: id, role: "SPECTRUM", file: m.file, plate: m.plate, mjd: m.mjd, fiberid: m.fiberid, run: null, camcol: null, field: null, band: null });
        if (cut) {
          report.withImage++;
          for (const frame of cut.frames) {
            sources.push({ galaxy_id: id, role: "FRAME", file: frame.file, plate: null, mjd: null, fiberid: null, run: frame.run, camcol: frame.camcol, field: frame.field, band: frame.band });
          }
        }
        if (object.label?.avg != null) report.withSfrLabel++;
        options.onProgress?.("objects", i + 1, todo.length);
      }
      const first = writer.append(records);
      await tx`
        UPDATE galaxies SET cube_row = u.row, has_image = (u.image = 1), has_spectrum = true
        FROM unnest(${todo.map((o) => freshKeys.get(o.galaxy.sourceKey)!)}::int8[], ${todo.map((_, i) => first + i)}::int4[],
                    ${records.map((r) => (r.image !== undefined ? 1 : 0))}::int4[]) AS u(id, row, image)
        WHERE galaxies.id = u.id`;
      await tx`INSERT INTO galaxy_sources ${tx(sources as any[])}`;
      writer.commit();
      return report;
    } catch (error) {
      writer.abort();
      throw error;
    }
  });
}
