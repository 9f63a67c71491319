/**
 * What the API serves from the cube: a galaxy's image or spectrum at a
 * precomputed zoom level, or at any size or bin count between levels,
 * computed on the fly from the next finer level with the same propagation
 * rules (cube/rebin.ts). Arguments are checked here, all problems at once.
 */
import { InputChecker } from "../errors/codes.js";
import { BAND_NAMES, PIXEL_SCALE_ARCSEC, type BandName } from "./layout.js";
import { edgesFromCentres, overlapWeights, rebin1d, rebinImage, type Measured } from "./rebin.js";
import type { CubeLocation, CubeStore } from "./cube-store.js";
import { rescaleWcs, type TanWcs } from "../sky/tan-wcs.js";
import { ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "./zoom.js";

export interface ImageRequest {
  zoom?: number | null;
  /** Pixels per side; between 4 and 64. Overrides zoom. */
  size?: number | null;
  bands?: BandName[] | null;
}

export interface ImageView extends Measured {
  /** The precomputed level it was served from. */
  zoom: number;
  size: number;
  bands: BandName[];
  pixelScaleArcsec: number;
  wcs: TanWcs | null;
}

export interface SpectrumRequest {
  zoom?: number | null;
  /** Number of bins, between 288 and 4620. Overrides zoom. */
  bins?: number | null;
}

export interface SpectrumView extends Measured {
  zoom: number;
  wavelengthAngstrom: Float64Array;
}

const MIN_SIZE = imageSize(ZOOM_LEVELS - 1);
const MAX_SIZE = imageSize(0);
const MIN_BINS = spectrumBins(ZOOM_LEVELS - 1);
const MAX_BINS = spectrumBins(0);

function checkZoom(checker: InputChecker, zoom: number | null | undefined): void {
  checker.check(zoom == null || (Number.isInteger(zoom) && zoom >= 0 && zoom < ZOOM_LEVELS), "zoom", `must be an integer in [0, ${ZOOM_LEVELS - 1}]`);
}

/** The finest precomputed zoom whose size is at least `size`. */
function sourceZoomForSize(size: number): number {
  let zoom = 0;
  while (zoom + 1 < ZOOM_LEVELS && imageSize(zoom + 1) >= size) zoom++;
  return zoom;
}

/** Throws BAD_USER_INPUT listing every problem with an image request. */
export function checkImageRequest(request: ImageRequest): void {
  const checker = new InputChecker();
  checkZoom(checker, request.zoom);
  checker.check(request.size == null || (Number.isInteger(request.size) && request.size >= MIN_SIZE && request.size <= MAX_SIZE), "size", `must be an integer in [${MIN_SIZE}, ${MAX_SIZE}]`);
  const bands = request.bands ?? [...BAND_NAMES];
  checker.check(bands.length > 0 && bands.every((b) => BAND_NAMES.includes(b)) && new Set(bands).size === bands.length, "bands", "must be distinct bands among u, g, r, i, z");
  checker.throwIfAny();
}

export function imageView(reader: CubeStore, location: CubeLocation, request: ImageRequest): ImageView {
  checkImageRequest(request);
  const bands = request.bands ?? [...BAND_NAMES];

  const size = request.size ?? imageSize(request.zoom ?? 0);
  const zoom = request.size != null ? sourceZoomForSize(size) : (request.zoom ?? 0);
  const stored = reader.readImage(location, zoom);
  const storedPixels = stored.size * stored.size;
  const pixels = size * size;
  const out: Measured = { value: new Float32Array(bands.length * pixels), sigma: new Float32Array(bands.length * pixels), mask: new Uint8Array(bands.length * pixels) };
  bands.forEach((band, k) => {
    const b = BAND_NAMES.indexOf(band);
    const range = [b * storedPixels, (b + 1) * storedPixels] as const;
    let plane: Measured = { value: stored.value.subarray(...range), sigma: stored.sigma.subarray(...range), mask: stored.mask.subarray(...range) };
    if (size !== stored.size) plane = rebinImage(plane, stored.size, size);
    out.value.set(plane.value, k * pixels);
    out.sigma.set(plane.sigma, k * pixels);
    out.mask.set(plane.mask, k * pixels);
  });
  const factor = stored.size / size;
  return {
    ...out,
    zoom,
    size,
    bands,
    pixelScaleArcsec: PIXEL_SCALE_ARCSEC * (imageSize(0) / size),
    wcs: stored.wcs && (factor === 1 ? stored.wcs : rescaleWcs(stored.wcs, factor)),
  };
}

/** Throws BAD_USER_INPUT listing every problem with a spectrum request. */
export function checkSpectrumRequest(request: SpectrumRequest): void {
  const checker = new InputChecker();
  checkZoom(checker, request.zoom);
  checker.check(request.bins == null || (Number.isInteger(request.bins) && request.bins >= MIN_BINS && request.bins <= MAX_BINS), "bins", `must be an integer in [${MIN_BINS}, ${MAX_BINS}]`);
  checker.throwIfAny();
}

export function spectrumView(reader: CubeStore, location: CubeLocation, request: SpectrumRequest): SpectrumView {
  checkSpectrumRequest(request);
  if (request.bins == null) {
    const stored = reader.readSpectrum(location, request.zoom ?? 0);
    return { ...stored };
  }
  let zoom = 0;
  while (zoom + 1 < ZOOM_LEVELS && spectrumBins(zoom + 1) >= request.bins) zoom++;
  const stored = reader.readSpectrum(location, zoom);
  if (stored.value.length === request.bins) return { ...stored };
  const grid = wavelengthGrid(request.bins);
  const out = rebin1d(stored, overlapWeights(edgesFromCentres(stored.wavelengthAngstrom), edgesFromCentres(grid)));
  return { ...out, zoom, wavelengthAngstrom: grid };
}
