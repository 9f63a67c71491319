/**
 * One galaxy's data at every zoom level, computed from zoom 0 by the rules
 * of ./rebin.ts (each level from the previous one, band by band), as a
 * shard stores them.
 */
import type { TanWcs } from "../sky/tan-wcs.js";
import { BAND_COUNT } from "./layout.js";
import { edgesFromCentres, overlapWeights, rebin1d, rebinImage, type Measured, type OverlapWeights } from "./rebin.js";
import { IMAGE_SIZE_0, SPECTRUM_BINS_0, ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "./zoom.js";

/** One galaxy's data at zoom 0, as ingest produces it. */
export interface CubeRecord {
  /** 5 × 64 × 64, band-major (u,g,r,i,z), then row, then column; absent = no image. */
  image?: Measured & { wcs: TanWcs };
  /** 4620 bins on the zoom-0 grid; absent = no spectrum. */
  spectrum?: Measured;
}

/**
 * What went wrong with the cube: `CUBE_UNREADABLE` — a shard is missing,
 * truncated, damaged or not ours (`shard` names it; its galaxies fail, the
 * others keep serving); `CUBE_NO_SPACE` — the disk filled while a shard was
 * written (`path` names it; nothing of the batch was stored); `CUBE_ERROR`
 * — anything else (a record of the wrong size, a location without a shard).
 */
export type CubeErrorCode = "CUBE_UNREADABLE" | "CUBE_NO_SPACE" | "CUBE_ERROR";

export class CubeError extends Error {
  override name = "CubeError";
  readonly code: CubeErrorCode;
  /** The shard's storage name (CUBE_UNREADABLE). */
  readonly shard?: string;
  /** The file being written (CUBE_NO_SPACE). */
  readonly path?: string;

  constructor(message: string, details: { code?: CubeErrorCode; shard?: string; path?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code ?? "CUBE_ERROR";
    if (details.shard !== undefined) this.shard = details.shard;
    if (details.path !== undefined) this.path = details.path;
  }
}

/** A shard that cannot be read, naming it. */
export function unreadable(shard: string, message: string, cause?: unknown): CubeError {
  return new CubeError(message, { code: "CUBE_UNREADABLE", shard, cause });
}

export const WCS_FIELDS = 8;

export function missing(length: number): Measured {
  return { value: new Float32Array(length).fill(NaN), sigma: new Float32Array(length).fill(NaN), mask: new Uint8Array(length).fill(1) };
}

/** Band `band` (of `pixels` values) of a band-major measurement, without copying. */
function bandOf(m: Measured, band: number, pixels: number): Measured {
  const range = [band * pixels, (band + 1) * pixels] as const;
  return { value: m.value.subarray(...range), sigma: m.sigma.subarray(...range), mask: m.mask.subarray(...range) };
}

/** The zoom levels of one galaxy's image: each level from the previous one, band by band. */
export function imageLevels(image: Measured | undefined): Measured[] {
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

export function spectrumLevels(spectrum: Measured | undefined): Measured[] {
  const levels: Measured[] = [spectrum ?? missing(SPECTRUM_BINS_0)];
  for (let zoom = 1; zoom < ZOOM_LEVELS; zoom++) {
    levels.push(spectrum ? rebin1d(levels[zoom - 1], zoomWeights()[zoom - 1]) : missing(spectrumBins(zoom)));
  }
  return levels;
}

export function wcsRow(wcs: TanWcs | undefined | null): Float64Array {
  if (!wcs) return new Float64Array(WCS_FIELDS).fill(NaN);
  return Float64Array.of(wcs.crval1, wcs.crval2, wcs.crpix1, wcs.crpix2, wcs.cd1_1, wcs.cd1_2, wcs.cd2_1, wcs.cd2_2);
}

export function wcsFromRow(w: Float64Array): TanWcs | null {
  return Number.isNaN(w[0]) ? null : { crval1: w[0], crval2: w[1], crpix1: w[2], crpix2: w[3], cd1_1: w[4], cd1_2: w[5], cd2_1: w[6], cd2_2: w[7] };
}

export function checkRecord(record: CubeRecord, index: number): void {
  const n = BAND_COUNT * IMAGE_SIZE_0 * IMAGE_SIZE_0;
  if (record.image && (record.image.value.length !== n || record.image.sigma.length !== n || record.image.mask.length !== n)) {
    throw new CubeError(`record ${index}: an image must have ${n} values (5 bands of 64 x 64)`);
  }
  if (record.spectrum && (record.spectrum.value.length !== SPECTRUM_BINS_0 || record.spectrum.sigma.length !== SPECTRUM_BINS_0 || record.spectrum.mask.length !== SPECTRUM_BINS_0)) {
    throw new CubeError(`record ${index}: a spectrum must have ${SPECTRUM_BINS_0} bins on the zoom-0 grid`);
  }
}
