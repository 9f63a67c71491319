/**
 * The one table of GBDT hyperparameters: defaults, domains and docs in one
 * place, from which validation (and the README table) are derived — as in
 * LightGBM's config.h. Names follow LightGBM's (camelCased).
 */
import { availableParallelism } from "node:os";

export type ObjectiveName = "l2" | "quantile";

export interface GbdtParams {
  numIterations: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambdaL2: number;
  minGainToSplit: number;
  maxBin: number;
  featureFraction: number;
  baggingFraction: number;
  baggingFreq: number;
  earlyStoppingRounds: number;
  objective: ObjectiveName;
  alpha: number;
  threads: number;
}

/** A caller's bad argument: which one and what to change. */
export interface ParameterProblem {
  argument: string;
  message: string;
}

interface NumberParameter {
  kind: "integer" | "number";
  default: () => number;
  /** Inclusive bounds unless `exclusiveMin`/`exclusiveMax`. */
  min: number;
  max: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Values outside [min, max] that are still allowed (e.g. -1 = unlimited). */
  also?: number[];
  doc: string;
}
interface ChoiceParameter {
  kind: "choice";
  default: () => string;
  choices: readonly string[];
  doc: string;
}
type Parameter = NumberParameter | ChoiceParameter;

export const gbdtParameterTable: { readonly [K in keyof GbdtParams]: Parameter } = {
  numIterations: { kind: "integer", default: () => 100, min: 1, max: 100_000, doc: "Boosting rounds (trees)." },
  learningRate: { kind: "number", default: () => 0.1, min: 0, max: 1, exclusiveMin: true, doc: "Shrinkage applied to every leaf value." },
  numLeaves: { kind: "integer", default: () => 31, min: 2, max: 131_072, doc: "Maximum leaves per tree (leaf-wise growth)." },
  maxDepth: { kind: "integer", default: () => -1, min: 1, max: 64, also: [-1], doc: "Maximum tree depth; -1 = unlimited." },
  minDataInLeaf: { kind: "integer", default: () => 20, min: 1, max: 1_000_000_000, doc: "Minimum training rows in a leaf." },
  minSumHessianInLeaf: { kind: "number", default: () => 1e-3, min: 0, max: Infinity, exclusiveMax: true, doc: "Minimum sum of hessians in a leaf." },
  lambdaL2: { kind: "number", default: () => 0, min: 0, max: Infinity, exclusiveMax: true, doc: "L2 regularisation of leaf values (λ in −G/(H+λ))." },
  minGainToSplit: { kind: "number", default: () => 0, min: 0, max: Infinity, exclusiveMax: true, doc: "Minimum gain for a split." },
  maxBin: { kind: "integer", default: () => 255, min: 2, max: 255, doc: "Maximum bins per feature (plus one bin for missing values)." },
  featureFraction: { kind: "number", default: () => 1, min: 0, max: 1, exclusiveMin: true, doc: "Fraction of features sampled for each tree." },
  baggingFraction: { kind: "number", default: () => 1, min: 0, max: 1, exclusiveMin: true, doc: "Fraction of rows sampled every `baggingFreq` iterations." },
  baggingFreq: { kind: "integer", default: () => 0, min: 0, max: 100_000, doc: "Re-sample rows every k iterations; 0 = no bagging." },
  earlyStoppingRounds: { kind: "integer", default: () => 0, min: 0, max: 100_000, doc: "Stop when validation RMSE has not improved for k rounds; 0 = off." },
  objective: { kind: "choice", default: () => "l2", choices: ["l2", "quantile"], doc: "Loss: l2 (squared error) or quantile (pinball loss at `alpha`)." },
  alpha: { kind: "number", default: () => 0.5, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, doc: "Quantile for the quantile objective." },
  threads: { kind: "integer", default: () => availableParallelism(), min: 1, max: 256, doc: "Most threads binning and building histograms (worker_threads); one per 500,000 training values at most, since smaller data sets gain nothing from workers." },
};

/** Every problem with `params` (unknown names, wrong types, out-of-domain values); empty when valid. */
export function validateGbdtParams(params: Record<string, unknown>): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  for (const [argument, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const parameter = (gbdtParameterTable as Record<string, Parameter | undefined>)[argument];
    if (!parameter) {
      problems.push({ argument, message: `unknown parameter; known: ${Object.keys(gbdtParameterTable).join(", ")}` });
      continue;
    }
    if (parameter.kind === "choice") {
      if (typeof value !== "string" || !parameter.choices.includes(value)) {
        problems.push({ argument, message: `must be one of ${parameter.choices.join(", ")}` });
      }
      continue;
    }
    if (typeof value !== "number" || Number.isNaN(value)) {
      problems.push({ argument, message: "must be a number" });
      continue;
    }
    if (parameter.kind === "integer" && !Number.isInteger(value)) {
      problems.push({ argument, message: "must be an integer" });
      continue;
    }
    if (parameter.also?.includes(value)) continue;
    const belowMin = parameter.exclusiveMin ? value <= parameter.min : value < parameter.min;
    const aboveMax = parameter.exclusiveMax ? value >= parameter.max : value > parameter.max;
    if (belowMin || aboveMax) problems.push({ argument, message: `must be in ${describeDomain(parameter)}` });
  }
  return problems;
}

export function describeDomain(parameter: Parameter): string {
  if (parameter.kind === "choice") return parameter.choices.join(" | ");
  const low = `${parameter.exclusiveMin ? "(" : "["}${parameter.min}`;
  const high = `${parameter.max === Infinity ? "∞" : parameter.max}${parameter.exclusiveMax ? ")" : "]"}`;
  const also = parameter.also ? ` or ${parameter.also.join(", ")}` : "";
  return `${low}, ${high}${also}${parameter.kind === "integer" ? " (integer)" : ""}`;
}

/** Thrown by trainGbdt when parameters are invalid; carries every problem. */
export class GbdtParameterError extends Error {
  constructor(readonly problems: ParameterProblem[]) {
    super(`invalid GBDT parameters: ${problems.map((p) => `${p.argument}: ${p.message}`).join("; ")}`);
    this.name = "GbdtParameterError";
  }
}

/** Defaults filled in; throws GbdtParameterError listing every problem. */
export function resolveGbdtParams(params: Partial<GbdtParams>): GbdtParams {
  const problems = validateGbdtParams(params as Record<string, unknown>);
  if (problems.length > 0) throw new GbdtParameterError(problems);
  const resolved: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(gbdtParameterTable)) {
    const given = (params as Record<string, unknown>)[name];
    resolved[name] = given === undefined ? parameter.default() : given;
  }
  return resolved as unknown as GbdtParams;
}

/** The README's parameter table (Markdown), generated from gbdtParameterTable. */
export function gbdtParameterMarkdown(): string {
  const lines = ["| parameter | default | domain | meaning |", "|---|---|---|---|"];
  for (const [name, parameter] of Object.entries(gbdtParameterTable)) {
    const fallback = name === "threads" ? "os.availableParallelism()" : String(parameter.default());
    lines.push(`| \`${name}\` | ${fallback} | ${describeDomain(parameter).replace(/\|/g, "\\|")} | ${parameter.doc} |`);
  }
  return lines.join("\n");
}
