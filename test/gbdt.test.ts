/**
 * The GBDT and decision tree through their public surface (models/gbdt):
 * parameter validation, determinism across seeds and thread counts, the
 * JSON model format, missing values, early stopping, cancellation, the
 * quantile objective and feature importance. Accuracy against LightGBM and
 * scikit-learn is in gbdt-reference.test.ts.
 */
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  GbdtModel,
  GbdtModelFormatError,
  GbdtParameterError,
  gbdtParameterMarkdown,
  rSquared,
  trainDecisionTree,
  trainGbdt,
  validateGbdtParams,
  type GbdtParams,
} from "../models/gbdt/index.js";
import { findBinMapper, valueToBin } from "../models/gbdt/bin-mapper.js";
import { boost, participantCount } from "../models/gbdt/booster.js";
import { Float32Argsort } from "../models/gbdt/radix-sort.js";
import { leafGain, leafOutput, splitGain } from "../models/gbdt/split-math.js";
import type { IterationReport } from "../models/learner.js";
import { splitRows, syntheticRegression } from "./support/gbdt-data.js";

const small = syntheticRegression({ rows: 1500, cols: 20, seed: 11 });
const [train, test] = splitRows(small, 1000);
// The library's defaults before they became the served learner's (500 rounds, 0.05, early stopping 30): these tests were tuned on them.
const quick: Partial<GbdtParams> = { numIterations: 30, learningRate: 0.1, earlyStoppingRounds: 0, numLeaves: 15, threads: 1 };

describe("GBDT parameters", () => {
  it("lists every bad parameter with what to change", () => {
    const problems = validateGbdtParams({ numLeaves: 1, learningRate: 0, maxBin: 300, objective: "huber", maxDepth: 0, numIterations: 2.5, bogus: 1 });
    const byArgument = new Map(problems.map((p) => [p.argument, p.message]));
    assert.deepEqual([...byArgument.keys()].sort(), ["bogus", "learningRate", "maxBin", "maxDepth", "numIterations", "numLeaves", "objective"]);
    assert.match(byArgument.get("maxBin")!, /\[2, 255\]/);
    assert.match(byArgument.get("objective")!, /l2, quantile/);
    assert.match(byArgument.get("maxDepth")!, /or -1/);
    assert.match(byArgument.get("numIterations")!, /integer/);
  });

  it("accepts the defaults and maxDepth -1", () => {
    assert.deepEqual(validateGbdtParams({ maxDepth: -1, threads: 2, objective: "quantile", alpha: 0.9 }), []);
  });

  it("rejects a training run with bad parameters or mismatched labels before training", async () => {
    await assert.rejects(
      trainGbdt(train.x, train.y.slice(1), { numLeaves: 0, earlyStoppingRounds: 5 }, { seed: 1 }),
      (error: unknown) => {
        assert.ok(error instanceof GbdtParameterError);
        assert.deepEqual(error.problems.map((p) => p.argument).sort(), ["numLeaves"]);
        return true;
      },
    );
    await assert.rejects(trainGbdt(train.x, train.y.slice(1), { earlyStoppingRounds: 5 }, { seed: 1 }), (error: unknown) => {
      assert.ok(error instanceof GbdtParameterError);
      assert.deepEqual(error.problems.map((p) => p.argument).sort(), ["earlyStoppingRounds", "y"]);
      return true;
    });
  });
});

