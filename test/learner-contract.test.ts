/**
 * One contract over every learner the training pipeline can use (the
 * `learners` registry: decision tree, GBDT, CNN), and a finite-difference
 * check of every GBDT objective's gradient and hessian:
 * same seed → identical model and predictions; save → load → identical
 * predictions; an abort stops within one iteration (GBDT round, CNN batch);
 * NaN (masked) inputs give finite predictions, as documented (trees route
 * NaN to a learned side, the CNN fills them and adds a mask channel).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BAND_COUNT } from "../cube/layout.js";
import { imageSize } from "../cube/zoom.js";
import type { FeatureSpec, PartData } from "../models/features/feature-set.js";
import { objectives } from "../models/gbdt/objective.js";
import { resolveGbdtParams, type ObjectiveName } from "../models/gbdt/params.js";
import { expandGrid, type Hyperparameters, type LearnerKind } from "../models/training/input.js";
import { learners, MemberData } from "../models/training/learners.js";
import { Random } from "../random/random.js";

const mulberry = (seed: number) => {
  const r = new Random(seed);
  return () => r.next();
};

const SPEC: FeatureSpec = { modality: "IMAGE", features: "RAW", imageZoom: 4, spectrumZoom: 4 };
const ROWS = 64;
const SMALL: Record<LearnerKind, Hyperparameters> = {
  DECISION_TREE: { maxDepth: 3, minDataInLeaf: 3 },
  GBDT: { numIterations: 15, minDataInLeaf: 3, numLeaves: 7, earlyStoppingRounds: 0 },
  CNN: { epochs: 3, filters: 4, batchSize: 16, patience: 0 },
  CONSTANT: {},
  LINEAR: { lambdaL2: 0.5 },
};

/** Five-band 4 × 4 images whose mean brightness sets the label; `nanRows` have NaN pixels. */
function dataset(seed: number, nanRows: number[] = []): { data: MemberData; labels: Float32Array } {
  const random = mulberry(seed);
  const width = BAND_COUNT * imageSize(SPEC.imageZoom) ** 2;
  const raw = new Float32Array(ROWS * width);
  const labels = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    const brightness = random() * 2;
    let sum = 0;
    for (let i = 0; i < width; i++) {
      const v = brightness + 0.3 * (random() - 0.5);
      raw[r * width + i] = v;
      sum += v;
    }
    labels[r] = sum / width + 0.05 * (random() - 0.5);
  }
  for (const r of nanRows) for (let i = 0; i < width; i += r % 2 === 0 ? 1 : 3) raw[r * width + i] = NaN;
  const part: PartData = { part: "image", raw, tabular: { rows: ROWS, cols: width, values: raw } };
  return { data: new MemberData([part], SPEC), labels };
}

const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const train = rows(0, 44);
const validation = rows(44, 54);
const held = rows(54, 64);
const paramsOf = (kind: LearnerKind) => ({ ...expandGrid(kind, {})[0], ...SMALL[kind] });

