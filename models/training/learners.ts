/**
 * The learner registry: one entry per learner, behind one interface, so the
 * pipeline does not care which it trains (fit on some rows with early
 * stopping on others, predict rows, serialise). Tabular learners (tree,
 * GBDT, ridge) see a feature matrix; the CNN sees the raw arrays.
 *
 * Each entry's `parameters` (type, domain, default, meaning — read from the
 * learner's own folder) is the one place its hyperparameters are described:
 * the request checks (training/input.ts), the GraphQL grid inputs and typed
 * outputs (schema/Hyperparameters.ts) and the README's table
 * (`skycube hyperparameters`) are generated from it. A new learner is a
 * folder under models/ plus one entry here (README "Adding a learner").
 */
import { trainDecisionTree, trainGbdt, GbdtModel, gbdtGridParameters, gbdtParameterTable, GbdtClassifier, trainGbdtClassifier, trainGiniTree, weightedLogLoss } from "../gbdt/index.js";
import { decisionTreeParameterTable } from "../gbdt/decision-tree.js";
import { CnnModel, cnnParameterTable, loadBackend, resolveCnnParams, trainCnn, trainCnnClassifier } from "../cnn/index.js";
import { checkRidgeParams, fitClassPriors, fitConstant, fitRidge, predictConstant, predictPriors, predictRidge, ridgeParameterTable, type ConstantModel, type PriorsModel, type RidgeModel } from "../linear/index.js";
import { fitLogistic, predictLogistic, type LogisticModel } from "../linear/logistic.js";
import { checkParameters, describeDefault, describeDomain, pickParameters, type Fitted, type FittedClassifier, type Learner, type LearnerData, type LearnerKind, type Matrix } from "../learner.js";
import { arrayInputs, concatColumns, takeRows, type FeatureSpec, type PartData } from "../features/feature-set.js";

/** The data one ensemble member learns from: one or two parts, all galaxies. */
export class MemberData implements LearnerData {
  private matrix: Matrix | undefined;

  constructor(readonly parts: PartData[], readonly spec: FeatureSpec) {}

  get rows(): number {
    return this.parts[0].tabular.rows;
  }

  tabular(rows: readonly number[]): Matrix {
    this.matrix ??= concatColumns(this.parts.map((p) => p.tabular));
    return takeRows(this.matrix, rows);
  }

  arrays(rows: readonly number[]) {
    return arrayInputs(this.parts, rows, this.spec);
  }
}

export type { Fitted, Learner } from "../learner.js";

function labelsOf(labels: Float32Array, rows: readonly number[]): Float32Array {
  return Float32Array.from(rows, (r) => labels[r]);
}

function tabularFitted(model: GbdtModel): Fitted {
  return {
    predict: async (data, rows) => model.predict(data.tabular(rows)),
    serialize: async () => model.toJSON(),
  };
}

const gbdtParameters = pickParameters(gbdtParameterTable, gbdtGridParameters);

function classifierFitted(model: GbdtClassifier): FittedClassifier {
  return {
    predictProbabilities: async (data, rows) => model.predictProbabilities(data.tabular(rows)),
    serialize: async () => model.toJSON(),
  };
}

const gbdt: Learner = {
  kind: "GBDT",
  doc: "Gradient-boosted trees (LightGBM-style, TypeScript, worker threads), early stopping on the validation split.",
  parameters: gbdtParameters,
  defaultFeatures: "ENGINEERED",
  features: ["RAW", "ENGINEERED"],
  check: (params) => checkParameters(gbdtParameters, params, "GBDT"),
  backend: async () => "typescript (worker_threads)",
  async fit(data, train, validation, labels, params, control) {
    const model = await trainGbdt(data.tabular(train), labelsOf(labels, train), { ...params, threads: control.threads }, {
      seed: control.seed,
      signal: control.signal,
      onIteration: control.onIteration,
      validation: { x: data.tabular(validation), y: labelsOf(labels, validation) },
    });
    return tabularFitted(model);
  },
  load: async (saved) => tabularFitted(GbdtModel.fromJSON(saved as never)),
  classifier: {
    doc: "Multi-class softmax boosting (LightGBM's multiclass objective): one tree per class per round, early stopping on the validation galaxies' weighted log loss.",
    async fit(data, train, validation, labels, task, params, control) {
      const model = await trainGbdtClassifier(data.tabular(train), labelsOf(labels, train), task.classCount, task.classWeights, { ...params, threads: control.threads }, {
        seed: control.seed,
        signal: control.signal,
        onIteration: control.onIteration,
        validation: { x: data.tabular(validation), y: labelsOf(labels, validation) },
      });
      return classifierFitted(model);
    },
    load: async (saved) => classifierFitted(GbdtClassifier.fromJSON(saved as never)),
  },
};

