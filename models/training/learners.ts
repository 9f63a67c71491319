/**
 * One interface over the three learners, so the pipeline does not care
 * which it trains: fit on some rows with early stopping on others, predict
 * rows, serialise. Tabular learners (tree, GBDT) see a feature matrix; the
 * CNN sees the raw arrays.
 */
import { trainDecisionTree, trainGbdt, GbdtModel, validateGbdtParams } from "../gbdt/index.js";
import { CnnModel, loadBackend, resolveCnnParams, trainCnn } from "../cnn/index.js";
import type { Fitted, Learner, LearnerData, Matrix } from "../learner.js";
import { arrayInputs, concatColumns, takeRows, type FeatureSpec, type PartData } from "../features/feature-set.js";
import type { LearnerKind } from "./input.js";

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

const gbdt: Learner = {
  kind: "GBDT",
  check: (params) => validateGbdtParams(params),
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
};

const decisionTree: Learner = {
  kind: "DECISION_TREE",
  check: (params) => validateGbdtParams(params),
  backend: async () => "typescript",
  async fit(data, train, _validation, labels, params, control) {
    return tabularFitted(await trainDecisionTree(data.tabular(train), labelsOf(labels, train), { ...(params as { maxDepth: number }), threads: control.threads }, {
      seed: control.seed,
      signal: control.signal,
      onIteration: control.onIteration,
    }));
  },
  load: async (saved) => tabularFitted(GbdtModel.fromJSON(saved as never)),
};

function cnnFitted(model: CnnModel): Fitted {
  return {
    predict: (data, rows) => model.predict(data.arrays(rows)),
    async serialize() {
      const saved = await model.save();
      return { ...saved, weights: Buffer.from(saved.weights).toString("base64") };
    },
  };
}

const cnn: Learner = {
  kind: "CNN",
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
  async load(saved) {
    await loadBackend();
    const s = saved as { weights: string };
    return cnnFitted(await CnnModel.load({ ...(saved as object), weights: new Uint8Array(Buffer.from(s.weights, "base64")) } as never));
  },
};

export const learners: Record<LearnerKind, Learner> = { DECISION_TREE: decisionTree, GBDT: gbdt, CNN: cnn };
