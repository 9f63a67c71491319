/**
 * `export hisscube OUT.h5`: our cube in HiSS-Cube's `DATASET` layout (paths,
 * compound fields and attributes as in the HiSS-Cube file described in
 * ../shared/data/hisscube/README.md), so that HiSS-Cube users can take our
 * galaxies. Each target is a galaxy with both an image and a spectrum.
 *
 * Differences from a file HiSS-Cube writes, by necessity or on purpose:
 *  - the semi-sparse cube holds each cutout as its own 64 x 64 "image"
 *    (we keep cutouts, not whole frames), so every region reference covers a
 *    whole image; metadata headers are JSON of the keywords we know;
 *  - values use HiSS-Cube's units (images: nanomaggies × 3.631e-29 c/λ² × 25π;
 *    spectra: erg/s/cm²/Å), band slots are in u, g, r, i, z order;
 *  - `ml_image/errors` holds the propagated sigma (HiSS-Cube's own are
 *    computed from the flux), and zoom levels are ours (2x2 means).
 *
 * Streamed: every dataset is created empty at its final size, then filled
 * block by block of BLOCK targets (read from our cube, converted, written),
 * so the data in memory is one block's (~50 MB at zoom 0) whatever the
 * number of galaxies; only the list of targets grows with it.
 * Written to a temporary file and renamed into place.
 */
import h5wasm, { type Dataset, type File as H5File } from "h5wasm/node";
import { renameSync, rmSync } from "node:fs";
import { galaxiesForExport, type ExportedGalaxy } from "../catalog/export.js";
import type { CubeStore } from "../cube/cube-store.js";
import { hisscubePerNanomaggy } from "../cube/hisscube/read.js";
import { BAND_NAMES } from "../cube/layout.js";
import { imageSize, spectrumBins, wavelengthGrid } from "../cube/zoom.js";
import type { Sql } from "../db/database.js";
import { rescaleWcs, type TanWcs } from "../sky/tan-wcs.js";

const ZOOMS = 4; // HiSS-Cube writes zoom levels 0..3
const REFS = 200; // reference slots per target, as HiSS-Cube allocates
const REGION_DTYPE: [string, string][] = [["ds_path", "S64"], ["ds_slice_idx", "<q"], ["x_min", "<i"], ["x_max", "<i"], ["y_min", "<i"], ["y_max", "<i"]];
const IMAGE_METADATA: [string, string][] = [["path", "S256"], ["header", "S4096"]];
const SPECTRUM_METADATA: [string, string][] = [["path", "S256"], ["header", "S8192"]];
/** Targets read, converted and written at a time. */
const BLOCK = 256;
/** Targets per chunk of the dense cubes and spectra (~1.3 MB at zoom 0; 1 per chunk writes ~15 % slower). */
const DENSE_CHUNK = 16;
/** Targets per chunk of a region-reference dataset. */
const REF_CHUNK_ROWS = 1024;

type Dtype = string | [string, string][];

/** Zero-length columns of a compound type, or an empty typed array, as h5wasm takes them. */
function emptyData(dtype: Dtype): unknown {
  if (typeof dtype === "string") return new Float32Array(0);
  return new Map(dtype.map(([name, type]) => [name, type.startsWith("S") ? [] : type === "<q" ? new BigInt64Array(0) : new Int32Array(0)]));
}

/**
 * A dataset of `rows` rows of shape `rowShape`, created empty (never-written
 * chunks read as zero) and filled later with write_slice. One chunk holds
 * `chunk` (leading dimensions); unlimited rows, as chunked datasets need no
 * data up front.
 */
function emptyDataset(file: H5File, name: string, dtype: Dtype, rows: number, rowShape: number[], chunk: number[]): Dataset {
  const dataset = file.create_dataset({ name, data: emptyData(dtype) as never, shape: [0, ...rowShape], maxshape: [null, ...rowShape], chunks: chunk, dtype });
  if (rows > 0) dataset.resize([rows, ...rowShape]);
  return dataset;
}

/**
 * A region-reference dataset of shape [...rows, REFS]: per target (and band)
 * REFS slots, of which HiSS-Cube fills the first and leaves the others empty
 * (zero). A chunk holds one slot of many targets, so the chunks of the 199
 * empty slots are never allocated and read as the fill value (zero): the
 * file holds ~1/200 of the dataset's nominal size.
 */
