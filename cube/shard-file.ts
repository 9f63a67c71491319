/**
 * One shard of the cube: an HDF5 file in the layout of ./layout.ts holding a
 * fixed number of rows, written once and never modified. The only place
 * that imports h5wasm for our own cube files (the pre-shard single cube
 * file has the same layout, so it reads as one shard too).
 */
import h5wasm, { Dataset, type File as H5File } from "h5wasm/node";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TanWcs } from "../sky/tan-wcs.js";
import { BAND_COUNT, CUBE_FORMAT, CUBE_VERSION, WCS_PATH, imagePath, spectrumPath } from "./layout.js";
import { CubeError, WCS_FIELDS, checkRecord, imageLevels, spectrumLevels, wcsFromRow, wcsRow, type CubeRecord } from "./levels.js";
import { ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "./zoom.js";

export const ready = h5wasm.ready;

type Part = "flux" | "sigma" | "mask";
const PARTS: readonly Part[] = ["flux", "sigma", "mask"];

/** Masks are mostly zeros and shrink ~50x with gzip; flux and sigma are noisy and barely shrink, at twice the write time. */
function compression(part: Part) {
  return part === "mask" ? { compression: "gzip" as const, compression_opts: 1 } : {};
}

/**
 * Writes `records` as a new shard file at `path` (which must not exist).
 * Chunks are one row of one dataset, so reading one galaxy at one zoom
 * touches one chunk per dataset. The caller makes the file durable and
 * visible (./storage.ts).
 */
export async function writeShardFile(path: string, records: readonly CubeRecord[]): Promise<void> {
  await h5wasm.ready;
  records.forEach(checkRecord);
  mkdirSync(dirname(path), { recursive: true });
  const rows = records.length;
  const file = new h5wasm.File(path, "w");
  // h5wasm reports a failed create on stderr rather than throwing.
  if (!existsSync(path)) throw new CubeError(`cannot create the cube shard ${path}`);
  try {
    file.create_attribute("format", CUBE_FORMAT);
    file.create_attribute("version", CUBE_VERSION);
    file.create_attribute("bands", "u,g,r,i,z");
    file.create_group("images");
    file.create_group("spectra");
    const images: Dataset[][] = [];
    const spectra: Dataset[][] = [];
    for (let zoom = 0; zoom < ZOOM_LEVELS; zoom++) {
      file.create_group(`images/${zoom}`);
      file.create_group(`spectra/${zoom}`);
      const size = imageSize(zoom);
      const bins = spectrumBins(zoom);
      const empty = (part: Part) => (part === "mask" ? new Uint8Array(0) : new Float32Array(0));
      const dtype = (part: Part) => (part === "mask" ? "<B" : "<f");
      images.push(PARTS.map((part) => {
        const d = file.create_dataset({ name: imagePath(zoom, part), data: empty(part), shape: [0, BAND_COUNT, size, size], maxshape: [null, BAND_COUNT, size, size], chunks: [1, BAND_COUNT, size, size], dtype: dtype(part), ...compression(part) });
        if (rows > 0) d.resize([rows, BAND_COUNT, size, size]);
        return d;
      }));
      spectra.push(PARTS.map((part) => {
        const d = file.create_dataset({ name: spectrumPath(zoom, part), data: empty(part), shape: [0, bins], maxshape: [null, bins], chunks: [1, bins], dtype: dtype(part), ...compression(part) });
        if (rows > 0) d.resize([rows, bins]);
        return d;
      }));
      file.create_dataset({ name: spectrumPath(zoom, "wavelength"), data: wavelengthGrid(bins), shape: [bins], dtype: "<d" });
    }
    const wcs = new Float64Array(rows * WCS_FIELDS);
    for (const [i, record] of records.entries()) {
      // A server writing a shard keeps serving: the event loop gets a turn every few rows.
      if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
      const row: [number, number] = [i, i + 1];
      const imageRow = imageLevels(record.image);
      const spectrumRow = spectrumLevels(record.spectrum);
      for (let z = 0; z < ZOOM_LEVELS; z++) {
        for (const [sets, level] of [[images[z], imageRow[z]], [spectra[z], spectrumRow[z]]] as const) {
          sets[0].write_slice([row], level.value);
          sets[1].write_slice([row], level.sigma);
          sets[2].write_slice([row], level.mask);
        }
      }
      wcs.set(wcsRow(record.image?.wcs), i * WCS_FIELDS);
    }
    file.create_dataset({ name: WCS_PATH, data: wcs, shape: [rows, WCS_FIELDS], dtype: "<d" });
  } finally {
    file.close();
  }
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

/** An open shard file; rows are read chunk by chunk, never the whole file. */
export class ShardFile {
  private readonly handles = new Map<string, Dataset>();
  private readonly file: H5File;
  readonly rows: number;

  /** Opens `path`; a missing, truncated or foreign file is a CubeError naming it. */
  constructor(readonly path: string, readonly name: string) {
    if (!existsSync(path)) throw new CubeError(`cube shard ${name} is missing (${path})`);
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
      throw error instanceof CubeError ? error : new CubeError(`cube shard ${name} cannot be read (${(error as Error).message}): the file is damaged`);
    }
  }

  dataset(path: string): Dataset {
    let handle = this.handles.get(path);
    if (!handle) {
      const entity = this.file.get(path);
      if (!(entity instanceof Dataset)) throw new CubeError(`cube shard ${this.name} has no dataset ${path}: not a ${CUBE_FORMAT} file, or damaged`);
      handle = entity;
      this.handles.set(path, handle);
    }
    return handle;
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows) throw new CubeError(`row ${row} is outside cube shard ${this.name} (${this.rows} rows)`);
  }

  /** Parts of rows [first, last] (inclusive) at one zoom, row-major. */
  slice(kind: "image" | "spectrum", zoom: number, part: Part, first: number, last: number): Float32Array | Uint8Array {
    this.checkRow(first);
    this.checkRow(last);
    const path = kind === "image" ? imagePath(zoom, part) : spectrumPath(zoom, part);
    try {
      return this.dataset(path).slice([[first, last + 1]]) as Float32Array | Uint8Array;
    } catch (error) {
      throw error instanceof CubeError ? error : new CubeError(`cube shard ${this.name}: ${path} rows ${first}-${last} cannot be read (${(error as Error).message}): the file is damaged`);
    }
  }

  wavelength(zoom: number): Float64Array {
    return this.dataset(spectrumPath(zoom, "wavelength")).value as Float64Array;
  }

  wcs0(row: number): TanWcs | null {
    this.checkRow(row);
    return wcsFromRow(this.dataset(WCS_PATH).slice([[row, row + 1]]) as Float64Array);
  }

  close(): void {
    this.handles.clear();
    this.file.close();
  }
}
