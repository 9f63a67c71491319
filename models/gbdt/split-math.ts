/**
 * The split arithmetic of second-order boosting (Chen & Guestrin 2016,
 * XGBoost, eqs. 5-7; LightGBM feature_histogram.hpp). G and H are the sums
 * of gradients and hessians of the rows in a leaf, λ the L2 penalty.
 */

/** Optimal leaf value −G/(H+λ) (before shrinkage). */
export function leafOutput(sumGradient: number, sumHessian: number, lambdaL2: number): number {
  return -sumGradient / (sumHessian + lambdaL2);
}

/** Loss reduction a leaf achieves with its optimal value (×2): G²/(H+λ). */
export function leafGain(sumGradient: number, sumHessian: number, lambdaL2: number): number {
  return (sumGradient * sumGradient) / (sumHessian + lambdaL2);
}

/** Gain of a split: G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ). For l2 this is the drop in squared error. */
export function splitGain(
  leftGradient: number,
  leftHessian: number,
  rightGradient: number,
  rightHessian: number,
  parentGain: number,
  lambdaL2: number,
): number {
  return leafGain(leftGradient, leftHessian, lambdaL2) + leafGain(rightGradient, rightHessian, lambdaL2) - parentGain;
}
