/**
 * Embeddings: PCA against scikit-learn's PCA on the same standardised
 * matrix (up to the sign of each axis; the SVD and the NIPALS paths); UMAP
 * and t-SNE give n × 2 coordinates, the same for the same seed, and keep
 * well-separated synthetic clusters apart; over GraphQL on both databases,
 * an embedding is a cached job keyed by its input and the dataset digest,
 * with each axis' Pearson correlation with the label, and bad input is
 * BAD_USER_INPUT with problems and queues nothing.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { Random } from "../random/random.js";
import { embed, pcaOf, pearson, standardise, WIDE_COLUMNS } from "../models/embedding/compute.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { openCube } from "../cube/cube-store.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const SKLEARN = pythonModuleMissing("sklearn");

/** rows × cols with correlated columns (a few latent factors plus noise), some NaN. */
function latentMatrix(rows: number, cols: number, seed: number, nanEvery = 0) {
  const random = new Random(seed);
  const factors = 3;
  const loadings = Array.from({ length: factors * cols }, () => random.normal());
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const f = Array.from({ length: factors }, (_, k) => random.normal() * (3 - k));
    for (let c = 0; c < cols; c++) {
      let v = 0.3 * random.normal() + 10 * c;
      for (let k = 0; k < factors; k++) v += f[k] * loadings[k * cols + c];
      values[r * cols + c] = nanEvery > 0 && (r * cols + c) % nanEvery === 0 ? NaN : v;
    }
  }
  return { rows, cols, values };
}

/** Three clusters in `dims` dimensions (cluster k offset by 12 along axis k; every axis carries an offset, since standardising gives pure-noise axes the same weight as the signal's), unit spread. */
function clusters(perCluster: number, dims: number, seed: number) {
  const random = new Random(seed);
  const rows = perCluster * 3;
  const values = new Float32Array(rows * dims);
  const truth: number[] = [];
  for (let r = 0; r < rows; r++) {
    const k = Math.floor(r / perCluster);
    truth.push(k);
    for (let d = 0; d < dims; d++) values[r * dims + d] = random.normal() + (d === k ? 12 : 0);
  }
  return { matrix: { rows, cols: dims, values }, truth };
}

