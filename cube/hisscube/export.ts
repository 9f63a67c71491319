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
 * Written to a temporary file and renamed into place.
 */
import h5wasm, { type Dataset, type File as H5File, type Group } from "h5wasm/node";
import { renameSync, rmSync } from "node:fs";
import type { Sql } from "../../db/database.js";
import { BAND_NAMES } from "../layout.js";
import type { CubeReader } from "../store.js";
import { imageSize, rescaleWcs, spectrumBins, wavelengthGrid } from "../zoom.js";
import { hisscubePerNanomaggy } from "./read.js";

const ZOOMS = 4; // HiSS-Cube writes zoom levels 0..3
const REFS = 200; // reference slots per target, as HiSS-Cube allocates
const REGION_DTYPE: [string, string][] = [["ds_path", "S64"], ["ds_slice_idx", "<q"], ["x_min", "<i"], ["x_max", "<i"], ["y_min", "<i"], ["y_max", "<i"]];

/** Targets per chunk of a region-reference dataset. */
const REF_CHUNK_ROWS = 1024;

/**
 * A region-reference dataset of shape [...rows, REFS] whose slot 0 points at
 * `slices` of `path` (whole images when extent > 0, a metadata row when 0)
 * and whose other slots stay empty (zero), as HiSS-Cube leaves them. A chunk
 * holds one slot of many targets, and only slot 0 is written: the chunks of
 * the 199 empty slots are never allocated and read as the fill value (zero),
 * so the file holds ~1/200 of the dataset's nominal size.
 */
function writeRegionRefs(file: H5File, name: string, rows: number[], path: string, slices: number[], extent: number): void {
  const count = slices.length;
  const empty = new Map<string, unknown>([
    ["ds_path", [] as string[]], ["ds_slice_idx", new BigInt64Array(0)],
    ["x_min", new Int32Array(0)], ["x_max", new Int32Array(0)], ["y_min", new Int32Array(0)], ["y_max", new Int32Array(0)],
  ]);
  const shape = [0, ...rows.slice(1), REFS];
  const dataset = file.create_dataset({ name, data: empty as never, shape, maxshape: [null, ...rows.slice(1), REFS], chunks: [Math.max(1, Math.min(REF_CHUNK_ROWS, rows[0])), ...rows.slice(1), 1], dtype: REGION_DTYPE });
  if (rows[0] === 0) return;
  dataset.resize([...rows, REFS]);
  const values = new Map<string, unknown>([
    ["ds_path", new Array(count).fill(path)], ["ds_slice_idx", BigInt64Array.from(slices, BigInt)],
    ["x_min", new Int32Array(count)], ["x_max", new Int32Array(count).fill(extent)],
    ["y_min", new Int32Array(count)], ["y_max", new Int32Array(count).fill(extent)],
  ]);
  dataset.write_slice([...rows.map((n) => [0, n] as [number, number]), [0, 1]], values);
}

/**
 * Values in HiSS-Cube's units, masked ones as NaN: `values` scaled in runs of
 * `run` values, each by `scale(start of the run)`. In place: the arrays are
 * fresh from `CubeReader.readRows`.
 */
function toHisscube(values: Float32Array | Uint8Array, mask: Float32Array | Uint8Array, scale: (start: number) => number, run: number): Float32Array {
  const out = values as Float32Array;
  for (let start = 0; start < out.length; start += run) {
    const factor = scale(start);
    for (let i = start; i < start + run; i++) out[i] = mask[i] !== 0 ? NaN : out[i] * factor;
  }
  return out;
}

function metadata(paths: string[], headers: string[], size: number) {
  return { data: new Map<string, unknown>([["path", paths], ["header", headers]]), dtype: [["path", "S256"], ["header", `S${size}`]] as [string, string][] };
}

function group(file: H5File, path: string, attributes: Record<string, string> = {}) {
  const g = file.create_group(path);
  for (const [key, value] of Object.entries(attributes)) g.create_attribute(key, value);
  return g;
}