for (const kind of Object.keys(learners) as LearnerKind[]) {
  const learner = learners[kind];
  describe(`learner contract: ${kind}`, () => {
    it("accepts its own defaults", () => {
      assert.deepEqual(learner.check(paramsOf(kind)), []);
    });

    it("gives the same model and predictions for the same seed", async () => {
      const { data, labels } = dataset(1);
      const a = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 7 });
      const b = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 7 });
      assert.deepEqual(await b.predict(data, held), await a.predict(data, held));
      assert.deepEqual(await b.serialize(), await a.serialize());
    });

    it("trains on the threads it is given: 2 threads predict as 1 does, within 1e-4 of the label", async () => {
      const { data, labels } = dataset(4);
      const one = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 3, threads: 1 });
      const two = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 3, threads: 2 });
      const [a, b] = [await one.predict(data, held), await two.predict(data, held)];
      a.forEach((value, i) => assert.ok(Math.abs(value - b[i]) <= 1e-4, `row ${held[i]}: ${value} vs ${b[i]}`));
      if (kind === "CNN") {
        const spec = (saved: unknown) => (saved as { spec: { training: { threads: number } } }).spec.training.threads;
        assert.deepEqual([spec(await one.serialize()), spec(await two.serialize())], [1, 2], "the CNN learner passes its threads to trainCnn");
      }
    });

    it("predicts the same after save and load", async () => {
      const { data, labels } = dataset(2);
      const fitted = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 3 });
      const saved = JSON.parse(JSON.stringify(await fitted.serialize()));
      const loaded = await learner.load(saved);
      assert.deepEqual(await loaded.predict(data, held), await fitted.predict(data, held));
    });

    it("stops within one iteration of an abort, with an AbortError", async () => {
      const { data, labels } = dataset(3);
      const before = new AbortController();
      before.abort();
      let reported = 0;
      await assert.rejects(learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 1, signal: before.signal, onIteration: () => reported++ }), { name: "AbortError" });
      assert.equal(reported, 0, "an aborted signal trains nothing");
      if (kind === "DECISION_TREE") return; // one tree: nothing to stop half-way
      const during = new AbortController();
      let after = 0;
      await assert.rejects(
        learner.fit(data, train, validation, labels, paramsOf(kind), {
          seed: 1,
          signal: during.signal,
          onIteration: () => {
            if (during.signal.aborted) after++;
            during.abort();
          },
        }),
        { name: "AbortError" },
      );
      assert.ok(after <= 1, `${after} iterations reported after the abort`);
    });

    it("gives finite predictions for rows with missing (NaN) inputs", async () => {
      const { data, labels } = dataset(4, [54, 55, 56, 57]);
      const fitted = await learner.fit(data, train, validation, labels, paramsOf(kind), { seed: 2 });
      const predicted = await fitted.predict(data, held);
      for (const v of predicted) assert.ok(Number.isFinite(v), String(predicted));
    });
  });
}

/** The losses the objectives differentiate, per row. */
const losses: Record<ObjectiveName, (label: number, score: number, alpha: number) => number> = {
  l2: (y, s) => 0.5 * (s - y) ** 2,
  quantile: (y, s, alpha) => (y >= s ? alpha * (y - s) : (1 - alpha) * (s - y)),
};

describe("objective contract: gradients and hessians against finite differences", () => {
  for (const name of Object.keys(objectives) as ObjectiveName[]) {
    it(`${name}: g = dL/ds and h = d²L/ds² (quantile: LightGBM's constant surrogate h = 1 where the true d²L/ds² is 0)`, () => {
      const alpha = 0.3;
      const objective = objectives[name](resolveGbdtParams({ objective: name, alpha }));
      const random = mulberry(11);
      const n = 200;
      const labels = Float32Array.from({ length: n }, () => random() * 4 - 2);
      // Scores kept 0.01 away from the labels: the pinball loss has a kink at s = y.
      const scores = Float64Array.from(labels, (y) => y + (random() < 0.5 ? -1 : 1) * (0.01 + random()));
      const g = new Float64Array(n);
      const h = new Float64Array(n);
      objective.gradients(labels, scores, g, h);
      const step = 1e-4;
      for (let i = 0; i < n; i++) {
        const loss = (s: number) => losses[name](labels[i], s, alpha);
        const fdGradient = (loss(scores[i] + step) - loss(scores[i] - step)) / (2 * step);
        const fdHessian = (loss(scores[i] + step) - 2 * loss(scores[i]) + loss(scores[i] - step)) / step ** 2;
        assert.ok(Math.abs(g[i] - fdGradient) < 1e-6, `${name} row ${i}: g ${g[i]} vs ${fdGradient}`);
        if (name === "quantile") {
          assert.ok(Math.abs(fdHessian) < 1e-3, `${name}: the true second derivative is 0 away from the kink`);
          assert.equal(h[i], 1);
        } else {
          assert.ok(Math.abs(h[i] - fdHessian) < 1e-3, `${name} row ${i}: h ${h[i]} vs ${fdHessian}`);
        }
      }
    });
  }
});
