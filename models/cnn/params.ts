/**
 * The CNN hyperparameters: one table that gives each parameter's default,
 * domain and meaning, and from which validation (and the README's list)
 * follow. Callers pass a partial object; `resolveCnnParams` fills defaults
 * and returns every problem at once.
 */

export type Architecture = "compact" | "vgg12";
export const architectures: readonly Architecture[] = ["compact", "vgg12"];
/** How the image and spectrum branches are joined (both inputs only). */
export type Fusion = "concat" | "gated";
export const fusions: readonly Fusion[] = ["concat", "gated"];

export interface CnnParams {
  architecture: Architecture;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  dropout: number;
  filters: number;
  /** Absent in models saved before the option: "concat". */
  fusion: Fusion;
}

export interface ParamProblem {
  argument: string;
  message: string;
}

interface ParamSpec<K extends keyof CnnParams> {
  name: K;
  default: CnnParams[K];
  doc: string;
  /** Returns what is wrong with a value, or undefined. */
  check(value: unknown): string | undefined;
}

function integer(min: number, max: number) {
  return (v: unknown) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be an integer in [${min}, ${max}]`;
}

function real(min: number, max: number, includeMin: boolean) {
  return (v: unknown) =>
    typeof v === "number" && Number.isFinite(v) && (includeMin ? v >= min : v > min) && v <= max
      ? undefined
      : `must be a number in ${includeMin ? "[" : "("}${min}, ${max}]`;
}

export const cnnParamTable: readonly ParamSpec<keyof CnnParams>[] = [
  {
    name: "architecture",
    default: "compact",
    doc: 'Network: "compact" (3 conv stages 3x3, channels filters→2·filters→4·filters, global average pooling for images; trains in minutes on 2 cores) or "vgg12" (the thesis VGGNet12: three blocks of three 3x3 convolutions with 64, 128, 256 channels, 2x2 max pooling after blocks 1 and 2, FC 512 → dropout 0.5 → FC 128 → dropout 0.5 → 1; meant for GPU machines).',
    check: (v) => (architectures.includes(v as Architecture) ? undefined : `must be one of ${architectures.join(", ")}`),
  },
  { name: "epochs", default: 30, doc: "Maximum passes over the training set.", check: integer(1, 10_000) },
  { name: "batchSize", default: 32, doc: "Samples per Adam step.", check: integer(1, 4096) },
  { name: "learningRate", default: 1e-3, doc: "Adam step size (β1 0.9, β2 0.999).", check: real(0, 1, false) },
  {
    name: "patience",
    default: 5,
    doc: "Early stopping: epochs without a lower validation loss before stopping; the best epoch's weights are restored. 0 = never stop early. Ignored without a validation set.",
    check: integer(0, 10_000),
  },
  { name: "dropout", default: 0.2, doc: 'Dropout rate before the head\'s hidden layer ("compact"); "vgg12" uses 0.5 as in the thesis unless set.', check: real(0, 0.95, true) },
  { name: "filters", default: 16, doc: 'Channels of the first "compact" convolution (doubled at each stage); ignored by "vgg12".', check: integer(1, 256) },
  {
    name: "fusion",
    default: "concat",
    doc: 'With images and spectra: "concat" (the branches\' embeddings side by side before the head) or "gated" (each embedding projected to a common width, a small gate network gives per-galaxy softmax weights over the two, the head reads their weighted sum; see network.ts). Needs both inputs when "gated".',
    check: (v) => (fusions.includes(v as Fusion) ? undefined : `must be one of ${fusions.join(", ")}`),
  },
];

/** Fills defaults and checks domains; unknown names are problems too. */
export function resolveCnnParams(given: Partial<CnnParams>): { params: CnnParams; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const known = new Set(cnnParamTable.map((p) => p.name as string));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push({ argument: name, message: `unknown CNN parameter; known: ${[...known].join(", ")}` });
  }
  const params = {} as Record<string, unknown>;
  for (const spec of cnnParamTable) {
    const value = (given as Record<string, unknown>)[spec.name];
    if (value === undefined) {
      params[spec.name] = spec.name === "dropout" && given.architecture === "vgg12" ? 0.5 : spec.default;
      continue;
    }
    const problem = spec.check(value);
    if (problem) problems.push({ argument: spec.name, message: `${spec.name} ${problem} (got ${JSON.stringify(value)})` });
    params[spec.name] = value;
  }
  return { params: params as unknown as CnnParams, problems };
}

/** Thrown by trainCnn for bad parameters or inputs; `problems` lists all of them. */
export class CnnInputError extends Error {
  constructor(readonly problems: ParamProblem[]) {
    super(problems.map((p) => `${p.argument}: ${p.message}`).join("; "));
    this.name = "CnnInputError";
  }
}