function regionRefs(file: H5File, name: string, rows: number[]): Dataset {
  return emptyDataset(file, name, REGION_DTYPE, rows[0], [...rows.slice(1), REFS], [Math.max(1, Math.min(REF_CHUNK_ROWS, rows[0])), ...rows.slice(1), 1]);
}

/**
 * Slot 0 of targets [from, from + count) of a region-reference dataset:
 * consecutive `path` slices from `firstSlice` (whole images when extent > 0,
 * a metadata row when 0), `perTarget` per target (bands, or 1).
 */
function writeRegionSlots(dataset: Dataset, from: number, count: number, perTarget: number, path: string, firstSlice: number, extent: number): void {
  const n = count * perTarget;
  const values = new Map<string, unknown>([
    ["ds_path", new Array(n).fill(path)], ["ds_slice_idx", BigInt64Array.from({ length: n }, (_, i) => BigInt(firstSlice + i))],
    ["x_min", new Int32Array(n)], ["x_max", new Int32Array(n).fill(extent)],
    ["y_min", new Int32Array(n)], ["y_max", new Int32Array(n).fill(extent)],
  ]);
  dataset.write_slice([[from, from + count], ...(perTarget > 1 ? [[0, perTarget] as [number, number]] : []), [0, 1]], values);
}

/** Rows [from, to) of a metadata dataset: paths and JSON headers. */
function writeMetadata(dataset: Dataset, from: number, paths: string[], headers: string[]): void {
  dataset.write_slice([[from, from + paths.length]], new Map<string, unknown>([["path", paths], ["header", headers]]));
}

function group(file: H5File, path: string, attributes: Record<string, string> = {}) {
  const g = file.create_group(path);
  for (const [key, value] of Object.entries(attributes)) g.create_attribute(key, value);
  return g;
}

/**
 * Values in HiSS-Cube's units, masked ones as NaN: `values` scaled in runs of
 * `run` values, each by `scale(start of the run)`. In place: the arrays are
 * fresh from `CubeStore.readRows`.
 */
function toHisscube(values: Float32Array | Uint8Array, mask: Float32Array | Uint8Array, scale: (start: number) => number, run: number): Float32Array {
  const out = values as Float32Array;
  for (let start = 0; start < out.length; start += run) {
    const factor = scale(start);
    for (let i = start; i < start + run; i++) out[i] *= factor;
  }
  // A separate pass: a branch in the loop above makes it ~3x slower, and masks are mostly 0.
  for (let i = 0; i < out.length; i++) if (mask[i] !== 0) out[i] = NaN;
  return out;
}

type Target = ExportedGalaxy;

/** The JSON FITS-like header of each band's cutout at `zoom` (u,g,r,i,z per target), from each target's zoom-0 WCS. */
function imageHeaders(wcs0: (TanWcs | null)[], zoom: number): string[] {
  const size = imageSize(zoom);
  return wcs0.flatMap((w0) => {
    const w = w0 && rescaleWcs(w0, 2 ** zoom);
    return BAND_NAMES.map((band) =>
      JSON.stringify({ FILTER: band, NAXIS: 2, NAXIS1: size, NAXIS2: size, CTYPE1: "RA---TAN", CTYPE2: "DEC--TAN", ...(w && { CRVAL1: w.crval1, CRVAL2: w.crval2, CRPIX1: w.crpix1, CRPIX2: w.crpix2, CD1_1: w.cd1_1, CD1_2: w.cd1_2, CD2_1: w.cd2_1, CD2_2: w.cd2_2 }) }),
    );
  });
}

const imagePaths = (targets: Target[], full: boolean) => targets.flatMap((t) => BAND_NAMES.map((band) => `${full ? `skycube/${t.id}/` : ""}frame-${band}.fits`));
const spectrumPaths = (targets: Target[], full: boolean) => targets.map((t) => `${full ? `skycube/${t.id}/` : ""}spectrum.fits`);
const spectrumHeaders = (targets: Target[]) =>
  targets.map((t) => JSON.stringify({ PLUG_RA: t.ra, PLUG_DEC: t.dec, Z: t.redshift, PLATEID: t.plate, MJD: t.mjd, FIBERID: t.fiberid, OBJID: t.objid }));

