/**
 * What a run learns to predict (its `target`): the MPA-JHU SFR label (the
 * default), another numeric catalogue column (`REDSHIFT`: the catalogue
 * redshift `galaxies.redshift`), or the catalogue `class` (GALAXY, QSO,
 * STAR) for classification. A classifier's label is the class's index in
 * `CLASS_NAMES`; its predictions are class probabilities.
 */

export type Target = "SFR" | "REDSHIFT" | "CLASS";
/** How a classifier weighs its training galaxies: BALANCED (n / (K · n_k), scikit-learn's class_weight="balanced") or NONE (all 1). */
export type ClassWeighting = "BALANCED" | "NONE";

/** The SDSS spectroscopic classes, in the order of class indices, confusion-matrix rows and probability vectors. */
export const CLASS_NAMES = ["GALAXY", "QSO", "STAR"] as const;

export interface TargetInfo {
  task: "regression" | "classification";
  /** What is predicted, in words (the model card and PredictorSpec.target). */
  predicts: string;
  /** Unit of value and sigma (and of the regression metrics). */
  unit: string;
}

export const TARGETS: Readonly<Record<Target, TargetInfo>> = {
  SFR: { task: "regression", predicts: "log10 star-formation rate (MPA-JHU total SFR, AVG)", unit: "log10(Msun/yr); sigma and percentiles in dex" },
  REDSHIFT: { task: "regression", predicts: "redshift (the catalogue's spectroscopic z)", unit: "dimensionless redshift; sigma and percentiles in z" },
  CLASS: { task: "classification", predicts: "spectroscopic class (GALAXY, QSO, STAR) as class probabilities", unit: "probability (value = the predicted class's probability, sigma 0)" },
};

/** The run's target (inputs stored before targets existed read as SFR). */
export function targetOf(input: { target?: Target }): Target {
  return input.target ?? "SFR";
}

export function isClassification(input: { target?: Target }): boolean {
  return TARGETS[targetOf(input)].task === "classification";
}

/**
 * Per-class weights from the training labels (class indices): BALANCED is
 * n / (K · n_k) over the K classes present (scikit-learn's
 * compute_class_weight("balanced")), a class absent from training gets 0;
 * NONE is 1 for every class.
 */
export function classWeights(labels: ArrayLike<number>, rows: readonly number[], classCount: number, mode: ClassWeighting): Float64Array {
  const weights = new Float64Array(classCount).fill(1);
  if (mode === "NONE") return weights;
  const counts = new Float64Array(classCount);
  for (const r of rows) counts[labels[r]]++;
  const present = counts.filter((c) => c > 0).length;
  for (let k = 0; k < classCount; k++) weights[k] = counts[k] > 0 ? rows.length / (present * counts[k]) : 0;
  return weights;
}
