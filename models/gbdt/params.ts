/**
 * The one table of GBDT hyperparameters: defaults, domains and docs in one
 * place, from which validation, the learner registry's GBDT entry (and so
 * the GraphQL inputs) and the README tables are derived — as in LightGBM's
 * config.h. Names follow LightGBM's (camelCased).
 */
import { availableParallelism } from "node:os";
import { checkParameters, describeDomain, describeDefault, type Parameter } from "../learner.js";

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

/**
 * Every GBDT parameter. The defaults of the ten a training request may vary
 * (gbdtGridParameters) are the served learner's: 500 rounds at 0.05 with
 * early stopping after 30 — the registry entry in training/learners.ts reads
 * them from here. Early stopping needs validation rows: without them the
 * default 30 does not apply (an explicit value is an error).
 */
export const gbdtParameterTable: { readonly [K in keyof GbdtParams]: Parameter } = {
  numIterations: { type: "integer", default: 500, min: 1, max: 100_000, doc: "Boosting rounds (trees); with early stopping an upper bound." },
  learningRate: { type: "number", default: 0.05, min: 0, max: 1, exclusiveMin: true, doc: "Shrinkage applied to every leaf value." },
  numLeaves: { type: "integer", default: 31, min: 2, max: 131_072, doc: "Maximum leaves per tree (leaf-wise growth)." },
  maxDepth: { type: "integer", default: -1, min: 1, max: 64, also: [-1], doc: "Maximum tree depth; -1 = unlimited." },
  minDataInLeaf: { type: "integer", default: 20, min: 1, max: 1_000_000_000, doc: "Minimum training rows in a leaf." },
  minSumHessianInLeaf: { type: "number", default: 1e-3, min: 0, max: Infinity, exclusiveMax: true, doc: "Minimum sum of hessians in a leaf." },
  lambdaL2: { type: "number", default: 0, min: 0, max: Infinity, exclusiveMax: true, doc: "L2 regularisation of leaf values (λ in −G/(H+λ))." },
  minGainToSplit: { type: "number", default: 0, min: 0, max: Infinity, exclusiveMax: true, doc: "Minimum gain for a split." },
  maxBin: { type: "integer", default: 255, min: 2, max: 255, doc: "Maximum bins per feature (plus one bin for missing values)." },
  featureFraction: { type: "number", default: 1, min: 0, max: 1, exclusiveMin: true, doc: "Fraction of features sampled for each tree." },
  baggingFraction: { type: "number", default: 1, min: 0, max: 1, exclusiveMin: true, doc: "Fraction of rows sampled every `baggingFreq` iterations." },
  baggingFreq: { type: "integer", default: 0, min: 0, max: 100_000, doc: "Re-sample rows every k iterations; 0 = no bagging." },
  earlyStoppingRounds: { type: "integer", default: 30, min: 0, max: 100_000, doc: "Stop when validation RMSE has not improved for k rounds (the best round's trees are kept); 0 = off. Needs validation rows." },
  objective: { type: "choice", default: "l2", choices: ["l2", "quantile"], doc: "Loss: l2 (squared error) or quantile (pinball loss at `alpha`)." },
  alpha: { type: "number", default: 0.5, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, doc: "Quantile for the quantile objective." },
  threads: { type: "integer", default: availableParallelism(), min: 1, max: 256, doc: "Most threads binning and building histograms (worker_threads); one per 500,000 training values at most, since smaller data sets gain nothing from workers." },
};

/** The parameters a training request's grid may vary (the rest keep the defaults above). */
export const gbdtGridParameters = ["numIterations", "learningRate", "numLeaves", "maxDepth", "minDataInLeaf", "lambdaL2", "featureFraction", "baggingFraction", "baggingFreq", "earlyStoppingRounds"] as const;

/** Every problem with `params` (unknown names, wrong types, out-of-domain values); empty when valid. */
export function validateGbdtParams(params: Record<string, unknown>): ParameterProblem[] {
  return checkParameters(gbdtParameterTable, params, "GBDT");
}

export { describeDomain };

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
    resolved[name] = given === undefined ? parameter.default : given;
  }
  return resolved as unknown as GbdtParams;
}

/** The README's parameter table (Markdown), generated from gbdtParameterTable. */
export function gbdtParameterMarkdown(): string {
  const lines = ["| parameter | default | domain | meaning |", "|---|---|---|---|"];
  for (const [name, parameter] of Object.entries(gbdtParameterTable)) {
    const fallback = name === "threads" ? "os.availableParallelism()" : describeDefault(parameter);
    lines.push(`| \`${name}\` | ${fallback} | ${describeDomain(parameter).replace(/\|/g, "\\|")} | ${parameter.doc} |`);
  }
  return lines.join("\n");
}