export interface ExportOptions {
  /** Called after each block with the targets written so far and their total. */
  onProgress?: (done: number, total: number) => void;
  /** Targets per read-convert-write step (default BLOCK). */
  blockSize?: number;
}

/** The datasets of one zoom level, created empty at their final size. */
function createLevel(file: H5File, zoom: number, n: number) {
  const size = imageSize(zoom);
  const bins = spectrumBins(zoom);
  const semi = `semi_sparse_cube/${zoom}`;
  const dense = `dense_cube/${zoom}`;
  const chunkRows = (rows: number) => Math.max(1, Math.min(64, rows));
  const denseChunk = Math.max(1, Math.min(DENSE_CHUNK, n));
  group(file, semi);
  group(file, `${semi}/images`);
  group(file, `${semi}/spectra`);
  group(file, dense, { default: `/${dense}/ml_image` });
  group(file, `${dense}/ml_image`, { NX_class: "NXdata", signal: `cutout_3d_cube_zoom_${zoom}` });
  group(file, `${dense}/ml_spectrum`, { NX_class: "NXdata", signal: `spectral_1d_cube_zoom_${zoom}` });
  const grid = Float32Array.from(wavelengthGrid(bins));
  file.create_dataset({ name: `${semi}/spectra/wl`, data: grid, shape: [bins], dtype: "<f" });
  file.create_dataset({ name: `${dense}/ml_spectrum/wl`, data: grid, shape: [bins], dtype: "<f" });
  // One chunk per image in the semi-sparse cube, per DENSE_CHUNK targets in the dense cube and the spectra.
  const level = {
    zoom, size, bins, semi,
    semiFlux: emptyDataset(file, `${semi}/images/data`, "<f", n * 5, [size, size], [1, size, size]),
    semiSigma: emptyDataset(file, `${semi}/images/errors`, "<f", n * 5, [size, size], [1, size, size]),
    semiMetadata: emptyDataset(file, `${semi}/images/metadata`, IMAGE_METADATA, n * 5, [], [chunkRows(n * 5)]),
    semiSpectra: emptyDataset(file, `${semi}/spectra/data`, "<f", n, [bins], [denseChunk, bins]),
    semiSpectraSigma: emptyDataset(file, `${semi}/spectra/errors`, "<f", n, [bins], [denseChunk, bins]),
    semiSpectraMetadata: emptyDataset(file, `${semi}/spectra/metadata`, SPECTRUM_METADATA, n, [], [chunkRows(n)]),
    denseFlux: emptyDataset(file, `${dense}/ml_image/cutout_3d_cube_zoom_${zoom}`, "<f", n, [5, size, size], [denseChunk, 5, size, size]),
    denseSigma: emptyDataset(file, `${dense}/ml_image/errors`, "<f", n, [5, size, size], [denseChunk, 5, size, size]),
    denseSpectra: emptyDataset(file, `${dense}/ml_spectrum/spectral_1d_cube_zoom_${zoom}`, "<f", n, [bins], [denseChunk, bins]),
    denseSpectraSigma: emptyDataset(file, `${dense}/ml_spectrum/errors`, "<f", n, [bins], [denseChunk, bins]),
    cutoutRefs: regionRefs(file, `${dense}/ml_image/image_cutout_refs`, [n, 5]),
    imageRefs: regionRefs(file, `${dense}/ml_image/image_metadata_refs`, [n, 5]),
    spectrumRefs: regionRefs(file, `${dense}/ml_spectrum/spec_metadata_refs`, [n]),
  };
  level.denseFlux.create_attribute("interpretation", "image");
  level.denseSpectra.create_attribute("interpretation", "spectrum");
  return level;
}

const SCALES = BAND_NAMES.map((band) => hisscubePerNanomaggy(band));