/** Every point is nearer its own cluster's centroid (in the embedding) than any other's. */
function separated(x: Float64Array, y: Float64Array, truth: number[]): boolean {
  const k = Math.max(...truth) + 1;
  const cx = new Array(k).fill(0), cy = new Array(k).fill(0), n = new Array(k).fill(0);
  truth.forEach((t, i) => { cx[t] += x[i]; cy[t] += y[i]; n[t]++; });
  for (let t = 0; t < k; t++) { cx[t] /= n[t]; cy[t] /= n[t]; }
  return truth.every((t, i) => {
    const d = (c: number) => (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2;
    return Array.from({ length: k }, (_, c) => c).every((c) => c === t || d(t) < d(c));
  });
}

describe("embedding computations", () => {
  const SKLEARN_PCA = `
import json, sys
import numpy as np
from sklearn.decomposition import PCA
d = json.load(sys.stdin)
z = np.array(d["z"], dtype=float).reshape(d["rows"], d["cols"])
p = PCA(n_components=2, svd_solver="full")
t = p.fit_transform(z)
print(json.dumps({"x": t[:, 0].tolist(), "y": t[:, 1].tolist(), "ratio": p.explained_variance_ratio_.tolist()}))
`;
  const compare = (rows: number, cols: number, seed: number, tolerance: number) => {
    const m = latentMatrix(rows, cols, seed, 37);
    const z = standardise(m);
    const ours = pcaOf(z, rows, cols);
    const theirs = runPython<{ x: number[]; y: number[]; ratio: number[] }>(SKLEARN_PCA, { z: Array.from(z), rows, cols });
    for (const [axis, a, b] of [["x", ours.x, theirs.x], ["y", ours.y, theirs.y]] as const) {
      const sign = Math.sign(a.reduce((s, v, i) => s + v * b[i], 0));
      const scale = Math.max(...b.map(Math.abs));
      const worst = Math.max(...b.map((v, i) => Math.abs(sign * a[i] - v)));
      assert.ok(worst <= tolerance * scale, `${rows}×${cols} axis ${axis}: worst |Δ| ${worst} (scale ${scale})`);
    }
    assert.ok(Math.abs(ours.explainedVariance![0] - theirs.ratio[0]) < tolerance, `${ours.explainedVariance} vs ${theirs.ratio}`);
    assert.ok(Math.abs(ours.explainedVariance![1] - theirs.ratio[1]) < tolerance, `${ours.explainedVariance} vs ${theirs.ratio}`);
  };

  it("standardises as StandardScaler (population sd), NaN and constant columns to 0", () => {
    const z = standardise({ rows: 4, cols: 3, values: Float32Array.from([1, 5, NaN, 2, 5, 1, 3, 5, 2, 4, 5, 3]) });
    const col = (c: number) => [0, 1, 2, 3].map((r) => z[r * 3 + c]);
    const sd = Math.sqrt(1.25);
    assert.deepEqual(col(0).map((v) => +v.toFixed(12)), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd].map((v) => +v.toFixed(12)));
    assert.deepEqual(col(1), [0, 0, 0, 0]);
    assert.equal(col(2)[0], 0);
    assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6.5]) - 0.9986) < 1e-3);
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  });

  it("PCA (SVD) equals scikit-learn's PCA on the same matrix, up to the sign of each axis", { skip: SKLEARN }, () => {
    compare(150, 12, 1, 1e-6);
    compare(40, 60, 2, 1e-6); // more columns than rows
  });

  it(`PCA (NIPALS, beyond ${WIDE_COLUMNS} columns) equals scikit-learn's PCA up to sign`, { skip: SKLEARN }, () => {
    compare(80, WIDE_COLUMNS + 100, 3, 1e-4);
  });

  for (const method of ["UMAP", "TSNE"] as const) {
    it(`${method}: n × 2, the same for the same seed, different for another, well-separated clusters stay apart`, () => {
      const { matrix, truth } = clusters(20, 3, 7);
      const a = embed(matrix, method, 11);
      const b = embed(matrix, method, 11);
      const c = embed(matrix, method, 12);
      assert.deepEqual([a.x.length, a.y.length], [60, 60]);
      assert.ok(a.x.every(Number.isFinite) && a.y.every(Number.isFinite));
      assert.deepEqual([Array.from(a.x), Array.from(a.y)], [Array.from(b.x), Array.from(b.y)]);
      assert.notDeepEqual(Array.from(a.x), Array.from(c.x));
      assert.ok(separated(a.x, a.y, truth), `${method} mixed the clusters`);
      assert.ok(separated(c.x, c.y, truth), `${method} (seed 12) mixed the clusters`);
      assert.equal(a.explainedVariance, null);
      // Math.random is restored after t-SNE.
      assert.notEqual(Math.random(), Math.random());
    });
  }

  it("PCA keeps the clusters apart too, and is deterministic", () => {
    const { matrix, truth } = clusters(20, 3, 8);
    const a = embed(matrix, "PCA", 0);
    assert.ok(separated(a.x, a.y, truth));
    assert.deepEqual(Array.from(embed(matrix, "PCA", 5).x), Array.from(a.x));
  });
});

const TOKEN = "test-token-embeddings-0123456789";
const FIELDS = "id status method modality zoom features first seed datasetDigest count columns points { galaxyId x y label } correlation { x y } explainedVariance seconds error";

