/**
 * Losses the booster minimises, as LightGBM's ObjectiveFunction: the first
 * and second derivatives of the loss in the score, the constant score to
 * start from (boost_from_average), and optionally a better leaf value than
 * the Newton step −G/(H+λ) (RenewTreeOutput).
 */
import type { GbdtParams, ObjectiveName } from "./params.js";

export interface Objective {
  name: ObjectiveName;
  /** The best constant prediction. */
  initScore(labels: Float32Array): number;
  /** d loss / d score and d² loss / d score² per row. */
  gradients(labels: Float32Array, scores: Float64Array, gradients: Float64Array, hessians: Float64Array): void;
  /** Set when every row's hessian is this number (histograms then skip summing hessians). */
  constantHessian?: number;
  /** The leaf value (before shrinkage) from the residuals label − score of the leaf's rows. */
  renewLeafValue?(residuals: Float64Array): number;
}

/** Squared error ½(score − label)²: g = score − label, h = 1. */
export const l2Objective: Objective = {
  name: "l2",
  constantHessian: 1,
  initScore(labels) {
    let sum = 0;
    for (let i = 0; i < labels.length; i++) sum += labels[i];
    return sum / labels.length;
  },
  gradients(labels, scores, gradients, hessians) {
    for (let i = 0; i < labels.length; i++) {
      gradients[i] = scores[i] - labels[i];
      hessians[i] = 1;
    }
  },
};

/**
 * Pinball loss at quantile α: g = 1 − α when score >= label, −α otherwise,
 * h = 1 (LightGBM's RegressionQuantileloss); leaves take the α-quantile of
 * their residuals, the start score the α-quantile of the labels.
 */
export function quantileObjective(alpha: number): Objective {
  return {
    name: "quantile",
    constantHessian: 1,
    initScore: (labels) => quantile(Float64Array.from(labels), alpha),
    gradients(labels, scores, gradients, hessians) {
      for (let i = 0; i < labels.length; i++) {
        gradients[i] = scores[i] - labels[i] >= 0 ? 1 - alpha : -alpha;
        hessians[i] = 1;
      }
    },
    renewLeafValue: (residuals) => quantile(residuals, alpha),
  };
}

/** Linear-interpolated α-quantile (sorts `values` in place). */
export function quantile(values: Float64Array, alpha: number): number {
  if (values.length === 0) return 0;
  values.sort();
  const position = alpha * (values.length - 1);
  const low = Math.floor(position);
  const high = Math.min(values.length - 1, low + 1);
  return values[low] + (values[high] - values[low]) * (position - low);
}

export const objectives: { readonly [K in ObjectiveName]: (params: GbdtParams) => Objective } = {
  l2: () => l2Objective,
  quantile: (params) => quantileObjective(params.alpha),
};
