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

/**
 * A kind of learner the training pipeline knows (one registry entry each, in training/learners.ts).
 * CONSTANT and LINEAR are the reference learners (models/linear/): the training median, and ridge least squares.
 */
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

/** A trained fold classifier: class probabilities per row. */
export interface FittedClassifier {
  /** rows × classCount, row-major; each row sums to 1. */
  predictProbabilities(data: LearnerData, rows: readonly number[]): Promise<Float64Array>;
  serialize(): Promise<unknown>;
}

/** What a classifier is trained on beyond its rows: the class count and each class's weight. */
export interface ClassTask {
  /** Labels are class indices 0..classCount−1 (as floats in the labels array). */
  classCount: number;
  /** Weight of a training (and early-stopping) galaxy of class k. */
  classWeights: Float64Array;
}

/** The classification side of a learner (absent: the learner only regresses; a CLASS target is refused). */
export interface Classifier {
  /** What it does for a CLASS target, in one sentence (README). */
  doc: string;
  fit(data: LearnerData, train: readonly number[], validation: readonly number[], labels: Float32Array, task: ClassTask, params: Hyperparameters, control: FitControl & { threads?: number }): Promise<FittedClassifier>;
  load(saved: unknown): Promise<FittedClassifier>;
}

/**
 * One learner behind one interface, so the pipeline does not care which it
 * trains. The contract every implementation keeps is test/learner-contract.test.ts.
 */
export interface Learner {
  kind: LearnerKind;
  /** What it is, in one sentence (GraphQL and README). */
  doc: string;
  /**
   * The hyperparameters a grid may vary — type, domain, default, meaning:
   * the one place they are described. A grid point is these defaults with
   * the grid's values put in (training/input.ts expandGrid).
   */
  parameters: ParameterTable;
  /** The features it sees when a request names none, and the ones it accepts. */
  defaultFeatures: "RAW" | "ENGINEERED";
  features: readonly ("RAW" | "ENGINEERED")[];
  /** Problems with one grid point's values (domains), for the mutation to report. */
  check(params: Hyperparameters): { argument: string; message: string }[];
  /** Name of the compute backend (recorded with the run). */
  backend(): Promise<string>;
  /** `threads`: cores the learner may use (trees build histograms in that many worker threads). */
  fit(data: LearnerData, train: readonly number[], validation: readonly number[], labels: Float32Array, params: Hyperparameters, control: FitControl & { threads?: number }): Promise<Fitted>;
  load(saved: unknown): Promise<Fitted>;
  /** Present when the learner can classify (target CLASS). */
  classifier?: Classifier;
}

/**
 * One hyperparameter of a learner: its type, domain, default and meaning.
 * Each learner's table of these (in its own folder) is the one place its
 * hyperparameters are described; the request checks, the GraphQL inputs and
 * outputs and the README's table are generated from it (training/learners.ts).
 */
interface ParameterBase {
  /** Set by the run's own input field of this name (e.g. `TrainPredictorInput.fusion`), not searched: no grid field, and left out of grid points unless that field sets it. */
  option?: string;
  doc: string;
}

export interface NumberParameter extends ParameterBase {
  type: "integer" | "number";
  default: number;
  /** Inclusive bounds unless `exclusiveMin`/`exclusiveMax`; Infinity for no upper bound. */
  min: number;
  max: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Values outside [min, max] that are still allowed (e.g. -1 = unlimited). */
  also?: readonly number[];
  /** A different default when another (choice) parameter has a given value, e.g. CNN dropout 0.5 for vgg12. */
  defaultWhen?: { parameter: string; equals: string | readonly string[]; default: number };
}

export interface ChoiceParameter extends ParameterBase {
  type: "choice";
  default: string;
  choices: readonly string[];
}

export type Parameter = NumberParameter | ChoiceParameter;
export type ParameterTable = Readonly<Record<string, Parameter>>;

/** What is wrong with one value of a parameter, or undefined. */
export function parameterProblem(parameter: Parameter, value: unknown): string | undefined {
  if (parameter.type === "choice") {
    return typeof value === "string" && parameter.choices.includes(value) ? undefined : `must be one of ${parameter.choices.join(", ")}`;
  }
  if (typeof value !== "number" || Number.isNaN(value)) return "must be a number";
  if (parameter.type === "integer" && !Number.isInteger(value)) return "must be an integer";
  if (parameter.also?.includes(value)) return undefined;
  const belowMin = parameter.exclusiveMin ? value <= parameter.min : value < parameter.min;
  const aboveMax = parameter.exclusiveMax ? value >= parameter.max : value > parameter.max;
  return belowMin || aboveMax ? `must be in ${describeDomain(parameter)}` : undefined;
}

/** The domain in words: `[1, 6] (integer)`, `(0, 1]`, `compact | vgg12`. */
export function describeDomain(parameter: Parameter): string {
  if (parameter.type === "choice") return parameter.choices.join(" | ");
  const low = `${parameter.exclusiveMin ? "(" : "["}${parameter.min}`;
  const high = `${parameter.max === Infinity ? "∞" : parameter.max}${parameter.exclusiveMax ? ")" : "]"}`;
  const also = parameter.also ? ` or ${parameter.also.join(", ")}` : "";
  return `${low}, ${high}${also}${parameter.type === "integer" ? " (integer)" : ""}`;
}

/** The default in words (with its condition, if any): `0.2 (0.5 when architecture = vgg12)`. */
export function describeDefault(parameter: Parameter): string {
  const when = parameter.type !== "choice" && parameter.defaultWhen;
  return when ? `${parameter.default} (${when.default} when ${when.parameter} = ${[when.equals].flat().join(" or ")})` : String(parameter.default);
}

/** Every problem with `params` against `table`: unknown names, wrong types, out-of-domain values. */
export function checkParameters(table: ParameterTable, params: Record<string, unknown>, owner: string): { argument: string; message: string }[] {
  const problems: { argument: string; message: string }[] = [];
  for (const [argument, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const parameter = table[argument];
    if (!parameter) {
      problems.push({ argument, message: `unknown ${owner} parameter; known: ${Object.keys(table).join(", ") || "none"}` });
      continue;
    }
    const problem = parameterProblem(parameter, value);
    if (problem) problems.push({ argument, message: problem });
  }
  return problems;
}

/** `given` with every parameter of `table` it leaves out set to its default (in the table's order). */
export function withDefaults(table: ParameterTable, given: Record<string, unknown> = {}): Hyperparameters {
  const out: Hyperparameters = {};
  for (const [name, parameter] of Object.entries(table)) {
    const value = given[name];
    if (value !== undefined) {
      out[name] = value as number | string;
      continue;
    }
    const when = parameter.type !== "choice" ? parameter.defaultWhen : undefined;
    out[name] = when && [when.equals].flat().includes((given[when.parameter] ?? table[when.parameter]?.default) as string) ? when.default : parameter.default;
  }
  for (const [name, value] of Object.entries(given)) if (!(name in out) && value !== undefined) out[name] = value as number | string;
  return out;
}

/** The parameters a grid searches: the table without those a run's own input field sets (`option`). */
export function gridParametersOf(table: ParameterTable): ParameterTable {
  return Object.fromEntries(Object.entries(table).filter(([, p]) => !p.option));
}

/** The subset of a table a learner exposes (in the order given). */
export function pickParameters<T extends ParameterTable>(table: T, names: readonly (keyof T & string)[]): ParameterTable {
  return Object.fromEntries(names.map((n) => [n, table[n]]));
}
