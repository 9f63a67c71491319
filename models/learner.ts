/**
 * What every learner shares: the data it is given, the progress it reports,
 * and how it is stopped. The learners themselves (gbdt/, cnn/) know nothing
 * about galaxies, the cube or the database; training/ assembles the data.
 */

/** A dense row-major feature matrix (rows x cols). NaN marks a missing value. */
export interface Matrix {
  rows: number;
  cols: number;
  values: Float32Array;
}

/** Loss after one boosting iteration or one epoch (RMSE of the label). */
export interface IterationReport {
  iteration: number;
  train: number;
  validation?: number;
}

/** How a caller steers a fit: reproducibility, cancellation, progress. */
export interface FitControl {
  /** Same seed and same data → same model, bit for bit. */
  seed: number;
  /** Aborting stops the fit at the next iteration/batch with an AbortError. */
  signal?: AbortSignal;
  onIteration?(report: IterationReport): void;
}

/** Images (band-major per row: rows x bands x size x size) and/or spectra (rows x bins). NaN = masked. */
export interface ArrayInputs {
  rows: number;
  image?: { values: Float32Array; bands: number; size: number };
  spectrum?: { values: Float32Array; bins: number };
}