for (const backend of backends) {
  describe(`embedding(input) on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-embeddings-"));
    const ask = (input: Record<string, unknown>) => server.graphql(`query($input: EmbeddingInput!) { embedding(input: $input) { ${FIELDS} } }`, { input });
    const until = async (input: Record<string, unknown>) => {
      for (let i = 0; i < 1200; i++) {
        const r = await ask(input);
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        const e = r.data!.embedding;
        if (e.status === "SUCCEEDED" || e.status === "FAILED") return e;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("the embedding did not finish");
    };

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 120, cube: await openCube(dataDir) });
      server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("refuses bad input with problems and queues nothing", async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ method: "PCA", modality: "LATE_FUSION" }, "input.modality", /IMAGE, SPECTRUM or EARLY_FUSION/],
        [{ method: "TSNE", first: 800 }, "input.first", /\[20, 500\] for TSNE/],
        [{ method: "PCA", zoom: 7 }, "input.zoom", /zoom level 0..4/],
        [{ method: "PCA", features: "RAW", zoom: 0, modality: "IMAGE" }, "input.features", /20480 columns, more than 1024/],
      ];
      for (const [input, argument, message] of cases) {
        const r = await ask(input);
        assert.equal(r.errors?.[0].extensions.code, "BAD_USER_INPUT", JSON.stringify(input));
        const problems = r.errors![0].extensions.problems as { argument: string; message: string }[];
        assert.ok(problems.some((p) => p.argument === argument && message.test(p.message)), JSON.stringify(problems));
      }
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM embeddings`;
      assert.equal(count, 0);
    });

    let pca: Record<string, any>;

    it("computes PCA as a job, with each axis' Pearson correlation with the label, and serves it from the cache", async () => {
      const input = { method: "PCA", modality: "EARLY_FUSION", zoom: 3, features: "ENGINEERED", first: 60 };
      const first = await ask(input);
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.ok(["QUEUED", "RUNNING", "SUCCEEDED"].includes(first.data!.embedding.status));
      pca = await until(input);
      assert.equal(pca.status, "SUCCEEDED", pca.error);
      assert.equal(pca.id, first.data!.embedding.id);
      assert.equal(pca.count, 60);
      assert.equal(pca.points.length, 60);
      assert.ok(pca.columns > 20);
      const ids = pca.points.map((p: any) => Number(p.galaxyId));
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      // The first 60 labelled galaxies with an image and a spectrum, by id, with their labels.
      const rows = await db.sql`SELECT id, sfr_avg FROM galaxies WHERE has_image AND has_spectrum AND sfr_flag = 0 AND sfr_avg IS NOT NULL AND sfr_avg <> -99 ORDER BY id LIMIT 60`;
      assert.deepEqual(ids, rows.map((r) => Number(r.id)));
      const labels = pca.points.map((p: any) => p.label);
      assert.deepEqual(labels, rows.map((r) => Number(r.sfr_avg)));
      const r = (axis: "x" | "y") => pearson(pca.points.map((p: any) => p[axis]), labels);
      assert.ok(Math.abs(r("x") - pca.correlation.x) < 1e-12 && Math.abs(r("y") - pca.correlation.y) < 1e-12);
      assert.ok(Math.abs(pca.correlation.x) <= 1 && Math.abs(pca.correlation.y) <= 1);
      assert.ok(pca.explainedVariance[0] >= pca.explainedVariance[1] && pca.explainedVariance[0] < 1);
      assert.match(pca.datasetDigest, /^[0-9a-f]{64}$/);
      const again = await ask(input);
      assert.deepEqual(again.data!.embedding, pca);
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM embeddings`;
      assert.equal(count, 1);
    });

    it("keys the cache by the data: another label gives a new embedding with another digest; UMAP is seeded", async () => {
      const input = { method: "PCA", modality: "EARLY_FUSION", zoom: 3, features: "ENGINEERED", first: 60 };
      await db.sql`UPDATE galaxies SET sfr_avg = sfr_avg + 0.5 WHERE id = ${pca.points[0].galaxyId}`;
      const changed = await until(input);
      assert.notEqual(changed.id, pca.id);
      assert.notEqual(changed.datasetDigest, pca.datasetDigest);
      assert.equal(changed.points[0].label, pca.points[0].label + 0.5);
      const umap = { method: "UMAP", modality: "SPECTRUM", zoom: 3, features: "ENGINEERED", first: 40, seed: 3 };
      const a = await until(umap);
      assert.equal(a.status, "SUCCEEDED", a.error);
      assert.deepEqual([a.count, a.explainedVariance], [40, null]);
      // Same input, same data: the cached row. Its numbers are those of a fresh computation with the same seed (tested above).
      assert.equal((await until(umap)).id, a.id);
      const b = await until({ ...umap, seed: 4 });
      assert.notEqual(b.id, a.id);
      assert.notDeepEqual(b.points.map((p: any) => p.x), a.points.map((p: any) => p.x));
    });
  });
}
