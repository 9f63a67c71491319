/**
 * Multi-object cutouts: synthetic r-band cutouts with known numbers of
 * sources (Gaussian blobs on unit noise) are counted right, independent of
 * the stretch; masked sources and faint blobs do not count. Over GraphQL on
 * both databases: Galaxy.sourceCount / blended are computed on first read
 * and stored, and a run with excludeBlended leaves blended galaxies out of
 * its split (trained on and evaluated without them).
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { Random } from "../random/random.js";
import { countSources } from "../models/features/source-detection.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { openCube } from "../cube/cube-store.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const SIZE = 64;

/** Unit-noise cutout with Gaussian blobs (amplitude in sigma, width in px) at the given centres. */
function cutout(blobs: { x: number; y: number; amplitude: number; width: number }[], seed: number, sigmaScale = 1) {
  const random = new Random(seed);
  const flux = new Float32Array(SIZE * SIZE);
  const sigma = new Float32Array(SIZE * SIZE).fill(sigmaScale);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      let v = random.normal();
      for (const b of blobs) v += b.amplitude * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.width ** 2));
      flux[y * SIZE + x] = v * sigmaScale;
    }
  return { flux, sigma };
}

/** k blobs far apart (on a ring), random brightness 5–60 σ and width 1.5–4 px. */
function blobs(k: number, random: Random) {
  const phase = random.uniform(0, Math.PI);
  return Array.from({ length: k }, (_, i) => ({
    x: 32 + (k === 1 ? 0 : 20 * Math.cos(phase + (2 * Math.PI * i) / k)),
    y: 32 + (k === 1 ? 0 : 20 * Math.sin(phase + (2 * Math.PI * i) / k)),
    amplitude: random.uniform(5, 60),
    width: random.uniform(1.5, 4),
  }));
}

describe("source detection", () => {
  it("counts 0 to 4 sources right on 50 synthetic cutouts each", () => {
    const random = new Random(42);
    for (let k = 0; k <= 4; k++) {
      for (let trial = 0; trial < 50; trial++) {
        const b = blobs(k, random);
        const { flux, sigma } = cutout(b, 1000 * k + trial);
        assert.equal(countSources(flux, sigma, null, SIZE), k, `k=${k} trial ${trial}: ${JSON.stringify(b)}`);
      }
    }
  });

  it("is independent of the stretch (flux and sigma scaled together)", () => {
    const b = blobs(3, new Random(1));
    for (const scale of [1e-3, 1, 250]) {
      const { flux, sigma } = cutout(b, 7, scale);
      assert.equal(countSources(flux, sigma, null, SIZE), 3, `scale ${scale}`);
    }
  });

  it("a large bright galaxy is one source, a faint blob none, a masked one none; touching sources merge", () => {
    const big = cutout([{ x: 32, y: 32, amplitude: 40, width: 12 }], 3);
    assert.equal(countSources(big.flux, big.sigma, null, SIZE), 1);
    const faint = cutout([{ x: 32, y: 32, amplitude: 0.8, width: 1.5 }], 4);
    assert.equal(countSources(faint.flux, faint.sigma, null, SIZE), 0);
    const two = cutout([{ x: 12, y: 12, amplitude: 30, width: 2 }, { x: 50, y: 50, amplitude: 30, width: 2 }], 5);
    const mask = new Uint8Array(SIZE * SIZE);
    for (let y = 40; y < SIZE; y++) for (let x = 40; x < SIZE; x++) mask[y * SIZE + x] = 1;
    assert.equal(countSources(two.flux, two.sigma, null, SIZE), 2);
    assert.equal(countSources(two.flux, two.sigma, mask, SIZE), 1);
    const touching = cutout([{ x: 30, y: 32, amplitude: 30, width: 3 }, { x: 36, y: 32, amplitude: 30, width: 3 }], 6);
    assert.equal(countSources(touching.flux, touching.sigma, null, SIZE), 1);
  });
});

const TOKEN = "test-token-source-detection-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

for (const backend of backends) {
  describe(`blended galaxies on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-blended-"));
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

    it("computes sourceCount and blended on first read and stores them", async () => {
      const [{ stored }] = await db.sql`SELECT count(source_count)::int AS stored FROM galaxies`;
      assert.equal(stored, 0);
      const response = await server.graphql("{ galaxies(first: 120) { edges { node { id hasImage sourceCount blended } } } }");
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const nodes = response.data!.galaxies.edges.map((e: any) => e.node);
      for (const n of nodes) {
        if (!n.hasImage) assert.deepEqual([n.sourceCount, n.blended], [null, null]);
        else assert.equal(n.blended, n.sourceCount > 1);
      }
      // The demo's galaxies are single objects: nearly all count one source.
      const withImage = nodes.filter((n: any) => n.hasImage);
      assert.ok(withImage.filter((n: any) => n.sourceCount === 1).length >= 0.9 * withImage.length, JSON.stringify(withImage.map((n: any) => n.sourceCount)));
      const rows = await db.sql`SELECT id, source_count, blended FROM galaxies WHERE has_image ORDER BY id`;
      const byId = new Map(nodes.map((n: any) => [n.id, n]));
      for (const r of rows) assert.deepEqual([r.source_count, r.blended], [(byId.get(String(r.id)) as any).sourceCount, (byId.get(String(r.id)) as any).blended]);
    });

    it("excludeBlended leaves blended galaxies out of a run's split", async () => {
      const labelled = await db.sql`SELECT id FROM galaxies WHERE has_image AND has_spectrum AND sfr_flag = 0 ORDER BY id LIMIT 10`;
      const marked = labelled.map((r) => String(r.id));
      await db.sql`UPDATE galaxies SET source_count = 2 WHERE id = ANY(${marked}::int8[])`;
      const splitOf = async (excludeBlended: boolean) => {
        const q = `mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`;
        const input = { kind: "LINEAR", modality: "EARLY_FUSION", features: "ENGINEERED", folds: 3, seed: 2, excludeBlended };
        const r = await server.graphql(q, { input }, AUTH);
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        const id = r.data!.trainPredictor.id;
        for (let i = 0; i < 1200; i++) {
          const run = (await server.graphql(`query($id: ID!) { trainingRun(id: $id) { status error split { train validation test } } }`, { id })).data!.trainingRun;
          if (run.status === "SUCCEEDED") return run.split as { train: string[]; validation: string[]; test: string[] };
          assert.ok(["QUEUED", "RUNNING"].includes(run.status), `${run.status}: ${run.error}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("run did not finish");
      };
      const all = (s: { train: string[]; validation: string[]; test: string[] }) => new Set([...s.train, ...s.validation, ...s.test]);
      const kept = all(await splitOf(false));
      const dropped = all(await splitOf(true));
      for (const id of marked) assert.ok(kept.has(id) && !dropped.has(id), id);
      // Exactly the blended ones go (the 10 marked, and any the detection itself found blended).
      const blendedIds = new Set((await db.sql`SELECT id FROM galaxies WHERE blended`).map((r) => String(r.id)));
      assert.deepEqual([...kept].filter((id) => !dropped.has(id)).sort(), [...kept].filter((id) => blendedIds.has(id)).sort());
      for (const id of dropped) assert.ok(kept.has(id), id);
      const [{ blended }] = await db.sql`SELECT count(*)::int AS blended FROM galaxies WHERE blended`;
      assert.ok(blended >= marked.length);
    });
  });
}