const decisionTree: Learner = {
  kind: "DECISION_TREE",
  doc: "One regression tree (the thesis DT), exact splits as scikit-learn's DecisionTreeRegressor.",
  parameters: decisionTreeParameterTable,
  defaultFeatures: "ENGINEERED",
  features: ["RAW", "ENGINEERED"],
  check: (params) => checkParameters(decisionTreeParameterTable, params, "DECISION_TREE"),
  backend: async () => "typescript",
  async fit(data, train, _validation, labels, params, control) {
    return tabularFitted(await trainDecisionTree(data.tabular(train), labelsOf(labels, train), { ...(params as { maxDepth: number }), threads: control.threads }, {
      seed: control.seed,
      signal: control.signal,
      onIteration: control.onIteration,
    }));
  },
  load: async (saved) => tabularFitted(GbdtModel.fromJSON(saved as never)),
  classifier: {
    doc: "One CART tree on the Gini impurity of the class-weighted counts (scikit-learn's DecisionTreeClassifier), exact splits; leaves hold the weighted class fractions.",
    async fit(data, train, _validation, labels, task, params, control) {
      const p = params as { maxDepth: number; minDataInLeaf?: number };
      const model = await trainGiniTree(data.tabular(train), labelsOf(labels, train), task.classCount, task.classWeights, { maxDepth: p.maxDepth, minDataInLeaf: p.minDataInLeaf ?? decisionTreeParameterTable.minDataInLeaf.default }, control);
      return classifierFitted(model);
    },
    load: async (saved) => classifierFitted(GbdtClassifier.fromJSON(saved as never)),
  },
};

function cnnFitted(model: CnnModel): Fitted {
  const gated = model.spec.params.fusion === "gated";
  return {
    predict: (data, rows) => model.predict(data.arrays(rows)),
    ...(gated ? { gateWeights: async (data: LearnerData, rows: readonly number[]) => Float64Array.from((await model.gateWeights(data.arrays(rows)))!) } : {}),
    async serialize() {
      const saved = await model.save();
      return { ...saved, weights: Buffer.from(saved.weights).toString("base64") };
    },
  };
}

async function loadCnn(saved: unknown): Promise<CnnModel> {
  await loadBackend();
  const s = saved as { weights: string };
  return CnnModel.load({ ...(saved as object), weights: new Uint8Array(Buffer.from(s.weights, "base64")) } as never);
}

function cnnClassifierFitted(model: CnnModel): FittedClassifier {
  return {
    predictProbabilities: (data, rows) => model.predictProbabilities(data.arrays(rows)),
    async serialize() {
      const saved = await model.save();
      return { ...saved, weights: Buffer.from(saved.weights).toString("base64") };
    },
  };
}

const cnn: Learner = {
  kind: "CNN",
  doc: "Convolutional network (TensorFlow.js): 2-D on images, 1-D on spectra, two branches for early fusion.",
  parameters: cnnParameterTable,
  defaultFeatures: "RAW",
  features: ["RAW"],
  check: (params) => resolveCnnParams(params).problems,
  backend: () => loadBackend(),
  async fit(data, train, validation, labels, params, control) {
    await loadBackend();
    const model = await trainCnn(data.arrays(train), labelsOf(labels, train), params as never, {
      ...control,
      validation: { x: data.arrays(validation), y: labelsOf(labels, validation) },
    });
    return cnnFitted(model);
  },
  load: async (saved) => cnnFitted(await loadCnn(saved)),
  classifier: {
    doc: "The same network with a K-wide head (class logits, softmax) trained on the class-weighted cross-entropy, early stopping on the validation galaxies' weighted log loss; one thread.",
    async fit(data, train, validation, labels, task, params, control) {
      await loadBackend();
      const model = await trainCnnClassifier(data.arrays(train), labelsOf(labels, train), task, params as never, {
        ...control,
        validation: { x: data.arrays(validation), y: labelsOf(labels, validation) },
      });
      return cnnClassifierFitted(model);
    },
    load: async (saved) => cnnClassifierFitted(await loadCnn(saved)),
  },
};

function rmseOf(labels: Float32Array, rows: readonly number[], predicted: Float64Array): number {
  let s = 0;
  rows.forEach((r, i) => (s += (labels[r] - predicted[i]) ** 2));
  return Math.sqrt(s / Math.max(1, rows.length));
}

function constantFitted(model: ConstantModel): Fitted {
  return { predict: async (_data, rows) => predictConstant(model, rows.length), serialize: async () => ({ ...model }) };
}

