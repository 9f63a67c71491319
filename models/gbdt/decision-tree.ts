/**
 * The decision tree (the thesis DT, depth 1..6): the GBDT learner with one
 * tree, learning rate 1 and no shrinkage, so each leaf predicts the mean
 * label of its rows — scikit-learn's DecisionTreeRegressor (squared error)
 * up to binning: thresholds are chosen among at most `maxBin` bin
 * boundaries per feature, exact when a feature has ≤ maxBin distinct values.
 */
import type { Matrix } from "../learner.js";
import { trainGbdt, type GbdtFitControl } from "./booster.js";
import type { GbdtModel } from "./model.js";
import type { GbdtParams } from "./params.js";

export interface DecisionTreeParams {
  /** Depth of the tree, 1..6 (2^maxDepth leaves at most). */
  maxDepth: number;
  /** Minimum rows per leaf (scikit-learn's min_samples_leaf); default 1. */
  minDataInLeaf?: number;
  minGainToSplit?: number;
  maxBin?: number;
  threads?: number;
}

export function trainDecisionTree(x: Matrix, y: Float32Array, params: DecisionTreeParams, control: GbdtFitControl): Promise<GbdtModel> {
  const gbdt: Partial<GbdtParams> = {
    numIterations: 1,
    learningRate: 1,
    numLeaves: 2 ** Math.max(1, Math.min(16, Math.trunc(params.maxDepth) || 1)),
    maxDepth: params.maxDepth,
    minDataInLeaf: params.minDataInLeaf ?? 1,
    minSumHessianInLeaf: 0,
    minGainToSplit: params.minGainToSplit ?? 0,
    maxBin: params.maxBin,
    threads: params.threads,
  };
  return trainGbdt(x, y, gbdt, { ...control, validation: undefined });
}
