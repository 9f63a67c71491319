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
import { GbdtParameterError, validateGbdtParams, type GbdtParams } from "./params.js";

export interface DecisionTreeParams {
  /** Depth of the tree, 1..6 (2^maxDepth leaves at most). */
  maxDepth: number;
  /** Minimum rows per leaf (scikit-learn's min_samples_leaf); default 1. */
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

/** Deepest tree trainDecisionTree accepts (the thesis uses 1..6). */
export const maxDecisionTreeDepth = 16;

/** Trains one regression tree; throws GbdtParameterError listing every bad parameter. */
export async function trainDecisionTree(x: Matrix, y: Float32Array, params: DecisionTreeParams, control: GbdtFitControl): Promise<GbdtModel> {
  const depth = params.maxDepth;
  if (!Number.isInteger(depth) || depth < 1 || depth > maxDecisionTreeDepth) {
    const problems = [{ argument: "maxDepth", message: `must be an integer in [1, ${maxDecisionTreeDepth}]` }];
    const { maxDepth: _, exactThresholds: __, ...rest } = params;
    problems.push(...validateGbdtParams(rest));
    throw new GbdtParameterError(problems);
  }
  const gbdt: Partial<GbdtParams> = {
    numIterations: 1,
    learningRate: 1,
    numLeaves: 2 ** depth,
    maxDepth: params.maxDepth,
    minDataInLeaf: params.minDataInLeaf ?? 1,
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
