/**
 * The evaluation protocol: metrics by their definitions, the 60/20/20 split
 * (proportions, stratification, groups kept whole, reproducible) and k-fold
 * CV folds; same-object grouping by position.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { median, nmad, regressionMetrics, summariseFolds } from "../models/evaluation/metrics.js";
import { sameObjectGroups } from "../sky/cross-match.js";
import { stratifiedFolds, trainValidationTestSplit } from "../models/evaluation/split.js";
import { Random } from "../random/random.js";

describe("regression metrics", () => {
  it("computes R², MAE, RMSE, NMAD and coverage by their definitions", () => {
    const y = [1, 2, 3, 4, 5];
    const p = [1.5, 2, 2, 4, 6];
    const m = regressionMetrics(y, p, [0.6, 0.1, 0.5, 1, 1]);
    // residuals e = p − y = 0.5, 0, −1, 0, 1; SS_res = 2.25; SS_tot = 10.
    assert.equal(m.r2, 1 - 2.25 / 10);
    assert.equal(m.mae, 2.5 / 5);
    assert.ok(Math.abs(m.rmse - Math.sqrt(2.25 / 5)) < 1e-15);
    // median e = 0; |e| = 0.5, 0, 1, 0, 1 → median 0.5.
    assert.ok(Math.abs(m.nmad - 1.4826 * 0.5) < 1e-12);
    // |e| ≤ σ: 0.5≤0.6 yes, 0≤0.1 yes, 1≤0.5 no, 0≤1 yes, 1≤1 yes.
    assert.equal(m.coverage1Sigma, 4 / 5);
    assert.equal(regressionMetrics(y, p).coverage1Sigma, null);
  });

  it("NMAD equals the standard deviation for Gaussian errors", () => {
    const random = new Random(3);
    const errors = Array.from({ length: 200_000 }, () => random.normal(0.3, 0.7));
    assert.ok(Math.abs(nmad(errors) - 0.7) < 0.01, `NMAD ${nmad(errors)}`);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });

  it("summarises folds with the sample standard deviation", () => {
    const fold = (r2: number) => ({ count: 1, r2, mae: r2, rmse: r2, nmad: r2, coverage1Sigma: null });
    const s = summariseFolds([fold(0.2), fold(0.4), fold(0.6)]);
    assert.ok(Math.abs(s.r2Mean - 0.4) < 1e-15);
    assert.ok(Math.abs(s.r2Std - 0.2) < 1e-15);
    assert.equal(s.folds, 3);
  });
});

describe("splits", () => {
  const random = new Random(11);
  const n = 1000;
  const labels = Array.from({ length: n }, () => random.normal(0, 1));
  // 50 objects observed twice (rows 2k and 2k+1 share a group for k < 50): whole groups shift the proportions by a few rows.
  const groups = Array.from({ length: n }, (_, i) => (i < 100 ? Math.floor(i / 2) : i));
  for (let i = 0; i < 100; i += 2) labels[i + 1] = labels[i] + 0.01;

  it("splits 60/20/20, keeps groups whole and stratifies on the label", () => {
    const split = trainValidationTestSplit(labels, groups, 7);
    assert.equal(split.train.length + split.validation.length + split.test.length, n);
    assert.ok(Math.abs(split.train.length - 600) <= 15 && Math.abs(split.validation.length - 200) <= 15, `${split.train.length}/${split.validation.length}/${split.test.length}`);
    const side = new Map<number, string>();
    for (const [name, rows] of Object.entries(split)) {
      for (const r of rows as number[]) {
        const previous = side.get(groups[r]);
        assert.ok(previous === undefined || previous === name, `group ${groups[r]} straddles ${previous} and ${name}`);
        side.set(groups[r], name);
      }
    }
    // Stratified: each part's label quartiles match the whole sample's closely.
    const quantile = (rows: number[], q: number) => {
      const sorted = rows.map((r) => labels[r]).sort((a, b) => a - b);
      return sorted[Math.floor(q * (sorted.length - 1))];
    };
    const all = labels.map((_, i) => i);
    for (const rows of [split.train, split.validation, split.test]) {
      for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) assert.ok(Math.abs(quantile(rows, q) - quantile(all, q)) < 0.06, `q${q}`);
    }
  });

  it("is reproducible for a seed and differs between seeds", () => {
    assert.deepEqual(trainValidationTestSplit(labels, groups, 7), trainValidationTestSplit(labels, groups, 7));
    assert.notDeepEqual(trainValidationTestSplit(labels, groups, 7).test, trainValidationTestSplit(labels, groups, 8).test);
  });

  it("deals the training part into k disjoint folds of whole groups", () => {
    const { train } = trainValidationTestSplit(labels, groups, 7);
    const folds = stratifiedFolds(train, labels, groups, 5, 7);
    const seen = folds.flat().sort((a, b) => a - b);
    assert.deepEqual(seen, [...train].sort((a, b) => a - b));
    for (const fold of folds) assert.ok(Math.abs(fold.length - train.length / 5) <= 10, `fold of ${fold.length}`);
    const foldOf = new Map<number, number>();
    folds.forEach((fold, f) => fold.forEach((r) => {
      const previous = foldOf.get(groups[r]);
      assert.ok(previous === undefined || previous === f);
      foldOf.set(groups[r], f);
    }));
  });
});

describe("same-object groups", () => {
  it("joins positions within 1 arcsec, transitively, and nothing else", () => {
    const ra = [10, 10 + 0.8 / 3600, 10 + 1.6 / 3600, 10, 200, 359.99999, 0.0000001];
    const dec = [0, 0, 0, 2 / 3600, -30, 5, 5];
    const g = sameObjectGroups(ra, dec);
    // 0–1 (0.8″) and 1–2 (0.8″) chain; 3 is 2″ from 0; 5–6 straddle RA 0 (0.036″ apart).
    assert.deepEqual([...g], [0, 0, 0, 1, 2, 3, 3]);
  });
});
