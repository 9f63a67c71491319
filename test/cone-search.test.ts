/**
 * Cone search against brute force on 100,000 positions (uniform over the sky
 * plus dense clusters across the RA = 0/360 seam and around the north pole),
 * on both databases. Tolerance: the same ids in the same order, distances
 * within 1e-9 degrees of a double-precision haversine; only objects within
 * 1e-9 degrees of the cone's edge may be in one list and not the other.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { insertGalaxies, type NewGalaxy } from "../catalog/bulk-load.js";
import { coneSearch } from "../catalog/cone-search.js";
import { Random } from "../random/random.js";
import { angularDistanceDeg } from "../sky/angles.js";
import { backends, type TestDatabase } from "./support/databases.js";

const limits = { maxPageSize: 100_000, maxConeRadiusDeg: 10 };

function positions(): [number, number][] {
  const random = new Random(42);
  const out: [number, number][] = [];
  for (let i = 0; i < 70_000; i++) out.push([random.uniform(0, 360), (Math.asin(random.uniform(-1, 1)) * 180) / Math.PI]);
  for (let i = 0; i < 20_000; i++) out.push([(random.uniform(-0.5, 0.5) + 360) % 360, random.uniform(-0.5, 0.5)]);
  for (let i = 0; i < 10_000; i++) out.push([random.uniform(0, 360), 90 - random.uniform(0, 0.5)]);
  return out;
}

function cones(points: [number, number][]): [number, number, number][] {
  const random = new Random(43);
  const out: [number, number, number][] = [
    [0, 0, 1 / 60],
    [359.999, 0.1, 0.2],
    [0.001, -0.2, 0.5],
    [0, 90, 0.3],
    [123, 89.9, 0.5],
    [0, -90, 10],
    [180, 0, 10],
  ];
  for (let i = 0; i < 30; i++) {
    const [ra, dec] = points[Math.floor(random.next() * points.length)];
    const radius = [3 / 3600, 1 / 60, 0.5, 2][i % 4];
    out.push([(ra + random.uniform(-1e-3, 1e-3) + 360) % 360, Math.max(-90, Math.min(90, dec + random.uniform(-1e-3, 1e-3))), radius]);
  }
  return out;
}

for (const backend of backends) {
  describe(`cone search on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    const points = positions();
    const ids: string[] = [];

    before(async () => {
      db = await backend.open();
      const rows: NewGalaxy[] = points.map(([raDeg, decDeg], i) => ({ sourceKey: `test/${i}`, survey: "SYNTHETIC", raDeg, decDeg }));
      await insertGalaxies(db.sql, rows);
      for (const row of await db.sql`SELECT id, source_key FROM galaxies`) ids[Number(String(row.source_key).slice(5))] = String(row.id);
    });
    after(() => db?.drop());

    it("returns exactly the brute-force answer, nearest first, for 37 cones from 3 arcsec to 10 degrees", async () => {
      for (const [ra, dec, radius] of cones(points)) {
        const expected = points
          .map(([pRa, pDec], i) => ({ id: ids[i], distance: angularDistanceDeg(ra, dec, pRa, pDec) }))
          .filter((p) => p.distance <= radius)
          .sort((a, b) => a.distance - b.distance || Number(BigInt(a.id) - BigInt(b.id)));
        const page = await coneSearch(db.sql, { raDeg: ra, decDeg: dec, radiusDeg: radius, first: 100_000 }, limits);
        const got = page.nodes.map((n) => ({ id: n.id, distance: n.distanceDeg as number }));
        const edge = (p: { distance: number }) => Math.abs(p.distance - radius) < 1e-9;
        const gotIds = new Set(got.map((p) => p.id));
        const expectedIds = new Set(expected.map((p) => p.id));
        for (const p of expected) assert.ok(gotIds.has(p.id) || edge(p), `cone (${ra}, ${dec}, ${radius}) misses ${p.id} at ${p.distance}`);
        for (const p of got) assert.ok(expectedIds.has(p.id) || edge(p), `cone (${ra}, ${dec}, ${radius}) has extra ${p.id} at ${p.distance}`);
        const byId = new Map(expected.map((p) => [p.id, p.distance]));
        for (let i = 0; i < got.length; i++) {
          if (i > 0) assert.ok(got[i].distance >= got[i - 1].distance, "sorted by distance");
          const reference = byId.get(got[i].id);
          if (reference !== undefined) assert.ok(Math.abs(reference - got[i].distance) < 1e-9, `distance of ${got[i].id}`);
        }
        assert.equal(await page.totalCount(), got.length);
      }
    });

    it("finds neighbours across the RA = 0/360 seam and all around the pole", async () => {
      const seam = await coneSearch(db.sql, { raDeg: 0, decDeg: 0, radiusDeg: 0.1, first: 100_000 }, limits);
      assert.ok(seam.nodes.some((n) => n.raDeg > 359.9) && seam.nodes.some((n) => n.raDeg < 0.1));
      const pole = await coneSearch(db.sql, { raDeg: 0, decDeg: 90, radiusDeg: 0.2, first: 100_000 }, limits);
      const quadrants = new Set(pole.nodes.map((n) => Math.floor(n.raDeg / 90)));
      assert.equal(quadrants.size, 4);
    });

    it("pages through a cone with keyset cursors: every galaxy once, in order", async () => {
      const cone = { raDeg: 0.05, decDeg: 0.05, radiusDeg: 0.1 };
      const all = await coneSearch(db.sql, { ...cone, first: 100_000 }, limits);
      assert.ok(all.nodes.length > 100, `${all.nodes.length} galaxies in the test cone`);
      const walked: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page = await coneSearch(db.sql, { ...cone, first: 37, after: cursor }, limits);
        walked.push(...page.nodes.map((n) => n.id));
        if (!page.hasNextPage) break;
        cursor = page.cursorOf(page.nodes.length - 1);
      }
      assert.deepEqual(walked, all.nodes.map((n) => n.id));
    });
  });
}
