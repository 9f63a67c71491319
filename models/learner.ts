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

/** A kind of learner the training pipeline knows (one registry entry each, in training/learners.ts). */
/** CONSTANT and LINEAR are the reference learners (models/linear/): the training median, and ridge least squares. */
export type LearnerKind = "DECISION_TREE" | "GBDT" | "CNN" | "CONSTANT" | "LINEAR";
export type Hyperparameters = Record<string, number | string>;

/** What a learner reads for a set of rows: a feature matrix (trees) or raw arrays (CNN). */
export interface LearnerData {
  tabular(rows: readonly number[]): Matrix;
  arrays(rows: readonly number[]): ArrayInputs;
}

/** A trained fold model. */
export interface Fitted {
  predict(data: LearnerData, rows: readonly number[]): Promise<Float64Array>;
  /** A GATED CNN's gate weight of the image for each row (the spectrum's is 1 − it); absent for every other model. */
  gateWeights?(data: LearnerData, rows: readonly number[]): Promise<Float64Array>;
  /** Plain JSON-able data; `Learner.load` reads it back to an identical model. */
  serialize(): Promise<unknown>;
}

/**
 * One learner behind one interface, so the pipeline does not care which it
 * trains. The contract every implementation keeps is test/learner-contract.test.ts.
 */
export interface Learner {
  kind: LearnerKind;
  /** Problems with one grid point's values (domains), for the mutation to report. */
  check(params: Hyperparameters): { argument: string; message: string }[];
  /** Name of the compute backend (recorded with the run). */
  backend(): Promise<string>;
  /** `threads`: cores the learner may use (trees build histograms in that many worker threads). */
  fit(data: LearnerData, train: readonly number[], validation: readonly number[], labels: Float32Array, params: Hyperparameters, control: FitControl & { threads?: number }): Promise<Fitted>;
  load(saved: unknown): Promise<Fitted>;
}
