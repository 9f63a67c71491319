/**
 * The decision tree (the thesis DT, depth 1..6): the GBDT learner with one
 * tree, learning rate 1 and no shrinkage, so each leaf predicts the mean
 * label of its rows — scikit-learn's DecisionTreeRegressor (squared error)
 * up to tie-breaking: leaves of at most 4,096 rows (tree-learner's
 * exactSplitRows) are split by an exact search over every raw value of every
 * feature without missing values; bigger leaves pick the feature and bin
 * from histograms of at most `maxBin` bins, then refine the threshold among
 * the raw values in the two bins around it (exact when a feature has
 * ≤ maxBin distinct values).
 */
import type { Matrix } from "../learner.js";
import { boost, type GbdtFitControl } from "./booster.js";
import type { GbdtModel } from "./model.js";
import { checkParameters, type ParameterTable } from "../learner.js";
import { GbdtParameterError, validateGbdtParams, type GbdtParams } from "./params.js";

/** The decision tree's hyperparameters (the thesis DT): the learner registry's DECISION_TREE entry reads them from here. */
export const decisionTreeParameterTable = {
  maxDepth: { type: "integer", default: 6, min: 1, max: 6, doc: "Depth of the tree (at most 2^maxDepth leaves); the thesis uses 1..6." },
  minDataInLeaf: { type: "integer", default: 5, min: 1, max: 1_000_000_000, doc: "Fewest training rows in a leaf (scikit-learn's min_samples_leaf)." },
} as const satisfies ParameterTable;

export interface DecisionTreeParams {
  /** Depth of the tree, 1..6 (2^maxDepth leaves at most). */
  maxDepth: number;
  /** Minimum rows per leaf (scikit-learn's min_samples_leaf); default decisionTreeParameterTable's. */
  minDataInLeaf?: number;
  minGainToSplit?: number;
  maxBin?: number;
  threads?: number;
  /**
   * Search small leaves exactly over raw values, and refine big leaves'
   * splits to the best cut between the raw values of the rows in the two
   * bins around the binned threshold (default true): scikit-learn's exact
   * search where 255 bins are coarse.
   */
  exactThresholds?: boolean;
}

/** Trains one regression tree; throws GbdtParameterError listing every bad parameter. */
export async function trainDecisionTree(x: Matrix, y: Float32Array, params: DecisionTreeParams, control: GbdtFitControl): Promise<GbdtModel> {
  const { maxDepth, minDataInLeaf, exactThresholds: _, ...rest } = params;
  const problems = [...checkParameters(decisionTreeParameterTable, { maxDepth, minDataInLeaf }, "DECISION_TREE"), ...validateGbdtParams(rest)];
  if (maxDepth === undefined) problems.unshift({ argument: "maxDepth", message: "is required" });
  if (problems.length > 0) throw new GbdtParameterError(problems);
  const gbdt: Partial<GbdtParams> = {
    numIterations: 1,
    learningRate: 1,
    numLeaves: 2 ** maxDepth,
    maxDepth: params.maxDepth,
    minDataInLeaf: params.minDataInLeaf ?? decisionTreeParameterTable.minDataInLeaf.default,
    minSumHessianInLeaf: 0,
    minGainToSplit: params.minGainToSplit ?? 0,
    maxBin: params.maxBin,
    threads: params.threads,
  };
  return boost(x, y, gbdt, { ...control, validation: undefined }, {
    exactThresholds: params.exactThresholds ?? true,
    // Every distinct value its own bin where there are few (scikit-learn considers every cut).
    minDataInBin: 1,
  });
}