/** Reference: the training median, whatever the features (one "iteration", reported for the curves). */
const constant: Learner = {
  kind: "CONSTANT",
  doc: "Reference: the median label of the training galaxies, whatever the features (\"knowing nothing\").",
  parameters: {},
  defaultFeatures: "ENGINEERED",
  features: ["RAW", "ENGINEERED"],
  check: (params) => checkParameters({}, params, "CONSTANT"),
  backend: async () => "typescript",
  async fit(_data, train, validation, labels, _params, control) {
    control.signal?.throwIfAborted();
    const model = fitConstant(labelsOf(labels, train));
    const fitted = constantFitted(model);
    control.onIteration?.({ iteration: 1, train: rmseOf(labels, train, predictConstant(model, train.length)), validation: validation.length ? rmseOf(labels, validation, predictConstant(model, validation.length)) : undefined });
    control.signal?.throwIfAborted();
    return fitted;
  },
  load: async (saved) => constantFitted(saved as ConstantModel),
  classifier: {
    doc: "Reference: the training galaxies' class frequencies (priors) for every galaxy, unweighted.",
    async fit(_data, train, _validation, labels, task, _params, control) {
      control.signal?.throwIfAborted();
      const model = fitClassPriors(labelsOf(labels, train), task.classCount);
      const y = labelsOf(labels, train);
      control.onIteration?.({ iteration: 1, train: weightedLogLoss(y, predictPriors(model, train.length), task.classCount, Float64Array.from(y, (c) => task.classWeights[c])) });
      return priorsFitted(model);
    },
    load: async (saved) => priorsFitted(saved as PriorsModel),
  },
};

function priorsFitted(model: PriorsModel): FittedClassifier {
  return { predictProbabilities: async (_data, rows) => predictPriors(model, rows.length), serialize: async () => ({ ...model }) };
}

function ridgeFitted(model: RidgeModel): Fitted {
  return { predict: async (data, rows) => predictRidge(model, data.tabular(rows)), serialize: async () => ({ ...model }) };
}

/** Reference: ridge least squares on the feature matrix (NaN → training median, standardised columns). */
const linear: Learner = {
  kind: "LINEAR",
  doc: "Reference: ridge least squares on standardised features, NaN → training median; at most 1,024 columns.",
  parameters: ridgeParameterTable,
  defaultFeatures: "ENGINEERED",
  features: ["RAW", "ENGINEERED"],
  check: (params) => checkRidgeParams(params),
  backend: async () => "typescript",
  async fit(data, train, validation, labels, params, control) {
    control.signal?.throwIfAborted();
    const model = fitRidge(data.tabular(train), labelsOf(labels, train), Number(params.lambdaL2 ?? ridgeParameterTable.lambdaL2.default));
    control.onIteration?.({
      iteration: 1,
      train: rmseOf(labels, train, predictRidge(model, data.tabular(train))),
      validation: validation.length ? rmseOf(labels, validation, predictRidge(model, data.tabular(validation))) : undefined,
    });
    control.signal?.throwIfAborted();
    return ridgeFitted(model);
  },
  load: async (saved) => ridgeFitted(saved as RidgeModel),
  classifier: {
    doc: "Multinomial logistic regression on the same standardised features, L2 penalty lambdaL2 on the weights (scikit-learn's LogisticRegression, C = 1/lambdaL2), by L-BFGS.",
    async fit(data, train, validation, labels, task, params, control) {
      control.signal?.throwIfAborted();
      const y = labelsOf(labels, train);
      const weights = Float64Array.from(y, (c) => task.classWeights[c]);
      const model = fitLogistic(data.tabular(train), y, task.classCount, weights, Number(params.lambdaL2 ?? ridgeParameterTable.lambdaL2.default));
      const lossOn = (rows: readonly number[]) => {
        const truth = labelsOf(labels, rows);
        return weightedLogLoss(truth, predictLogistic(model, data.tabular(rows)), task.classCount, Float64Array.from(truth, (c) => task.classWeights[c]));
      };
      control.onIteration?.({ iteration: 1, train: lossOn(train), validation: validation.length ? lossOn(validation) : undefined });
      control.signal?.throwIfAborted();
      return logisticFitted(model);
    },
    load: async (saved) => logisticFitted(saved as LogisticModel),
  },
};

function logisticFitted(model: LogisticModel): FittedClassifier {
  return { predictProbabilities: async (data, rows) => predictLogistic(model, data.tabular(rows)), serialize: async () => ({ ...model }) };
}

/** The registry, in the order the README and the GraphQL inputs list the learners. */
export const learners: Record<LearnerKind, Learner> = { DECISION_TREE: decisionTree, GBDT: gbdt, CNN: cnn, CONSTANT: constant, LINEAR: linear };

/** The README's hyperparameter table (Markdown), generated from the registry: `skycube hyperparameters` prints it. */
export function hyperparameterMarkdown(): string {
  const lines = ["| learner | parameter | type | default | domain | meaning |", "|---|---|---|---|---|---|"];
  for (const learner of Object.values(learners)) {
    const entries = Object.entries(learner.parameters);
    if (entries.length === 0) lines.push(`| \`${learner.kind}\` | — | | | | no hyperparameters |`);
    for (const [name, p] of entries) {
      const cell = (text: string) => text.replace(/\|/g, "\\|");
      lines.push(`| \`${learner.kind}\` | \`${name}\` | ${p.type} | ${cell(describeDefault(p))} | ${cell(describeDomain(p))} | ${cell(p.option ? `${p.doc} Set with the run's \`${p.option}\` field, not in a grid.` : p.doc)} |`);
    }
  }
  return lines.join("\n");
}