export async function exportHisscube(sql: Sql, cube: CubeReader, outPath: string): Promise<{ targets: number }> {
  await h5wasm.ready;
  const galaxies = await sql`
    SELECT id, ra, dec, redshift, plate, mjd, fiberid, objid, cube_row FROM galaxies
    WHERE has_image AND has_spectrum AND cube_row IS NOT NULL ORDER BY id`;
  const n = galaxies.length;
  const temporary = `${outPath}.tmp-${process.pid}`;
  rmSync(temporary, { force: true });
  const file = new h5wasm.File(temporary, "w");
  try {
    file.create_attribute("NX_class", "NXroot");
    file.create_attribute("default", "/dense_cube");
    file.create_attribute("image_count", BigInt64Array.of(BigInt(n * BAND_NAMES.length)), [], "<q");
    file.create_attribute("spectrum_count", BigInt64Array.of(BigInt(n)), [], "<q");
    const wcs0 = galaxies.map((g) => cube.readWcs(g.cube_row));
    const imagePaths = galaxies.flatMap((g) => BAND_NAMES.map((band) => `skycube/${g.id}/frame-${band}.fits`));
    const imageHeaders = (zoom: number) =>
      galaxies.flatMap((_, t) =>
        BAND_NAMES.map((band) => {
          const w = wcs0[t] && rescaleWcs(wcs0[t]!, 2 ** zoom);
          const size = imageSize(zoom);
          return JSON.stringify({ FILTER: band, NAXIS: 2, NAXIS1: size, NAXIS2: size, CTYPE1: "RA---TAN", CTYPE2: "DEC--TAN", ...(w && { CRVAL1: w.crval1, CRVAL2: w.crval2, CRPIX1: w.crpix1, CRPIX2: w.crpix2, CD1_1: w.cd1_1, CD1_2: w.cd1_2, CD2_1: w.cd2_1, CD2_2: w.cd2_2 }) });
        }),
      );
    const spectrumPaths = galaxies.map((g) => `skycube/${g.id}/spectrum.fits`);
    const spectrumHeaders = galaxies.map((g) =>
      JSON.stringify({ PLUG_RA: g.ra, PLUG_DEC: g.dec, Z: g.redshift, PLATEID: g.plate, MJD: g.mjd, FIBERID: g.fiberid, OBJID: g.objid }),
    );
    const images = metadata(imagePaths, imageHeaders(0), 4096);
    file.create_dataset({ name: "fits_images_metadata", data: images.data as never, shape: [imagePaths.length], dtype: images.dtype });
    const spectra = metadata(spectrumPaths, spectrumHeaders, 8192);
    file.create_dataset({ name: "fits_spectra_metadata", data: spectra.data as never, shape: [n], dtype: spectra.dtype });

    group(file, "semi_sparse_cube");
    group(file, "dense_cube", { NX_class: "NXprocess", default: "/dense_cube/0" });
    (file.get("dense_cube") as Group).create_attribute("target_count", BigInt64Array.of(BigInt(n)), [], "<q");
    for (let zoom = 0; zoom < ZOOMS; zoom++) {
      const size = imageSize(zoom);
      const bins = spectrumBins(zoom);
      const pixels = size * size;
      const rows = galaxies.map((g) => g.cube_row as number);
      const imageRows = cube.readRows("image", rows, zoom, ["flux", "sigma", "mask"]);
      const spectrumRows = cube.readRows("spectrum", rows, zoom, ["flux", "sigma", "mask"]);
      const scales = BAND_NAMES.map((band) => hisscubePerNanomaggy(band));
      const flux = toHisscube(imageRows.flux, imageRows.mask, (i) => scales[Math.floor(i / pixels) % 5], pixels);
      const sigma = toHisscube(imageRows.sigma, imageRows.mask, (i) => scales[Math.floor(i / pixels) % 5], pixels);
      const sFlux = toHisscube(spectrumRows.flux, spectrumRows.mask, () => 1e-17, bins);
      const sSigma = toHisscube(spectrumRows.sigma, spectrumRows.mask, () => 1e-17, bins);
      const semi = `semi_sparse_cube/${zoom}`;
      group(file, semi);
      group(file, `${semi}/images`);
      group(file, `${semi}/spectra`);
      const imageChunks = [1, size, size];
      file.create_dataset({ name: `${semi}/images/data`, data: flux, shape: [n * 5, size, size], dtype: "<f", chunks: n > 0 ? imageChunks : null });
      file.create_dataset({ name: `${semi}/images/errors`, data: sigma, shape: [n * 5, size, size], dtype: "<f", chunks: n > 0 ? imageChunks : null });
      const zoomImages = metadata(imagePaths.map((p) => p.split("/").pop()!), imageHeaders(zoom), 4096);
      file.create_dataset({ name: `${semi}/images/metadata`, data: zoomImages.data as never, shape: [n * 5], dtype: zoomImages.dtype });
      file.create_dataset({ name: `${semi}/spectra/data`, data: sFlux, shape: [n, bins], dtype: "<f" });
      file.create_dataset({ name: `${semi}/spectra/errors`, data: sSigma, shape: [n, bins], dtype: "<f" });
      file.create_dataset({ name: `${semi}/spectra/metadata`, data: spectra.data as never, shape: [n], dtype: spectra.dtype });
      file.create_dataset({ name: `${semi}/spectra/wl`, data: Float32Array.from(wavelengthGrid(bins)), shape: [bins], dtype: "<f" });

      const dense = `dense_cube/${zoom}`;
      group(file, dense, { default: `/${dense}/ml_image` });
      group(file, `${dense}/ml_image`, { NX_class: "NXdata", signal: `cutout_3d_cube_zoom_${zoom}` });
      group(file, `${dense}/ml_spectrum`, { NX_class: "NXdata", signal: `spectral_1d_cube_zoom_${zoom}` });
      const cubeShape = [n, 5, size, size];
      (file.create_dataset({ name: `${dense}/ml_image/cutout_3d_cube_zoom_${zoom}`, data: flux, shape: cubeShape, dtype: "<f" }) as Dataset).create_attribute("interpretation", "image");
      file.create_dataset({ name: `${dense}/ml_image/errors`, data: sigma, shape: cubeShape, dtype: "<f" });
      const slots = Array.from({ length: n * 5 }, (_, i) => i);
      writeRegionRefs(file, `${dense}/ml_image/image_cutout_refs`, [n, 5], `/${semi}/images/data`, slots, size);
      writeRegionRefs(file, `${dense}/ml_image/image_metadata_refs`, [n, 5], `/${semi}/images/metadata`, slots, 0);
      (file.create_dataset({ name: `${dense}/ml_spectrum/spectral_1d_cube_zoom_${zoom}`, data: sFlux, shape: [n, bins], dtype: "<f" }) as Dataset).create_attribute("interpretation", "spectrum");
      file.create_dataset({ name: `${dense}/ml_spectrum/errors`, data: sSigma, shape: [n, bins], dtype: "<f" });
      writeRegionRefs(file, `${dense}/ml_spectrum/spec_metadata_refs`, [n], `/${semi}/spectra/metadata`, Array.from({ length: n }, (_, t) => t), 0);
      file.create_dataset({ name: `${dense}/ml_spectrum/wl`, data: Float32Array.from(wavelengthGrid(bins)), shape: [bins], dtype: "<f" });
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