describe("GBDT split maths and bins", () => {
  it("uses −G/(H+λ) for leaves and the l2 drop in squared error as gain", () => {
    assert.equal(leafOutput(-6, 3, 0), 2);
    assert.equal(leafOutput(-6, 2, 1), 2);
    assert.equal(leafGain(-6, 3, 0), 12);
    // Labels [1, 1, 5, 5] around a score of 0 split in two: SSE drops from 16 (around the mean 3) to 0.
    const y = [1, 1, 5, 5];
    const g = y.map((v) => -v);
    const gain = splitGain(g[0] + g[1], 2, g[2] + g[3], 2, leafGain(g.reduce((a, b) => a + b), 4, 0), 0);
    assert.equal(gain, 16);
  });

  it("gives each distinct value its own bin when there are few (minDataInBin 1), with midpoints as bounds, and a bin for NaN", () => {
    const mapper = findBinMapper(Float64Array.from([3, 1, 2, 2, NaN, 1]), 255, 1);
    // LightGBM's layout: a bin for zero (empty here), then one per distinct value.
    assert.equal(mapper.upperBounds.length, 4);
    assert.ok(mapper.upperBounds[1] > 1.5 && mapper.upperBounds[1] < 1.5 + 1e-12, `${mapper.upperBounds[1]}`);
    assert.equal(mapper.upperBounds[3], Infinity);
    assert.equal(mapper.hasMissing, true);
    assert.deepEqual([0, 1, 1.5, 2, 3, 1e9, NaN].map((v) => valueToBin(mapper, v)), [0, 1, 1, 2, 3, 3, 4]);
  });

  it("merges distinct values into bins of at least minDataInBin rows (LightGBM's default 3) and keeps negatives, zero and positives apart", () => {
    const mapper = findBinMapper(Float64Array.from([-2, -1, -1, -1, 0, 0, 1, 2, 2, 3, 3, 3]), 255);
    // Negatives: -2 alone has 1 row, so -2 and -1 share a bin; zeros alone; 1 and 2 fill one bin (3 rows), 3 the last.
    assert.deepEqual([-2, -1, 0, 1, 2, 3].map((v) => valueToBin(mapper, v)), [0, 0, 1, 2, 2, 3]);
    assert.equal(mapper.upperBounds.length, 4);
  });

  it("argsorts Float32 values by radix sort: numeric order, -Infinity first, NaN last, stable", () => {
    const values = Float32Array.from([3.5, NaN, -2, 0, -Infinity, 1e-30, -1e-30, 3.5, Infinity, -0]);
    const order = new Float32Argsort(values.length).sort(values, values.length);
    // -0 sorts just before 0 (equal values, so binning is unaffected).
    assert.deepEqual([...order], [4, 2, 6, 9, 3, 5, 0, 7, 8, 1]);
  });

  it("cuts many distinct values into at most maxBin bins of similar counts", () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 100);
    const mapper = findBinMapper(values, 64);
    assert.ok(mapper.upperBounds.length <= 64 && mapper.upperBounds.length >= 60, `${mapper.upperBounds.length} bins`);
    const counts = new Array(mapper.upperBounds.length).fill(0);
    for (const v of values) counts[valueToBin(mapper, v)]++;
    assert.ok(Math.max(...counts) <= 2 * (10_000 / 64), `largest bin ${Math.max(...counts)}`);
  });
});

