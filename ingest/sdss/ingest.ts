/**
 * `ingest sdss`: real SDSS files into the catalogue and the cube, streamed.
 *
 * Stages: scan the spectra (identifiers and positions only) → group repeat
 * observations (1″, sky/cross-match.ts) → attach MPA-JHU labels (by plate,
 * MJD, fibre of any member) → resolve against the catalogue (../load.ts:
 * what is there already, what joins an object already catalogued) → read
 * the fields one at a time and cut 64 x 64 from the five frames of each
 * object the field holds → batches of `batchSize` objects: their spectra
 * read and combined by inverse-variance weighting, then committed (rows,
 * sources and one cube shard per sky cell together). The first field
 * decompresses from the start (`startSdssIngest`, before the database is
 * even open), and the objects' spectra are read ahead while a field
 * decompresses (./read-ahead.ts). Memory holds one batch and two fields,
 * whatever the survey's size; a killed ingest, run again, finds its
 * committed batches present and does the rest.
 *
 * Policy for bad input: a spectrum file that cannot be read is skipped and
 * reported with the reason; nothing else is written for it. A field missing
 * one of its five bands, or with a frame whose data cannot be read (not
 * bzip2, not FITS, not an SDSS frame), is reported and not used: its objects
 * keep their spectra. A frame that fails for a system reason (I/O, the
 * decompressor could not start) ends the ingest, and nothing is written. Idempotent: a spectrum file already
 * recorded is not loaded again, so a second run inserts nothing; a new
 * spectrum of an object already catalogued (within 1″) is combined into
 * its spectrum.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { NewGalaxy } from "../../catalog/bulk-load.js";
import type { SfrLabel } from "../../catalog/galaxy-record.js";
import type { NewSource } from "../../catalog/sources.js";
import type { CubeRecord, CubeStore } from "../../cube/cube-store.js";
import { combineMeasured } from "../../cube/rebin.js";
import type { Sql } from "../../db/database.js";
import { loadBatch, resolveBatch, type LoadItem, type Resolution } from "../load.js";
import { positionOnFrame, type Cutout } from "./cutout.js";
import { FitsError } from "../../fits/errors.js";
import { bzip2Tool } from "../../fits/file.js";
import type { Frame } from "./frame.js";
import { FieldReader, FrameReadError, type FieldRead, type FrameHeader } from "./field-reader.js";
import { groupByPosition } from "../../sky/cross-match.js";
import { readMpaJhu, spectrumKey } from "./mpa-jhu.js";
import { SpectrumReadAhead } from "./read-ahead.js";
import { readSdssSpectrumInfo, type SdssSpectrumInfo } from "./spectrum.js";

export interface SdssIngestOptions {
  framesDir?: string;
  spectraDir: string;
  /** [gal_info, gal_totsfr] paths. */
  sfr?: [string, string];
  cube: CubeStore;
  /** Objects committed together (default 1000): bounds memory (~0.25 MB each). */
  batchSize?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Stops the ingest before its next batch (what is committed stays; a rerun does the rest). */
  signal?: AbortSignal;
  /** Called after each committed batch with its timing (INGEST_LOG_BATCHES in the CLI). */
  onBatch?: (timing: BatchTiming) => void;
}

/** One committed batch: its index, size, what the ingest had stored before it, and where its time went. */
export interface BatchTiming {
  index: number;
  objects: number;
  /** Galaxies this ingest had inserted before the batch. */
  storedBefore: number;
  /** Resolve, read the spectra, write the shards, commit (the batch's own work). */
  loadMs: number;
  /** Since the previous batch ended (or the cut-out stage began): includes reading and cutting its fields. */
  wallMs: number;
}

export const DEFAULT_INGEST_BATCH = 1000;

