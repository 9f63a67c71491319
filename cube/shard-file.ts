/**
 * One shard of the cube: an HDF5 file in the layout of ./layout.ts holding a
 * fixed number of rows, written once and never modified. The only place
 * that imports h5wasm for our own cube files (the pre-shard single cube
 * file has the same layout, so it reads as one shard too).
 */
import h5wasm, { Dataset, Module, type File as H5File } from "h5wasm/node";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TanWcs } from "../sky/tan-wcs.js";
import { BAND_COUNT, CUBE_FORMAT, CUBE_VERSION, WCS_PATH, imagePath, spectrumPath } from "./layout.js";
import { CubeError, WCS_FIELDS, checkRecord, unreadable, imageLevels, spectrumLevels, wcsFromRow, wcsRow, type CubeRecord } from "./levels.js";
import type { Measured } from "./rebin.js";
import { ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "./zoom.js";

export const ready = h5wasm.ready;

type Part = "flux" | "sigma" | "mask";
const PARTS: readonly Part[] = ["flux", "sigma", "mask"];

/** Masks are mostly zeros and shrink ~50x with gzip; flux and sigma are noisy and barely shrink, at twice the write time. */
function compression(part: Part) {
  return part === "mask" ? { compression: "gzip" as const, compression_opts: 1 } : {};
}

/** Rows computed and written together (and the records per message to ./shard-writer.ts's thread): one write per dataset and block keeps h5wasm's per-call cost (it opens the dataset each time) off every row. */
export const BLOCK_ROWS = 32;

/** One dataset of a shard: where it is, its row shape, and its zoom level's values in a computed row. */
interface Column {
  path: string;
  rowShape: number[];
  part: Part;
  valuesOf(row: RowLevels): Float32Array | Uint8Array;
}

interface RowLevels {
  images: Measured[];
  spectra: Measured[];
}

const pick = (level: Measured, part: Part) => (part === "flux" ? level.value : part === "sigma" ? level.sigma : level.mask);

const COLUMNS: Column[] = Array.from({ length: ZOOM_LEVELS }, (_, zoom) => [
  ...PARTS.map((part): Column => ({ path: imagePath(zoom, part), rowShape: [BAND_COUNT, imageSize(zoom), imageSize(zoom)], part, valuesOf: (row) => pick(row.images[zoom], part) })),
  ...PARTS.map((part): Column => ({ path: spectrumPath(zoom, part), rowShape: [spectrumBins(zoom)], part, valuesOf: (row) => pick(row.spectra[zoom], part) })),
]).flat();

/** The rows of a block laid end to end. */
function concatenated(column: Column, block: readonly RowLevels[]): Float32Array | Uint8Array {
  const width = column.rowShape.reduce((a, b) => a * b, 1);
  const out = column.part === "mask" ? new Uint8Array(block.length * width) : new Float32Array(block.length * width);
  block.forEach((row, k) => out.set(column.valuesOf(row), k * width));
  return out;
}

/**
 * Writes a new shard file of `rows` rows at `path` (which must not exist),
 * block by block: `add` the records in order (any number at a time), then
 * `finish`. Chunks are one row of one dataset, so reading one galaxy at one
 * zoom touches one chunk per dataset. Rows are computed (every zoom level)
 * and written `BLOCK_ROWS` at a time, so memory holds one block beside the
 * records given. The caller makes the file durable and visible
 * (./storage.ts). Used in the thread of ./shard-writer.ts, and inline.
 */
export class ShardWriter {
  private readonly file: H5File;
  private readonly datasets: Dataset[] = [];
  private readonly wcs: Float64Array;
  private written = 0;
  private pending: CubeRecord[] = [];
  private closed = false;

  constructor(readonly path: string, readonly rows: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.wcs = new Float64Array(rows * WCS_FIELDS);
    const file = new h5wasm.File(path, "w");
    // h5wasm reports a failed create on stderr rather than throwing.
    if (!existsSync(path)) throw new CubeError(`cannot create the cube shard ${path}`);
    this.file = file;
    try {
      file.create_attribute("format", CUBE_FORMAT);
      file.create_attribute("version", CUBE_VERSION);
      file.create_attribute("bands", "u,g,r,i,z");
      file.create_group("images");
      file.create_group("spectra");
      for (let zoom = 0; zoom < ZOOM_LEVELS; zoom++) {
        file.create_group(`images/${zoom}`);
        file.create_group(`spectra/${zoom}`);
        const bins = spectrumBins(zoom);
        file.create_dataset({ name: spectrumPath(zoom, "wavelength"), data: wavelengthGrid(bins), shape: [bins], dtype: "<d" });
      }
    } catch (error) {
      this.abandon();
      throw error;
    }
  }

  /** Takes the next records (row order), writing every full block. */
  add(records: readonly CubeRecord[]): void {
    records.forEach((record, k) => checkRecord(record, this.written + this.pending.length + k));
    if (this.written + this.pending.length + records.length > this.rows) throw new CubeError(`cube shard ${this.path}: more than ${this.rows} rows given`);
    this.pending.push(...records);
    while (this.pending.length >= BLOCK_ROWS) this.writeBlock(this.pending.splice(0, BLOCK_ROWS));
  }

  private writeBlock(records: readonly CubeRecord[]): void {
    const start = this.written;
    const block: RowLevels[] = records.map((record) => ({ images: imageLevels(record.image), spectra: spectrumLevels(record.spectrum) }));
    COLUMNS.forEach((column, c) => {
      const data = concatenated(column, block);
      if (start === 0) {
        // Created with the first block's rows, then grown to all of them: one resize per dataset.
        const d = this.file.create_dataset({ name: column.path, data, shape: [block.length, ...column.rowShape], maxshape: [null, ...column.rowShape], chunks: [1, ...column.rowShape], dtype: column.part === "mask" ? "<B" : "<f", ...compression(column.part) });
        if (this.rows > block.length) d.resize([this.rows, ...column.rowShape]);
        this.datasets.push(d);
      } else {
        this.datasets[c].write_slice([[start, start + block.length]], data);
      }
    });
    records.forEach((record, k) => this.wcs.set(wcsRow(record.image?.wcs), (start + k) * WCS_FIELDS));
    this.written += records.length;
  }

  /** Writes what is left and closes the file. */
  finish(): void {
    try {
      if (this.written === 0 || this.pending.length > 0) this.writeBlock(this.pending.splice(0));
      if (this.written !== this.rows) throw new CubeError(`cube shard ${this.path}: ${this.written} rows given of ${this.rows}`);
      this.file.create_dataset({ name: WCS_PATH, data: this.wcs, shape: [this.rows, WCS_FIELDS], dtype: "<d" });
    } finally {
      this.abandon();
    }
  }

  /** Closes the file as it is (the caller removes it). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
  }
}

/** Writes `records` as a new shard file at `path`, in this thread (see `ShardWriter`). */
export async function writeShardFile(path: string, records: readonly CubeRecord[]): Promise<void> {
  await h5wasm.ready;
  records.forEach(checkRecord);
  const writer = new ShardWriter(path, records.length);
  try {
    for (let start = 0; start < records.length; start += BLOCK_ROWS) {
      writer.add(records.slice(start, start + BLOCK_ROWS));
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    writer.abandon();
    throw error;
  }
  writer.finish();
}

export interface ImageCube {
  zoom: number;
  size: number;
  value: Float32Array;
  sigma: Float32Array;
  mask: Uint8Array;
  /** The zoom-0 WCS (the caller rescales it). */
  wcs0: TanWcs | null;
}

/**
 * The CRC-32s of one dataset's planes (a band of an image row, or a whole
 * spectrum row) as read through one handle: `crcs[row * planes + j]`,
 * valid where `known` is 1.
 */
export interface PlaneCrcs {
  planes: number;
  crcs: Uint32Array;
  known: Uint8Array;
}

/** An open shard file; rows are read chunk by chunk, never the whole file. */
export class ShardFile {
  private readonly handles = new Map<string, Dataset>();
  /** CRCs of planes read through this handle, by dataset path (CubeStore.readRowsWithCrcs); they go with the handle. */
  private readonly planeCrcCache = new Map<string, PlaneCrcs>();
  private readonly file: H5File;
  readonly rows: number;

  /** Opens `path`; a missing, truncated or foreign file is a CubeError naming it. */
  constructor(readonly path: string, readonly name: string) {
    if (!existsSync(path)) throw unreadable(name, `cube shard ${name} is missing (${path})`);
    let file: H5File | undefined;
    try {
      file = new h5wasm.File(path, "r");
      this.file = file;
      this.rows = (this.dataset(WCS_PATH).shape as number[])[0];
    } catch (error) {
      try {
        file?.close();
      } catch {
        // a file h5wasm could not open has nothing to close
      }
      throw error instanceof CubeError ? error : unreadable(name, `cube shard ${name} cannot be read (${(error as Error).message}): the file is damaged`, error);
    }
  }

  dataset(path: string): Dataset {
    let handle = this.handles.get(path);
    if (!handle) {
      const entity = this.file.get(path);
      if (!(entity instanceof Dataset)) throw unreadable(this.name, `cube shard ${this.name} has no dataset ${path}: not a ${CUBE_FORMAT} file, or damaged`);
      handle = entity;
      this.handles.set(path, handle);
    }
    return handle;
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows) throw unreadable(this.name, `row ${row} is outside cube shard ${this.name} (${this.rows} rows): the file does not match the catalogue`);
  }

  /** Parts of rows [first, last] (inclusive) at one zoom, row-major. */
  slice(kind: "image" | "spectrum", zoom: number, part: Part, first: number, last: number): Float32Array | Uint8Array {
    this.checkRow(first);
    this.checkRow(last);
    const path = kind === "image" ? imagePath(zoom, part) : spectrumPath(zoom, part);
    try {
      return this.dataset(path).slice([[first, last + 1]]) as Float32Array | Uint8Array;
    } catch (error) {
      throw error instanceof CubeError ? error : unreadable(this.name, `cube shard ${this.name}: ${path} rows ${first}-${last} cannot be read (${(error as Error).message}): the file is damaged`, error);
    }
  }

  /**
   * Rows [first, last] (inclusive) of one part at one zoom, handed to `use`
   * as a view of the wasm heap, valid only during the call (copy what you
   * keep). What `slice` does with one copy fewer: h5wasm's slice copies the
   * heap into a new array, which the caller then copies again — for bulk
   * reads that second copy was a third of the time. HDF5's read status is
   * checked (a failed read is CUBE_UNREADABLE, not zeros).
   */
  readView(kind: "image" | "spectrum", zoom: number, part: Part, first: number, last: number, use: (bytes: Uint8Array) => void): void {
    this.checkRow(first);
    this.checkRow(last);
    const path = kind === "image" ? imagePath(zoom, part) : spectrumPath(zoom, part);
    let dataset: Dataset;
    let rowShape: number[];
    let itemBytes: number;
    try {
      dataset = this.dataset(path);
      rowShape = (dataset.shape as number[]).slice(1);
      itemBytes = dataset.metadata.size;
    } catch (error) {
      throw error instanceof CubeError ? error : unreadable(this.name, `cube shard ${this.name}: ${path} cannot be read (${(error as Error).message}): the file is damaged`, error);
    }
    const rows = last - first + 1;
    const nbytes = rows * rowShape.reduce((a, b) => a * b, 1) * itemBytes;
    const pointer = Module._malloc(nbytes);
    if (pointer === 0) throw new CubeError(`cannot allocate ${nbytes} bytes to read cube shard ${this.name}`);
    try {
      let status: number;
      try {
        status = Module.get_dataset_data(dataset.file_id, dataset.path, [BigInt(rows), ...rowShape.map(BigInt)], [BigInt(first), ...rowShape.map(() => 0n)], [1n, ...rowShape.map(() => 1n)], BigInt(pointer));
      } catch (error) {
        throw unreadable(this.name, `cube shard ${this.name}: ${path} rows ${first}-${last} cannot be read (${(error as Error).message}): the file is damaged`, error);
      }
      if (status < 0) throw unreadable(this.name, `cube shard ${this.name}: ${path} rows ${first}-${last} cannot be read (HDF5 status ${status}): the file is damaged`);
      use(Module.HEAPU8.subarray(pointer, pointer + nbytes)); // the heap as it is after the read (it may have grown)
    } finally {
      Module._free(pointer);
    }
  }

  /** The CRC table of one part at one zoom (`planes` per row), empty at first. */
  planeCrcs(kind: "image" | "spectrum", zoom: number, part: Part, planes: number): PlaneCrcs {
    const path = kind === "image" ? imagePath(zoom, part) : spectrumPath(zoom, part);
    let table = this.planeCrcCache.get(path);
    if (!table) this.planeCrcCache.set(path, (table = { planes, crcs: new Uint32Array(this.rows * planes), known: new Uint8Array(this.rows * planes) }));
    return table;
  }

  wavelength(zoom: number): Float64Array {
    return this.reading(spectrumPath(zoom, "wavelength"), (d) => d.value as Float64Array);
  }

  wcs0(row: number): TanWcs | null {
    this.checkRow(row);
    return wcsFromRow(this.reading(WCS_PATH, (d) => d.slice([[row, row + 1]]) as Float64Array));
  }

  /** Reads from a dataset; h5wasm's failures (a damaged file) become CUBE_UNREADABLE naming the shard. */
  private reading<T>(path: string, read: (d: Dataset) => T): T {
    try {
      return read(this.dataset(path));
    } catch (error) {
      throw error instanceof CubeError ? error : unreadable(this.name, `cube shard ${this.name}: ${path} cannot be read (${(error as Error).message}): the file is damaged`, error);
    }
  }

  close(): void {
    this.handles.clear();
    this.planeCrcCache.clear();
    this.file.close();
  }
}
