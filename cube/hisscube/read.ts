/**
 * Reading cubes written by HiSS-Cube (its default `DATASET` metadata layout),
 * as documented in ../shared/data/hisscube/README.md. What is read, per
 * target of the machine-learning cube `dense_cube/{zoom}`:
 *  - the five band cutouts, put in u, g, r, i, z order (HiSS-Cube stores them
 *    in another order; each slot's band is the FILTER of the frame its
 *    metadata reference points at);
 *  - their sigma, re-read from `semi_sparse_cube/{zoom}/images/errors` at the
 *    cutout's region, because HiSS-Cube's own `ml_image/errors` were computed
 *    from the flux (a HiSS-Cube bug);
 *  - the combined spectrum with its errors, on the linear wavelength grid
 *    rebuilt from its ends (the stored `wl` is rounded by HiSS-Cube's float
 *    compression), and the file names of the spectra that were combined.
 * Region references: `x_*` bound the ROW axis and `y_*` the COLUMN axis.
 */
import h5wasm, { Dataset, type File as H5File } from "h5wasm/node";
import { basename } from "node:path";
import { imageSize, spectrumBins, wavelengthGrid } from "../zoom.js";

export const BANDS = ["u", "g", "r", "i", "z"] as const;

/**
 * HiSS-Cube stores image pixels as nanomaggies × 3.631e-29 × c / λ² × 25π,
 * with c in Å/s and λ its filter mid-wavelength below: measured here on the
 * real file against the SDSS frames it was built from (constant to 0.1 % over
 * all pixels and bands; the 25π factor is HiSS-Cube's own). Spectra are in
 * erg/s/cm²/Å (SDSS's 1e-17 factor applied).
 */
export const HISSCUBE_FILTER_ANGSTROM = { u: 3551, g: 4686, r: 6166, i: 7480, z: 8932 } as const;
export function hisscubePerNanomaggy(band: Band): number {
  const lambda = HISSCUBE_FILTER_ANGSTROM[band];
  return ((3.631e-29 * 2.99792458e18) / (lambda * lambda)) * 25 * Math.PI;
}
export type Band = (typeof BANDS)[number];

export interface HisscubeBand {
  band: Band;
  /** Basename of the SDSS frame the cutout came from. */
  frame: string;
  /** size × size, row-major, in the unit HiSS-Cube stored (see HISSCUBE_IMAGE_UNIT). */
  flux: Float32Array;
  sigma: Float32Array;
  /** Where the cutout starts in its frame at this zoom (0-based row and column). */
  region: { row: number; column: number };
  /** The frame's FITS primary header, as HiSS-Cube stored it (WCS rescaled to this zoom). */
  header: Record<string, unknown>;
}

export interface HisscubeTarget {
  index: number;
  zoom: number;
  size: number;
  bands: HisscubeBand[];
  wavelengthAngstrom: Float64Array;
  /** As HiSS-Cube stored it (flux density; SDSS's 1e-17 factor already applied). */
  flux: Float32Array;
  sigma: Float32Array;
  /** Basenames of the spectra combined into this target's spectrum. */
  spectra: string[];
  /** Their FITS primary headers (PLUG_RA, PLUG_DEC, PLATEID, MJD, FIBERID, …). */
  spectrumHeaders: Record<string, unknown>[];
}

type RegionRef = [string, bigint, number, number, number, number];

export class HisscubeFileError extends Error {
  override name = "HisscubeFileError";
}

function dataset(file: H5File, path: string): Dataset {
  const entity = file.get(path);
  if (!(entity instanceof Dataset)) throw new HisscubeFileError(`${path} is missing: not a HiSS-Cube DATASET-layout file`);
  return entity;
}

/** Reads every target of the ML cube at one zoom (0..3 in HiSS-Cube files). */
export async function readHisscube(path: string, zoom = 0): Promise<HisscubeTarget[]> {
  const out: HisscubeTarget[] = [];
  for await (const target of hisscubeTargets(path, zoom)) out.push(target);
  return out;
}