export interface IngestReport {
  spectraRead: number;
  objects: number;
  inserted: number;
  /** Objects already catalogued that took new observations (a repeat spectrum, an image). */
  merged: number;
  alreadyPresent: number;
  batches: number;
  shards: number;
  bytes: number;
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

/** Starts reading a field's five frames in the reader's thread; `signal` stops it. */
function readField(reader: FieldReader, field: Field, signal: AbortSignal): FieldRead {
  return reader.readField(["u", "g", "r", "i", "z"].map((band) => field.files.get(band)!), signal);
}

type FrameSource = Pick<Frame, "file" | "band" | "run" | "camcol" | "field">;

/** An object of this ingest: its spectra (a group of repeats) and what the catalogue says of it. */
interface SdssObject {
  item: LoadItem;
  members: SdssSpectrumInfo[];
  /** Its cutout, from the moment it is cut until its batch is committed (then dropped: memory holds one batch's pixels). */
  cut?: { cutout: Cutout; frames: FrameSource[] };
  /** Whether it was handed to the batches with a cutout (stays set once the pixels are dropped). */
  imaged?: boolean;
}

const spectrumSource = (m: SdssSpectrumInfo): NewSource => ({ role: "SPECTRUM", file: m.file, plate: m.plate, mjd: m.mjd, fiberid: m.fiberid, run: null, camcol: null, field: null, band: null });
const frameSource = (f: FrameSource): NewSource => ({ role: "FRAME", file: f.file, plate: null, mjd: null, fiberid: null, run: f.run, camcol: f.camcol, field: f.field, band: f.band });

/** The spectrum with the most good pixels speaks for the group (identifiers, redshift, class). */
function representative(group: SdssSpectrumInfo[]): SdssSpectrumInfo {
  return [...group].sort((a, b) => b.goodPixels - a.goodPixels)[0];
}

function objectOf(group: SdssSpectrumInfo[], labels: Map<string, SfrLabel>): SdssObject {
  const members = [...group].sort((a, b) => a.plate - b.plate || a.mjd - b.mjd || a.fiberid - b.fiberid);
  const best = representative(members);
  const label = members.map((m) => labels.get(spectrumKey(m.plate, m.mjd, m.fiberid))).find((l) => l !== undefined);
  const galaxy: NewGalaxy = {
    sourceKey: `sdss/specobj/${members[0].specobjid}`,
    survey: "SDSS",
    objid: best.objid,
    specobjid: best.specobjid,
    plate: best.plate,
    mjd: best.mjd,
    fiberid: best.fiberid,
    raDeg: members.reduce((s, m) => s + m.raDeg, 0) / members.length,
    decDeg: members.reduce((s, m) => s + m.decDeg, 0) / members.length,
    redshift: best.redshift,
    class: best.class,
    sfr: label,
  };
  return { item: { galaxy, observations: members.map(spectrumSource) }, members };
}

/** What `startSdssIngest` needs: the files and how to batch them (the database and the cube come later). */
export type SdssIngestFiles = Omit<SdssIngestOptions, "cube">;

/** An SDSS ingest whose first field is already decompressing. */
export interface SdssIngest {
  /** Runs the ingest (once) into a catalogue and a cube; stops every decompressor when it ends. */
  run(sql: Sql, cube: CubeStore): Promise<IngestReport>;
  /** Stops the decompressors still running (when `run` will not be called, e.g. the database cannot be opened). */
  stop(): void;
}

/**
 * Lists the frames and starts decompressing the first field (in child
 * processes) at once, so that whatever comes before `run` — opening the
 * database, scanning the spectra — happens meanwhile. The decompressors
 * still running when the ingest ends (no object needed the field, or a
 * failure) are stopped.
 */
export function startSdssIngest(options: SdssIngestFiles): SdssIngest {
  const report: IngestReport = { spectraRead: 0, objects: 0, inserted: 0, merged: 0, alreadyPresent: 0, batches: 0, shards: 0, bytes: 0, withImage: 0, withSfrLabel: 0, skipped: [] };
  const fields = options.framesDir ? listFields(options.framesDir, report) : [];
  const reading = new AbortController();
  const stop = () => reading.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", stop, { once: true });
  const background = fields.length > 0 && [...fields[0].files.values()].every((path) => path.endsWith(".bz2")) && bzip2Tool() !== null;
  const reader = new FieldReader();
  const prefetched = { read: background ? readField(reader, fields[0], reading.signal) : undefined };
  let started = false;
  return {
    async run(sql, cube) {
      if (started) throw new Error("an SdssIngest runs once");
      started = true;
      try {
        return await ingest(sql, { ...options, cube }, report, fields, reading.signal, prefetched, reader);
      } finally {
        options.signal?.removeEventListener("abort", stop);
        reading.abort();
        await reader.close();
      }
    },
    stop: () => {
      reading.abort();
      void reader.close();
    },
  };
}

export async function ingestSdss(sql: Sql, options: SdssIngestOptions): Promise<IngestReport> {
  return startSdssIngest(options).run(sql, options.cube);
}

async function ingest(sql: Sql, options: SdssIngestOptions, report: IngestReport, fields: Field[], signal: AbortSignal, prefetched: { read?: FieldRead }, reader: FieldReader): Promise<IngestReport> {
  const batchSize = options.batchSize ?? DEFAULT_INGEST_BATCH;
  const files = readdirSync(options.spectraDir).filter((f) => /^spec-\d{4,}-\d{5}-\d{4}\.fits$/.test(f)).sort();
  const infos: SdssSpectrumInfo[] = [];
  for (const [i, file] of files.entries()) {
    try {
      infos.push(readSdssSpectrumInfo(join(options.spectraDir, file)));
    } catch (error) {
      if (!(error instanceof FitsError)) throw error;
      report.skipped.push({ file, reason: error.message });
    }
    options.onProgress?.("spectra", i + 1, files.length);
    if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve)); // lets the decompressors start and their output drain
  }
  report.spectraRead = infos.length;
  const labels = options.sfr ? readMpaJhu(...options.sfr) : new Map<string, SfrLabel>();
  const objects = groupByPosition(infos).map((group) => objectOf(group, labels));
  report.objects = objects.length;

  // What needs doing: objects whose spectra are all recorded are done; the
  // rest get an image if their galaxy has none yet.
  const todo: SdssObject[] = [];
  const wantsImage: boolean[] = [];
  const freshFiles: string[] = [];
  for (let start = 0; start < objects.length; start += batchSize) {
    const chunk = objects.slice(start, start + batchSize);
    const resolutions = await resolveBatch(sql, chunk.map((o) => o.item));
    chunk.forEach((object, k) => {
      const r = resolutions[k];
      if (r.kind === "present") return void report.alreadyPresent++;
      todo.push(object);
      wantsImage.push(r.kind === "new" || !r.hasImage);
      freshFiles.push(...(r.kind === "merge" ? r.fresh.map((s) => s.file) : object.members.map((m) => m.file)));
    });
  }
  options.onProgress?.("resolve", objects.length, objects.length);
  // While a field decompresses, the objects' spectra are read (at most a batch's worth kept).
  const spectra = new SpectrumReadAhead(options.spectraDir, freshFiles, batchSize);

  let pending: SdssObject[] = [];
  let loaded = 0;
  let lastBatchEnd = performance.now();
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    options.signal?.throwIfAborted();
    const storedBefore = report.inserted;
    const loadStart = performance.now();
    const result = await loadBatch(sql, options.cube, batch.map((o) => o.item), async (_, resolutions) => {
      const records: CubeRecord[] = [];
      for (const [k, object] of batch.entries()) {
        records.push(recordOf(object, resolutions[k], spectra));
        if (k % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
      }
      return records;
    });
    report.inserted += result.inserted;
    report.merged += result.merged;
    report.alreadyPresent += result.present;
    report.batches++;
    report.shards += result.shards;
    report.bytes += result.bytes;
    const end = performance.now();
    options.onBatch?.({ index: report.batches - 1, objects: batch.length, storedBefore, loadMs: end - loadStart, wallMs: end - lastBatchEnd });
    lastBatchEnd = end;
    batch.forEach((object, k) => {
      object.cut = undefined; // committed: the pixels are in the shard files now
      if (result.kinds[k] === "present") return;
      if (object.imaged) report.withImage++;
      if (object.item.galaxy.sfr?.avg != null) report.withSfrLabel++;
    });
    options.onProgress?.("objects", (loaded += batch.length), todo.length);
  };
  const add = async (object: SdssObject) => {
    pending.push(object);
    if (pending.length >= batchSize) await flush();
  };

  lastBatchEnd = performance.now();
  await cutOutAll(reader, fields, todo, wantsImage, report, signal, prefetched, add, spectra, options.onProgress);
  for (const object of todo) if (!object.imaged) await add(object);
  await flush();
  return report;
}

