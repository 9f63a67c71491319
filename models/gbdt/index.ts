/**
 * The GBDT and decision-tree learners (LightGBM-style, pure TypeScript).
 * Pipeline: params → bin-mapper/dataset → histogram (+ workers) → split-finder
 * → tree-learner → booster, with objective, metric and the model format.
 */
export { trainGbdt, type GbdtFitControl } from "./booster.js";
export { trainDecisionTree, type DecisionTreeParams } from "./decision-tree.js";
export { GbdtModel, GbdtModelFormatError, gbdtModelFormat, gbdtModelFormatVersion, type GbdtModelJson } from "./model.js";
export { gbdtParameterTable, gbdtGridParameters, gbdtParameterMarkdown, validateGbdtParams, resolveGbdtParams, describeDomain, GbdtParameterError, type GbdtParams, type ParameterProblem, type ObjectiveName } from "./params.js";
export { rootMeanSquaredError, rSquared } from "./metric.js";
export { trainGiniTree, type GiniTreeParams } from "./gini-tree.js";
export { GbdtClassifier, trainGbdtClassifier, weightedLogLoss, gbdtClassifierFormat, type GbdtClassifierJson } from "./classifier.js";
