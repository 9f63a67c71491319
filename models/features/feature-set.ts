/**
 * From catalogue rows to learner inputs. A feature specification (modality,
 * RAW or ENGINEERED, zooms) is stored with every predictor, so the same
 * features can be computed again for galaxies ingested later.
 *
 *   RAW         the thesis' inputs: flattened pixels (band, row, column) of
 *               the cutout at `imageZoom`, fluxes of the spectrum at
 *               `spectrumZoom`; masked values are NaN (trees route them,
 *               the CNN fills them)
 *   ENGINEERED  ./image-features.ts and ./spectrum-features.ts
 *
 * When the target is the redshift, no feature may be derived from the
 * catalogue redshift (the target would leak into the inputs): every
 * ENGINEERED spectrum feature is (the `redshift` column itself, and the
 * rest-frame windows, equivalent widths and luminosity all use it), so the
 * spectrum part contributes no ENGINEERED columns then (training/input.ts
 * refuses SPECTRUM and LATE_FUSION with ENGINEERED features for that target;
 * EARLY_FUSION keeps the image features). Image features never use it.
 */
import type { CubeLocation, CubeStore } from "../../cube/cube-store.js";
import { BAND_COUNT } from "../../cube/layout.js";
import { imageSize, spectrumBins, wavelengthGrid } from "../../cube/zoom.js";
import type { ArrayInputs, Matrix } from "../learner.js";
import { IMAGE_FEATURE_NAMES, imageFeatures } from "./image-features.js";
import { SPECTRUM_FEATURE_NAMES, spectrumFeatures } from "./spectrum-features.js";
import type { Target } from "../training/target.js";

export type Modality = "IMAGE" | "SPECTRUM" | "EARLY_FUSION" | "LATE_FUSION";
export type FeatureKind = "RAW" | "ENGINEERED";
export type Part = "image" | "spectrum";

export interface FeatureSpec {
  modality: Modality;
  features: FeatureKind;
  imageZoom: number;
  spectrumZoom: number;
  /** What is predicted (absent: SFR); REDSHIFT drops the redshift-derived features. */
  target?: Target;
}

/** Whether a part's ENGINEERED features are all derived from the catalogue redshift, which is the target (see the module head). */
export function leaksTarget(part: Part, spec: FeatureSpec): boolean {
  return spec.features === "ENGINEERED" && part === "spectrum" && spec.target === "REDSHIFT";
}

/** What a galaxy contributes: its cube location and redshift. */
export interface FeatureSource {
  cube: CubeLocation;
  redshift: number | null;
}

/** The parts a modality needs. */
export function partsOf(modality: Modality): Part[] {
  return modality === "IMAGE" ? ["image"] : modality === "SPECTRUM" ? ["spectrum"] : ["image", "spectrum"];
}

/** Values per galaxy of one part. */
export function widthOf(part: Part, spec: FeatureSpec): number {
  if (leaksTarget(part, spec)) return 0;
  if (spec.features === "ENGINEERED") return part === "image" ? IMAGE_FEATURE_NAMES.length : SPECTRUM_FEATURE_NAMES.length;
  return part === "image" ? BAND_COUNT * imageSize(spec.imageZoom) ** 2 : spectrumBins(spec.spectrumZoom);
}

export function featureNames(part: Part, spec: FeatureSpec): string[] {
  if (leaksTarget(part, spec)) return [];
  if (spec.features === "ENGINEERED") return [...(part === "image" ? IMAGE_FEATURE_NAMES : SPECTRUM_FEATURE_NAMES)];
  if (part === "spectrum") return Array.from(wavelengthGrid(spectrumBins(spec.spectrumZoom)), (l) => `flux_${l.toFixed(1)}A`);
  const size = imageSize(spec.imageZoom);
  const names: string[] = [];
  for (const band of "ugriz") for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) names.push(`${band}_${y}_${x}`);
  return names;
}

/** One part's data for the given galaxies: raw arrays, and the tabular features of the spec. */
export interface PartData {
  part: Part;
  /** Raw flux, rows × (5 × size × size) or rows × bins; NaN = masked. */
  raw: Float32Array;
  tabular: Matrix;
}

export function loadPart(cube: CubeStore, sources: readonly FeatureSource[], part: Part, spec: FeatureSpec): PartData {
  const zoom = part === "image" ? spec.imageZoom : spec.spectrumZoom;
  const raw = cube.readFluxes(part, sources.map((s) => s.cube), zoom);
  const rows = sources.length;
  if (spec.features === "RAW") return { part, raw, tabular: { rows, cols: raw.length / Math.max(rows, 1), values: raw } };
  const cols = widthOf(part, spec);
  const values = new Float32Array(rows * cols);
  if (cols === 0) return { part, raw, tabular: { rows, cols, values } };
  if (part === "image") {
    const size = imageSize(zoom);
    const width = BAND_COUNT * size * size;
    for (let i = 0; i < rows; i++) imageFeatures(raw.subarray(i * width, (i + 1) * width), size, zoom, values, i * cols);
  } else {
    const wavelength = wavelengthGrid(spectrumBins(zoom));
    const width = wavelength.length;
    for (let i = 0; i < rows; i++) spectrumFeatures(raw.subarray(i * width, (i + 1) * width), wavelength, sources[i].redshift, values, i * cols);
  }
  return { part, raw, tabular: { rows, cols, values } };
}

/** Row subset of a matrix. */
export function takeRows(matrix: Matrix, rows: readonly number[]): Matrix {
  const out = new Float32Array(rows.length * matrix.cols);
  rows.forEach((row, i) => out.set(matrix.values.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols));
  return { rows: rows.length, cols: matrix.cols, values: out };
}

/** Columns of several matrices side by side (early fusion of tabular features). */
export function concatColumns(matrices: readonly Matrix[]): Matrix {
  if (matrices.length === 1) return matrices[0];
  const rows = matrices[0].rows;
  const cols = matrices.reduce((s, m) => s + m.cols, 0);
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let at = i * cols;
    for (const m of matrices) {
      values.set(m.values.subarray(i * m.cols, (i + 1) * m.cols), at);
      at += m.cols;
    }
  }
  return { rows, cols, values };
}

/** Raw arrays of the given rows, shaped for the CNN. */
export function arrayInputs(parts: readonly PartData[], rows: readonly number[], spec: FeatureSpec): ArrayInputs {
  const out: ArrayInputs = { rows: rows.length };
  for (const p of parts) {
    const width = p.tabular.rows > 0 ? p.raw.length / p.tabular.rows : 0;
    const values = takeRows({ rows: p.tabular.rows, cols: width, values: p.raw }, rows).values;
    if (p.part === "image") out.image = { values, bands: BAND_COUNT, size: imageSize(spec.imageZoom) };
    else out.spectrum = { values, bins: spectrumBins(spec.spectrumZoom) };
  }
  return out;
}