/** Targets [at, at + block.length) of one zoom level: read from our cube, converted, written. */
function writeLevelBlock(cube: CubeStore, level: ReturnType<typeof createLevel>, block: Target[], wcs0: (TanWcs | null)[], at: number): void {
  const { zoom, size, bins, semi } = level;
  const pixels = size * size;
  const rows = block.map((t) => t.cube);
  const span: [number, number] = [at, at + block.length];
  const bandSpan: [number, number] = [at * 5, (at + block.length) * 5];
  const image = cube.readRows("image", rows, zoom, ["flux", "sigma", "mask"]);
  const bandScale = (i: number) => SCALES[Math.floor(i / pixels) % 5];
  const flux = toHisscube(image.flux, image.mask, bandScale, pixels);
  const sigma = toHisscube(image.sigma, image.mask, bandScale, pixels);
  for (const [dataset, values, range] of [[level.semiFlux, flux, bandSpan], [level.semiSigma, sigma, bandSpan], [level.denseFlux, flux, span], [level.denseSigma, sigma, span]] as const) {
    dataset.write_slice([range], values);
  }
  const spectrum = cube.readRows("spectrum", rows, zoom, ["flux", "sigma", "mask"]);
  const sFlux = toHisscube(spectrum.flux, spectrum.mask, () => 1e-17, bins);
  const sSigma = toHisscube(spectrum.sigma, spectrum.mask, () => 1e-17, bins);
  for (const [dataset, values] of [[level.semiSpectra, sFlux], [level.semiSpectraSigma, sSigma], [level.denseSpectra, sFlux], [level.denseSpectraSigma, sSigma]] as const) {
    dataset.write_slice([span], values);
  }
  writeRegionSlots(level.cutoutRefs, at, block.length, 5, `/${semi}/images/data`, at * 5, size);
  writeRegionSlots(level.imageRefs, at, block.length, 5, `/${semi}/images/metadata`, at * 5, 0);
  writeRegionSlots(level.spectrumRefs, at, block.length, 1, `/${semi}/spectra/metadata`, at, 0);
  writeMetadata(level.semiMetadata, at * 5, imagePaths(block, false), imageHeaders(wcs0, zoom));
  writeMetadata(level.semiSpectraMetadata, at, spectrumPaths(block, true), spectrumHeaders(block));
}

export async function exportHisscube(sql: Sql, cube: CubeStore, outPath: string, { onProgress, blockSize = BLOCK }: ExportOptions = {}): Promise<{ targets: number }> {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a positive integer, not ${blockSize}`);
  await h5wasm.ready;
  const targets = await galaxiesForExport(sql);
  const n = targets.length;
  const temporary = `${outPath}.tmp-${process.pid}`;
  rmSync(temporary, { force: true });
  const file = new h5wasm.File(temporary, "w");
  try {
    file.create_attribute("NX_class", "NXroot");
    file.create_attribute("default", "/dense_cube");
    file.create_attribute("image_count", BigInt64Array.of(BigInt(n * BAND_NAMES.length)), [], "<q");
    file.create_attribute("spectrum_count", BigInt64Array.of(BigInt(n)), [], "<q");
    const imageMetadata = emptyDataset(file, "fits_images_metadata", IMAGE_METADATA, n * 5, [], [Math.max(1, Math.min(64, n * 5))]);
    const spectrumMetadata = emptyDataset(file, "fits_spectra_metadata", SPECTRUM_METADATA, n, [], [Math.max(1, Math.min(64, n))]);
    group(file, "semi_sparse_cube");
    group(file, "dense_cube", { NX_class: "NXprocess", default: "/dense_cube/0" }).create_attribute("target_count", BigInt64Array.of(BigInt(n)), [], "<q");
    const levels = Array.from({ length: ZOOMS }, (_, zoom) => createLevel(file, zoom, n));
    // One pass over the targets: each block's WCS is read once and serves every zoom level.
    for (let at = 0; at < n; at += blockSize) {
      const block = targets.slice(at, at + blockSize);
      await cube.verify(block.map((t) => t.cube));
      const wcs0 = block.map((t) => cube.readWcs(t.cube));
      writeMetadata(imageMetadata, at * 5, imagePaths(block, true), imageHeaders(wcs0, 0));
      writeMetadata(spectrumMetadata, at, spectrumPaths(block, true), spectrumHeaders(block));
      for (const level of levels) writeLevelBlock(cube, level, block, wcs0, at);
      onProgress?.(at + block.length, n);
    }
  } catch (error) {
    file.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  file.close();
  renameSync(temporary, outPath);
  return { targets: n };
}