/** The targets of the ML cube at one zoom, one at a time (the file stays open until the last). */
export async function* hisscubeTargets(path: string, zoom = 0): AsyncGenerator<HisscubeTarget> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "r");
  try {
    const root = `dense_cube/${zoom}`;
    const cube = dataset(file, `${root}/ml_image/cutout_3d_cube_zoom_${zoom}`);
    const [targets, slots, size] = cube.shape as number[];
    if (slots !== 5 || size !== imageSize(zoom)) throw new HisscubeFileError(`${root} holds ${slots} bands of ${size} px, expected 5 of ${imageSize(zoom)}`);
    const imageMeta = dataset(file, "fits_images_metadata").value as [string, string][];
    const spectraMeta = dataset(file, "fits_spectra_metadata").value as [string, string][];
    const metaRefs = dataset(file, `${root}/ml_image/image_metadata_refs`).value as RegionRef[];
    const cutoutRefs = dataset(file, `${root}/ml_image/image_cutout_refs`).value as RegionRef[];
    const specRefs = dataset(file, `${root}/ml_spectrum/spec_metadata_refs`).value as RegionRef[];
    const errors = dataset(file, `semi_sparse_cube/${zoom}/images/errors`);
    const spectrumFlux = dataset(file, `${root}/ml_spectrum/spectral_1d_cube_zoom_${zoom}`);
    const spectrumErrors = dataset(file, `${root}/ml_spectrum/errors`);
    const bins = (spectrumFlux.shape as number[])[1];
    if (bins !== spectrumBins(zoom)) throw new HisscubeFileError(`spectra at zoom ${zoom} have ${bins} bins, expected ${spectrumBins(zoom)}`);
    const refsPerSlot = metaRefs.length / (targets * slots);

    for (let t = 0; t < targets; t++) {
      const bands: HisscubeBand[] = [];
      for (let slot = 0; slot < slots; slot++) {
        const ref = t * slots * refsPerSlot + slot * refsPerSlot;
        const [, metaRow] = metaRefs[ref];
        const [, headerJson] = imageMeta[Number(metaRow)];
        const band = String(JSON.parse(headerJson).FILTER ?? "").trim() as Band;
        if (!BANDS.includes(band)) throw new HisscubeFileError(`target ${t} slot ${slot}: frame FILTER ${JSON.stringify(band)} is not u, g, r, i or z`);
        const [, slice, xMin, xMax, yMin, yMax] = cutoutRefs[ref];
        const flux = cube.slice([[t, t + 1], [slot, slot + 1], [], []]) as Float32Array;
        const sigma = errors.slice([[Number(slice), Number(slice) + 1], [xMin, xMax], [yMin, yMax]]) as Float32Array;
        if (sigma.length !== flux.length) throw new HisscubeFileError(`target ${t} band ${band}: error region ${xMax - xMin}x${yMax - yMin} does not match the cutout`);
        bands.push({ band, frame: basename(imageMeta[Number(metaRow)][0]), flux, sigma, region: { row: xMin, column: yMin }, header: JSON.parse(headerJson) });
      }
      bands.sort((a, b) => BANDS.indexOf(a.band) - BANDS.indexOf(b.band));
      const spectrumRows = specRefs
        .slice(t * (specRefs.length / targets), (t + 1) * (specRefs.length / targets))
        .filter(([refPath]) => refPath !== "")
        .map(([, row]) => spectraMeta[Number(row)]);
      const spectra = spectrumRows.map(([path]) => basename(path));
      yield {
        index: t,
        zoom,
        size,
        bands,
        wavelengthAngstrom: wavelengthGrid(bins),
        flux: spectrumFlux.slice([[t, t + 1], []]) as Float32Array,
        sigma: spectrumErrors.slice([[t, t + 1], []]) as Float32Array,
        spectra,
        spectrumHeaders: spectrumRows.map(([, header]) => JSON.parse(header) as Record<string, unknown>),
      };
    }
  } finally {
    file.close();
  }
}
