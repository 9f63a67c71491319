/**
 * The CNN hyperparameters: one table that gives each parameter's default,
 * domain and meaning, and from which validation, the GraphQL inputs and the
 * README's table follow. Callers pass a partial object; `resolveCnnParams` fills defaults
 * and returns every problem at once.
 */

import { checkParameters, withDefaults, type Parameter } from "../learner.js";

export type Architecture = "compact" | "vgg12" | "thesis_vgg";
export const architectures: readonly Architecture[] = ["compact", "vgg12", "thesis_vgg"];
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

/** The CNN's hyperparameters: the learner registry's CNN entry (training/learners.ts) reads them from here. */
export const cnnParameterTable = {
  architecture: {
    type: "choice",
    default: "compact",
    choices: architectures,
    doc: 'Network: "compact" (3 conv stages 3x3, channels filters→2·filters→4·filters, global average pooling for images; trains in minutes on 2 cores) or "vgg12" (the thesis VGGNet12: three blocks of three 3x3 convolutions with 64, 128, 256 channels, 2x2 max pooling after blocks 1 and 2 from 8 px up, the last map flattened, FC 512 → dropout 0.5 → FC 128 → dropout 0.5 → 1; meant for GPU machines) or "thesis_vgg" (the study\'s text: as vgg12, but pooling after blocks 1 and 2 at every size and adaptive average pooling to 256 features before the head).',
  },
  epochs: { type: "integer", default: 30, min: 1, max: 10_000, doc: "Maximum passes over the training set." },
  batchSize: { type: "integer", default: 32, min: 1, max: 4096, doc: "Samples per Adam step." },
  learningRate: { type: "number", default: 1e-3, min: 0, max: 1, exclusiveMin: true, doc: "Adam step size (β1 0.9, β2 0.999)." },
  patience: {
    type: "integer",
    default: 5,
    min: 0,
    max: 10_000,
    doc: "Early stopping: epochs without a lower validation loss before stopping; the best epoch's weights are restored. 0 = never stop early. Ignored without a validation set.",
  },
  dropout: {
    type: "number",
    default: 0.2,
    min: 0,
    max: 0.95,
    defaultWhen: { parameter: "architecture", equals: ["vgg12", "thesis_vgg"], default: 0.5 },
    doc: 'Dropout rate before the head\'s hidden layer ("compact"); "vgg12" and "thesis_vgg" use 0.5 as in the thesis unless set (after each hidden FC layer).',
  },
  filters: { type: "integer", default: 16, min: 1, max: 256, doc: 'Channels of the first "compact" convolution (doubled at each stage); ignored by "vgg12" and "thesis_vgg".' },
  fusion: {
    type: "choice",
    default: "concat",
    choices: fusions,
    option: "fusion",
    doc: 'With images and spectra: "concat" (the branches\' embeddings side by side before the head) or "gated" (each embedding projected to a common width, a small gate network gives per-galaxy softmax weights over the two, the head reads their weighted sum; see network.ts). Needs both inputs when "gated".',
  },
} as const satisfies { readonly [K in keyof CnnParams]: Parameter };

/** Fills defaults and checks domains; unknown names are problems too. */
export function resolveCnnParams(given: Partial<CnnParams>): { params: CnnParams; problems: ParamProblem[] } {
  const problems = checkParameters(cnnParameterTable, given, "CNN").map((p) =>
    p.message.startsWith("unknown") ? p : { argument: p.argument, message: `${p.argument} ${p.message} (got ${JSON.stringify((given as Record<string, unknown>)[p.argument])})` },
  );
  return { params: withDefaults(cnnParameterTable, given) as unknown as CnnParams, problems };
}

/** Thrown by trainCnn for bad parameters or inputs; `problems` lists all of them. */
export class CnnInputError extends Error {
  constructor(readonly problems: ParamProblem[]) {
    super(problems.map((p) => `${p.argument}: ${p.message}`).join("; "));
    this.name = "CnnInputError";
  }
}