/** An object's zoom-0 data from its fresh observations: the spectra not yet recorded, combined; its cutout. */
function recordOf(object: SdssObject, resolution: Resolution, readAhead: SpectrumReadAhead): CubeRecord {
  const fresh = resolution.kind === "merge" ? new Set(resolution.fresh.map((s) => s.file)) : null;
  const members = resolution.kind === "present" ? [] : object.members.filter((m) => fresh === null || fresh.has(m.file));
  const spectra = members.map((m) => readAhead.take(m.file));
  readAhead.drop(object.members.map((m) => m.file));
  if (resolution.kind === "present") return {};
  return { spectrum: spectra.length > 0 ? combineMeasured(spectra) : undefined, image: object.cut?.cutout };
}

/**
 * Cuts out the objects that want an image, each from the first field (in
 * name order) whose r frame holds it, handing each object to `add` as soon
 * as it has its cutout. Fields are read one at a time, each at most once,
 * the next one decompressing while the current one is cut, and dropped
 * once cut: memory holds two fields however many there are. Reading stops
 * when every object has its field. A field with a frame that cannot be
 * read is reported in `report.skipped` and passed over; any other failure
 * ends the ingest. `prefetched.read`, when set, is the first field's read
 * already under way (taken, so that its frames are not kept).
 */