describe("GBDT training", () => {
  it("learns the synthetic target (held-out R² > 0.7)", async () => {
    const model = await trainGbdt(train.x, train.y, { numIterations: 100, learningRate: 0.1, threads: 1 }, { seed: 1 });
    const r2 = rSquared(test.y, model.predict(test.x));
    assert.ok(r2 > 0.7, `R² ${r2}`);
    assert.equal(model.bestIteration, 100);
  });

  it("gives identical models with 1 and 2 threads, with bagging and feature subsampling", async () => {
    // 1,000 x 1,000 values: enough for two threads (participantCount).
    const wide = syntheticRegression({ rows: 1200, cols: 1000, seed: 12, missing: 0.05 });
    const [wideTrain, wideTest] = splitRows(wide, 1000);
    assert.equal(participantCount(2, wideTrain.x.rows, wideTrain.x.cols), 2);
    const params: Partial<GbdtParams> = { ...quick, numIterations: 15, baggingFraction: 0.7, baggingFreq: 2, featureFraction: 0.6 };
    const one = await trainGbdt(wideTrain.x, wideTrain.y, { ...params, threads: 1 }, { seed: 5 });
    const two = await trainGbdt(wideTrain.x, wideTrain.y, { ...params, threads: 2 }, { seed: 5 });
    assert.deepEqual(two.predict(wideTest.x), one.predict(wideTest.x));
    assert.deepEqual({ ...two.toJSON(), params: null }, { ...one.toJSON(), params: null });
  });

  it("gives the same trees when the histogram pool holds only two leaves (rebuilding instead of subtracting)", async () => {
    const params: Partial<GbdtParams> = { ...quick, numLeaves: 31, minDataInLeaf: 5 };
    const full = await trainGbdt(train.x, train.y, params, { seed: 1 });
    const tiny = await boost(train.x, train.y, params, { seed: 1 }, { histogramPoolBytes: 1 });
    const a = full.predict(test.x);
    const b = tiny.predict(test.x);
    assert.deepEqual(tiny.trees.map((t) => t.splitFeature), full.trees.map((t) => t.splitFeature));
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-9, `row ${i}: ${a[i]} vs ${b[i]}`);
  });

  it("gives the same model for the same seed and a different one for another seed", async () => {
    const params: Partial<GbdtParams> = { ...quick, baggingFraction: 0.5, baggingFreq: 1, featureFraction: 0.5 };
    const a = await trainGbdt(train.x, train.y, params, { seed: 3 });
    const b = await trainGbdt(train.x, train.y, params, { seed: 3 });
    const c = await trainGbdt(train.x, train.y, params, { seed: 4 });
    assert.deepEqual(b.toJSON(), a.toJSON());
    assert.notDeepEqual(c.predict(test.x), a.predict(test.x));
  });

  it("predicts the training rows as the booster scored them (raw thresholds agree with the bins)", async () => {
    const reports: IterationReport[] = [];
    const model = await trainGbdt(train.x, train.y, { ...quick, baggingFraction: 0.6, baggingFreq: 1 }, { seed: 2, onIteration: (r) => reports.push(r) });
    const predictions = model.predict(train.x);
    let squares = 0;
    for (let i = 0; i < train.y.length; i++) squares += (predictions[i] - train.y[i]) ** 2;
    assert.equal(reports.length, 30);
    assert.ok(Math.abs(Math.sqrt(squares / train.y.length) - reports[29].train) < 1e-9);
  });

  it("round-trips through JSON text with identical predictions, and rejects broken models", async () => {
    const data = syntheticRegression({ rows: 800, cols: 10, seed: 4, missing: 0.1 });
    const model = await trainGbdt(data.x, data.y, quick, { seed: 1 });
    const text = JSON.stringify(model);
    const parsed = JSON.parse(text);
    assert.equal(parsed.format, "skycube-gbdt");
    assert.equal(parsed.formatVersion, 1);
    const back = GbdtModel.fromJSON(text);
    assert.deepEqual(back.predict(data.x), model.predict(data.x));
    assert.deepEqual(back.featureImportance(), model.featureImportance());

    const broken = JSON.parse(text);
    broken.formatVersion = 99;
    broken.trees[0].splitFeature[0] = 10;
    broken.trees[1].leftChild[0] = 0;
    assert.throws(() => GbdtModel.fromJSON(broken), (error: unknown) => {
      assert.ok(error instanceof GbdtModelFormatError);
      assert.match(error.message, /formatVersion 99/);
      return true;
    });
    broken.formatVersion = 1;
    assert.throws(() => GbdtModel.fromJSON(broken), (error: unknown) => {
      assert.ok(error instanceof GbdtModelFormatError);
      assert.deepEqual(error.problems, ["trees[0].splitFeature[0] must be a column in [0, 10)", "trees[1] node 0 has a child out of range"]);
      return true;
    });
    assert.throws(() => model.predict({ rows: 1, cols: 3, values: new Float32Array(3) }), /expects 10 feature columns/);
  });

  it("learns where missing values go, and predicts rows with NaN", async () => {
    // Feature 0 decides the label; where it is missing the label is high.
    const rows = 2000;
    const values = new Float32Array(rows * 2);
    const y = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      const v = (row % 100) / 100;
      values[row * 2] = row % 5 === 0 ? NaN : v;
      values[row * 2 + 1] = (row * 7919) % 13;
      y[row] = row % 5 === 0 ? 10 : v < 0.5 ? 0 : 1;
    }
    const model = await trainGbdt({ rows, cols: 2, values }, y, { numIterations: 50, learningRate: 0.1, threads: 1 }, { seed: 1 });
    const predictions = model.predict({ rows: 3, cols: 2, values: Float32Array.from([NaN, 3, 0.2, NaN, 0.8, NaN]) });
    assert.ok(Math.abs(predictions[0] - 10) < 0.1, `missing → ${predictions[0]}`);
    assert.ok(Math.abs(predictions[1] - 0) < 0.1, `0.2 → ${predictions[1]}`);
    assert.ok(Math.abs(predictions[2] - 1) < 0.1, `0.8 → ${predictions[2]}`);

    const withMissing = syntheticRegression({ rows: 1500, cols: 20, seed: 11, missing: 0.15 });
    const [trainMissing, testMissing] = splitRows(withMissing, 1000);
    const noisy = await trainGbdt(trainMissing.x, trainMissing.y, { numIterations: 100, learningRate: 0.1, threads: 1 }, { seed: 1 });
    const r2 = rSquared(testMissing.y, noisy.predict(testMissing.x));
    assert.ok(r2 > 0.45 && Number.isFinite(r2), `R² with 15 % missing ${r2}`);
  });

  it("stops early at the iteration with the lowest validation RMSE and keeps only those trees", async () => {
    const reports: IterationReport[] = [];
    const model = await trainGbdt(train.x, train.y, { numIterations: 300, learningRate: 0.5, numLeaves: 31, minDataInLeaf: 5, earlyStoppingRounds: 10, threads: 1 }, {
      seed: 1,
      validation: test,
      onIteration: (r) => reports.push(r),
    });
    const validation = reports.map((r) => r.validation!);
    const best = validation.indexOf(Math.min(...validation)) + 1;
    assert.ok(reports.length < 300, `ran ${reports.length} iterations`);
    assert.equal(reports.length, best + 10);
    assert.equal(model.bestIteration, best);
    const predictions = model.predict(test.x);
    let squares = 0;
    for (let i = 0; i < test.y.length; i++) squares += (predictions[i] - test.y[i]) ** 2;
    assert.ok(Math.abs(Math.sqrt(squares / test.y.length) - validation[best - 1]) < 1e-9);
  });

  it("stops with an AbortError when the signal is aborted", async () => {
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      trainGbdt(train.x, train.y, { ...quick, threads: 2 }, {
        seed: 1,
        signal: controller.signal,
        onIteration: (r) => {
          seen = r.iteration;
          if (r.iteration === 3) controller.abort();
        },
      }),
      { name: "AbortError" },
    );
    assert.equal(seen, 3);
    await assert.rejects(trainGbdt(train.x, train.y, quick, { seed: 1, signal: AbortSignal.abort() }), { name: "AbortError" });
  });

  it("fits the α-quantile of the training labels with the quantile objective", async () => {
    for (const alpha of [0.2, 0.8]) {
      const model = await trainGbdt(train.x, train.y, { ...quick, numIterations: 60, objective: "quantile", alpha }, { seed: 1 });
      const predictions = model.predict(train.x);
      const below = train.y.filter((v, i) => v <= predictions[i]).length / train.y.length;
      assert.ok(Math.abs(below - alpha) < 0.03, `alpha ${alpha}: ${below} of labels below the prediction`);
    }
  });

  it("puts the split gain on the features the target depends on", async () => {
    const model = await trainGbdt(train.x, train.y, quick, { seed: 1 });
    const gain = model.featureImportance();
    const informative = [0, 1, 2, 3, 4, 5, 6, 7].reduce((sum, f) => sum + gain[f], 0);
    const total = gain.reduce((a, b) => a + b, 0);
    assert.ok(informative / total > 0.9, `informative share ${informative / total}`);
    assert.equal(model.featureImportance("split").reduce((a, b) => a + b, 0), model.trees.reduce((n, t) => n + t.numLeaves - 1, 0));
  });
});

