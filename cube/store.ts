/**
 * Writing and reading the cube (layout in ./layout.ts). The only place that
 * imports h5wasm for our own cube.
 *
 * Writes are atomic: rows are appended to a copy of the file, which then
 * replaces the original by rename, so a failed or interrupted ingest leaves
 * the previous cube untouched. Readers keep the file open and reopen it when
 * it has been replaced (its inode changed); a read never loads more than the
 * chunks of the rows it asks for.
 */
import h5wasm, { Dataset, type File as H5File } from "h5wasm/node";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { rebin1d, rebinImage, type Measured } from "./rebin.js";
import { BAND_COUNT, CUBE_FORMAT, CUBE_VERSION, WCS_PATH, imagePath, spectrumPath } from "./layout.js";
import { rescaleWcs, type TanWcs } from "../sky/tan-wcs.js";
import { IMAGE_SIZE_0, SPECTRUM_BINS_0, ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "./zoom.js";
import { edgesFromCentres, overlapWeights, type OverlapWeights } from "./rebin.js";

/** One galaxy's data at zoom 0, as ingest produces it. */
export interface CubeRecord {
  /** 5 × 64 × 64, band-major (u,g,r,i,z), then row, then column; absent = no image. */
  image?: Measured & { wcs: TanWcs };
  /** 4620 bins on the zoom-0 grid; absent = no spectrum. */
  spectrum?: Measured;
}

export class CubeError extends Error {
  override name = "CubeError";
}

const WCS_FIELDS = 8;

function dataset(file: H5File, path: string): Dataset {
  const entity = file.get(path);
  if (!(entity instanceof Dataset)) throw new CubeError(`${file.filename} has no dataset ${path}: not a ${CUBE_FORMAT} file`);
  return entity;
}

/** Masks are mostly zeros and shrink ~50x with gzip; flux and sigma are noisy and barely shrink, at twice the write time. */
function maskCompression(part: "flux" | "sigma" | "mask") {
  return part === "mask" ? { compression: "gzip" as const, compression_opts: 1 } : {};
}

function createCube(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const file = new h5wasm.File(path, "w");
  // h5wasm reports a failed create on stderr rather than throwing.
  if (!existsSync(path)) throw new CubeError(`cannot create the cube file ${path}`);
  try {
    file.create_attribute("format", CUBE_FORMAT);
    file.create_attribute("version", CUBE_VERSION);
    file.create_attribute("bands", "u,g,r,i,z");
    file.create_group("images");
    file.create_group("spectra");
    for (let zoom = 0; zoom < ZOOM_LEVELS; zoom++) {
      file.create_group(`images/${zoom}`);
      file.create_group(`spectra/${zoom}`);
      const size = imageSize(zoom);
      const bins = spectrumBins(zoom);
      for (const part of ["flux", "sigma", "mask"] as const) {
        const dtype = part === "mask" ? "<B" : "<f";
        const empty = part === "mask" ? new Uint8Array(0) : new Float32Array(0);
        file.create_dataset({ name: imagePath(zoom, part), data: empty, shape: [0, BAND_COUNT, size, size], maxshape: [null, BAND_COUNT, size, size], chunks: [1, BAND_COUNT, size, size], dtype, ...maskCompression(part) });
        file.create_dataset({ name: spectrumPath(zoom, part), data: empty, shape: [0, bins], maxshape: [null, bins], chunks: [1, bins], dtype, ...maskCompression(part) });
      }
      file.create_dataset({ name: spectrumPath(zoom, "wavelength"), data: wavelengthGrid(bins), shape: [bins], dtype: "<d" });
    }
    file.create_dataset({ name: WCS_PATH, data: new Float64Array(0), shape: [0, WCS_FIELDS], maxshape: [null, WCS_FIELDS], chunks: [64, WCS_FIELDS], dtype: "<d" });
  } finally {
    file.close();
  }
}

function missing(length: number): Measured {
  return { value: new Float32Array(length).fill(NaN), sigma: new Float32Array(length).fill(NaN), mask: new Uint8Array(length).fill(1) };
}

/** Band `band` (of `pixels` values) of a band-major measurement, without copying. */
function bandOf(m: Measured, band: number, pixels: number): Measured {
  const range = [band * pixels, (band + 1) * pixels] as const;
  return { value: m.value.subarray(...range), sigma: m.sigma.subarray(...range), mask: m.mask.subarray(...range) };
}

/** The zoom levels of one galaxy's image: each level from the previous one, band by band. */
function imageLevels(image: Measured | undefined): Measured[] {
  const levels: Measured[] = [image ?? missing(BAND_COUNT * IMAGE_SIZE_0 * IMAGE_SIZE_0)];
  for (let zoom = 1; zoom < ZOOM_LEVELS; zoom++) {
    const size = imageSize(zoom);
    const previous = imageSize(zoom - 1);
    const level = missing(BAND_COUNT * size * size);
    if (image) {
      for (let band = 0; band < BAND_COUNT; band++) {
        const out = rebinImage(bandOf(levels[zoom - 1], band, previous * previous), previous, size);
        level.value.set(out.value, band * size * size);
        level.sigma.set(out.sigma, band * size * size);
        level.mask.set(out.mask, band * size * size);
      }
    }
    levels.push(level);
  }
  return levels;
}

let spectrumWeights: OverlapWeights[] | undefined;

/** Weights from each zoom's grid to the next (zoom z → z + 1). */
function zoomWeights(): OverlapWeights[] {
  spectrumWeights ??= Array.from({ length: ZOOM_LEVELS - 1 }, (_, z) =>
    overlapWeights(edgesFromCentres(wavelengthGrid(spectrumBins(z))), edgesFromCentres(wavelengthGrid(spectrumBins(z + 1)))),
  );
  return spectrumWeights;
}

function spectrumLevels(spectrum: Measured | undefined): Measured[] {
  const levels: Measured[] = [spectrum ?? missing(SPECTRUM_BINS_0)];
  for (let zoom = 1; zoom < ZOOM_LEVELS; zoom++) {
    levels.push(spectrum ? rebin1d(levels[zoom - 1], zoomWeights()[zoom - 1]) : missing(spectrumBins(zoom)));
  }
  return levels;
}

function wcsRow(wcs: TanWcs | undefined): Float64Array {
  if (!wcs) return new Float64Array(WCS_FIELDS).fill(NaN);
  return Float64Array.of(wcs.crval1, wcs.crval2, wcs.crpix1, wcs.crpix2, wcs.cd1_1, wcs.cd1_2, wcs.cd2_1, wcs.cd2_2);
}

function checkRecord(record: CubeRecord, index: number): void {
  const n = BAND_COUNT * IMAGE_SIZE_0 * IMAGE_SIZE_0;
  if (record.image && (record.image.value.length !== n || record.image.sigma.length !== n || record.image.mask.length !== n)) {
    throw new CubeError(`record ${index}: an image must have ${n} values (5 bands of 64 x 64)`);
  }
  if (record.spectrum && (record.spectrum.value.length !== SPECTRUM_BINS_0 || record.spectrum.sigma.length !== SPECTRUM_BINS_0 || record.spectrum.mask.length !== SPECTRUM_BINS_0)) {
    throw new CubeError(`record ${index}: a spectrum must have ${SPECTRUM_BINS_0} bins on the zoom-0 grid`);
  }
}

/**
 * A write session: rows are appended to a private copy of the cube, which
 * replaces the original only on commit (fsync, then rename). Abort, or a
 * crash, leaves the original untouched.
 */
export class CubeWriter {
  private file: H5File | null;
  private readonly sets: { wcs: Dataset; images: Dataset[][]; spectra: Dataset[][] };

  private constructor(readonly path: string, private readonly temporary: string) {
    this.file = new h5wasm.File(temporary, "a");
    const file = this.file;
    const parts = ["flux", "sigma", "mask"] as const;
    this.sets = {
      wcs: dataset(file, WCS_PATH),
      images: Array.from({ length: ZOOM_LEVELS }, (_, z) => parts.map((p) => dataset(file, imagePath(z, p)))),
      spectra: Array.from({ length: ZOOM_LEVELS }, (_, z) => parts.map((p) => dataset(file, spectrumPath(z, p)))),
    };
  }

  static async begin(path: string): Promise<CubeWriter> {
    await h5wasm.ready;
    const temporary = `${path}.tmp-${process.pid}`;
    rmSync(temporary, { force: true });
    try {
      if (existsSync(path)) copyFileSync(path, temporary);
      else createCube(temporary);
      return new CubeWriter(path, temporary);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  /** Appends records; returns the row of the first. */
  append(records: CubeRecord[]): number {
    if (!this.file) throw new CubeError("the cube write session is closed");
    records.forEach(checkRecord);
    const { wcs, images, spectra } = this.sets;
    const first = (wcs.shape as number[])[0];
    const rows = first + records.length;
    for (const d of [wcs, ...images.flat(), ...spectra.flat()]) d.resize([rows, ...(d.shape as number[]).slice(1)]);
    records.forEach((record, i) => {
      const row: [number, number] = [first + i, first + i + 1];
      const imageLevelsOfRow = imageLevels(record.image);
      const spectrumLevelsOfRow = spectrumLevels(record.spectrum);
      for (let z = 0; z < ZOOM_LEVELS; z++) {
        for (const [sets, level] of [[images[z], imageLevelsOfRow[z]], [spectra[z], spectrumLevelsOfRow[z]]] as const) {
          sets[0].write_slice([row], level.value);
          sets[1].write_slice([row], level.sigma);
          sets[2].write_slice([row], level.mask);
        }
      }
      wcs.write_slice([row], wcsRow(record.image?.wcs));
    });
    return first;
  }

  commit(): void {
    if (!this.file) throw new CubeError("the cube write session is closed");
    this.file.close();
    this.file = null;
    const fd = openSync(this.temporary, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(this.temporary, this.path);
  }

  abort(): void {
    this.file?.close();
    this.file = null;
    rmSync(this.temporary, { force: true });
  }
}

/** Appends records in one session; returns the row of the first. Atomic. */
export async function appendToCube(path: string, records: CubeRecord[]): Promise<number> {
  const writer = await CubeWriter.begin(path);
  try {
    const first = writer.append(records);
    writer.commit();
    return first;
  } catch (error) {
    writer.abort();
    throw error;
  }
}

export interface ImageCube extends Measured {
  zoom: number;
  size: number;
  /** The WCS of this zoom level. */
  wcs: TanWcs | null;
}

export interface SpectrumCube extends Measured {
  zoom: number;
  wavelengthAngstrom: Float64Array;
}

/** Reads rows of the cube; reopens the file when an ingest has replaced it. */
export class CubeReader {
  private file: H5File | null = null;
  private inode = -1;
  private readonly wavelengths = new Map<number, Float64Array>();
  /** Dataset handles of the open file, looked up once (serving reads them for every galaxy). */
  private readonly handles = new Map<string, Dataset>();

  private dataset(file: H5File, path: string): Dataset {
    let handle = this.handles.get(path);
    if (!handle) {
      handle = dataset(file, path);
      this.handles.set(path, handle);
    }
    return handle;
  }

  constructor(readonly path: string) {}

  private open(): H5File | null {
    if (!existsSync(this.path)) return null;
    const { ino } = statSync(this.path);
    if (this.file && ino === this.inode) return this.file;
    this.file?.close();
    this.file = new h5wasm.File(this.path, "r");
    this.inode = ino;
    this.wavelengths.clear();
    this.handles.clear();
    return this.file;
  }

  static async open(path: string): Promise<CubeReader> {
    await h5wasm.ready;
    return new CubeReader(path);
  }

  rows(): number {
    const file = this.open();
    return file ? (this.dataset(file, WCS_PATH).shape as number[])[0] : 0;
  }

  readImage(row: number, zoom: number): ImageCube {
    const file = this.requireRow(row);
    const part = (p: "flux" | "sigma" | "mask") => this.dataset(file, imagePath(zoom, p)).slice([[row, row + 1]]);
    const wcs0 = this.wcsOf(file, row);
    return {
      zoom,
      size: imageSize(zoom),
      value: part("flux") as Float32Array,
      sigma: part("sigma") as Float32Array,
      mask: part("mask") as Uint8Array,
      wcs: wcs0 && rescaleWcs(wcs0, 2 ** zoom),
    };
  }

  readSpectrum(row: number, zoom: number): SpectrumCube {
    const file = this.requireRow(row);
    const part = (p: "flux" | "sigma" | "mask") => this.dataset(file, spectrumPath(zoom, p)).slice([[row, row + 1]]);
    let wavelength = this.wavelengths.get(zoom);
    if (!wavelength) {
      wavelength = this.dataset(file, spectrumPath(zoom, "wavelength")).value as Float64Array;
      this.wavelengths.set(zoom, wavelength);
    }
    return { zoom, wavelengthAngstrom: wavelength, value: part("flux") as Float32Array, sigma: part("sigma") as Float32Array, mask: part("mask") as Uint8Array };
  }

  /**
   * Parts of many rows at one zoom, in the order of `rows` (row-major: rows ×
   * values per row). Nearby rows are read with one slice per part, so loading
   * a training set or exporting the cube costs a few large reads.
   */
  readRows<P extends "flux" | "sigma" | "mask">(kind: "image" | "spectrum", rows: readonly number[], zoom: number, parts: readonly P[]): Record<P, Float32Array | Uint8Array> {
    const file = this.open();
    if (!file) throw new CubeError(`no cube at ${this.path}`);
    const total = (this.dataset(file, WCS_PATH).shape as number[])[0];
    const width = kind === "image" ? BAND_COUNT * imageSize(zoom) ** 2 : spectrumBins(zoom);
    const datasets = parts.map((p) => this.dataset(file, kind === "image" ? imagePath(zoom, p) : spectrumPath(zoom, p)));
    const out = parts.map((p) => (p === "mask" ? new Uint8Array(rows.length * width) : new Float32Array(rows.length * width)));
    const order = rows.map((row, i) => [row, i] as const).sort((a, b) => a[0] - b[0]);
    const MAX_RUN = 256;
    const MAX_GAP = 4;
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && order[end][0] - order[start][0] < MAX_RUN && order[end][0] - order[end - 1][0] <= MAX_GAP) end++;
      const first = order[start][0];
      const last = order[end - 1][0];
      if (!Number.isInteger(first) || first < 0 || last >= total) throw new CubeError(`row ${first < 0 ? first : last} is outside the cube (${total} rows)`);
      datasets.forEach((dataset, p) => {
        const block = dataset.slice([[first, last + 1]]) as Float32Array | Uint8Array;
        for (let k = start; k < end; k++) {
          const [row, at] = order[k];
          out[p].set(block.subarray((row - first) * width, (row - first + 1) * width), at * width);
        }
      });
      start = end;
    }
    return Object.fromEntries(parts.map((p, i) => [p, out[i]])) as Record<P, Float32Array | Uint8Array>;
  }

  /** The flux of many rows at one zoom, masked values as NaN, in the order of `rows`. */
  readFluxes(kind: "image" | "spectrum", rows: readonly number[], zoom: number): Float32Array {
    const { flux, mask } = this.readRows(kind, rows, zoom, ["flux", "mask"]);
    const out = flux as Float32Array;
    for (let j = 0; j < out.length; j++) if (mask[j]) out[j] = NaN;
    return out;
  }

  /** The zoom-0 TAN WCS of a row (null when the row has no image). */
  readWcs(row: number): TanWcs | null {
    return this.wcsOf(this.requireRow(row), row);
  }

  private wcsOf(file: H5File, row: number): TanWcs | null {
    const w = this.dataset(file, WCS_PATH).slice([[row, row + 1]]) as Float64Array;
    return Number.isNaN(w[0]) ? null : { crval1: w[0], crval2: w[1], crpix1: w[2], crpix2: w[3], cd1_1: w[4], cd1_2: w[5], cd2_1: w[6], cd2_2: w[7] };
  }

  private requireRow(row: number): H5File {
    const file = this.open();
    if (!file) throw new CubeError(`no cube at ${this.path}`);
    const rows = (this.dataset(file, WCS_PATH).shape as number[])[0];
    if (!Number.isInteger(row) || row < 0 || row >= rows) throw new CubeError(`row ${row} is outside the cube (${rows} rows)`);
    return file;
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }
}