async function cutOutAll(
  reader: FieldReader,
  fields: Field[],
  objects: SdssObject[],
  wantsImage: boolean[],
  report: IngestReport,
  signal: AbortSignal,
  prefetched: { read?: FieldRead },
  add: (object: SdssObject) => Promise<void>,
  spectra: SpectrumReadAhead,
  onProgress?: SdssIngestOptions["onProgress"],
): Promise<void> {
  let waiting = objects.map((_, i) => i).filter((i) => wantsImage[i]);
  let next = fields.length > 0 && waiting.length > 0 ? prefetched.read ?? readField(reader, fields[0], signal) : undefined;
  if (!next) prefetched.read?.stop();
  prefetched.read = undefined;
  let examined = 0;
  try {
    for (let f = 0; next; f++) {
      const current: FieldRead = next;
      let frames: FrameHeader[] | undefined;
      await spectra.fillUntil(current.frames);
      try {
        frames = await current.frames;
      } catch (error) {
        if (!(error instanceof FrameReadError)) throw error;
        report.skipped.push({ file: error.file, reason: error.message });
      }
      onProgress?.("fields", (examined = f + 1), fields.length);
      const position = (i: number) => objects[i].item.galaxy;
      const here = frames ? waiting.filter((i) => positionOnFrame(frames[2], position(i).raDeg, position(i).decDeg) !== null) : [];
      const onField = new Set(here);
      waiting = waiting.filter((i) => !onField.has(i));
      next = f + 1 < fields.length && waiting.length > 0 ? readField(reader, fields[f + 1], signal) : undefined;
      const cutouts = here.length > 0 ? await current.cut(here.map((i) => [position(i).raDeg, position(i).decDeg])) : [];
      current.stop(); // cut: its frames are freed
      for (const [k, i] of here.entries()) {
        const cutout = cutouts[k];
        if (!cutout) continue;
        const sources = frames!.map(({ file, band, run, camcol, field }) => ({ file, band, run, camcol, field }));
        objects[i].cut = { cutout, frames: sources };
        objects[i].imaged = true;
        objects[i].item.provenance = sources.map(frameSource);
        await add(objects[i]);
      }
    }
    if (examined < fields.length) onProgress?.("fields", fields.length, fields.length); // the rest are not needed
  } finally {
    next?.stop();
  }
}