describe("decision tree", () => {
  it("has at most 2^depth leaves, predicting leaf means", async () => {
    for (const maxDepth of [1, 3, 6]) {
      const model = await trainDecisionTree(train.x, train.y, { maxDepth, minDataInLeaf: 1 }, { seed: 1 });
      assert.equal(model.trees.length, 1);
      assert.ok(model.trees[0].numLeaves <= 2 ** maxDepth && model.trees[0].numLeaves > 2 ** (maxDepth - 1));
      const distinct = new Set(model.predict(train.x));
      assert.equal(distinct.size, model.trees[0].numLeaves);
    }
    // Depth 1: each side's prediction is the mean label of its rows.
    const stump = await trainDecisionTree(train.x, train.y, { maxDepth: 1, minDataInLeaf: 1 }, { seed: 1 });
    const predictions = stump.predict(train.x);
    const sums = new Map<number, [number, number]>();
    predictions.forEach((p, i) => {
      const [s, n] = sums.get(p) ?? [0, 0];
      sums.set(p, [s + train.y[i], n + 1]);
    });
    for (const [p, [s, n]] of sums) assert.ok(Math.abs(p - s / n) < 1e-9);
  });

  it("gives identical trees with 1 and 2 threads (histogram splits at the root, exact splits below, features with missing values)", async () => {
    // 5,000 rows: the root is above exactSplitRows; 5,000 x 200 values: enough for two threads.
    const { x, y } = syntheticRegression({ rows: 5000, cols: 200, seed: 13, missing: 0.05 });
    assert.equal(participantCount(2, x.rows, x.cols), 2);
    const one = await trainDecisionTree(x, y, { maxDepth: 6, minDataInLeaf: 1, threads: 1 }, { seed: 1 });
    const two = await trainDecisionTree(x, y, { maxDepth: 6, minDataInLeaf: 1, threads: 2 }, { seed: 1 });
    assert.deepEqual({ ...two.toJSON(), params: null }, { ...one.toJSON(), params: null });
  });

  it("rejects a depth outside 1..6 together with any other bad parameter", async () => {
    await assert.rejects(trainDecisionTree(train.x, train.y, { maxDepth: 0, minDataInLeaf: 0 }, { seed: 1 }), (error: unknown) => {
      assert.ok(error instanceof GbdtParameterError);
      assert.deepEqual(error.problems.map((p) => p.argument), ["maxDepth", "minDataInLeaf"]);
      return true;
    });
  });
});

describe("GBDT documentation", () => {
  it("has the README parameter table generated from the parameter table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    assert.ok(readme.includes(gbdtParameterMarkdown()), "README's GBDT table is stale: paste gbdtParameterMarkdown() output");
  });
});
