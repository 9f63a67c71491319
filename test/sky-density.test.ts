/**
 * skyDensity (galaxies per HEALPix cell, the explorer's map) over GraphQL on
 * both databases, checked against astropy-healpix: each known position's
 * nested cell at orders 0, 5 and 8, the counts per cell, the cells' centres;
 * the survey filter and bad orders.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertGalaxies, type NewGalaxy } from "../catalog/bulk-load.js";
import { Random } from "../random/random.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { startTestServer, type TestServer } from "./support/server.js";

const ORDERS = [0, 5, 8];

/**
 * Known positions: near the poles and the RA seam, beside face corners (a
 * position exactly on a cell corner belongs to either cell; test/healpix.test.ts
 * covers boundaries), M31, M51, the demo's Stripe 82; then a seeded spread.
 */
function positions(): [number, number][] {
  const known: [number, number][] = [
    [0.001, 0.001], [359.99999, 0.5], [0.00001, -0.00001], [45.001, 0], [90, 41.82], [135, -41.8], [180, 89.999], [0, -89.999],
    [10.68470833, 41.26875], [202.4841667, 47.2305556], [1.5, -1.2], [55, 1.1], [310, -1.0], [185, 2.5], [359.5, 89.99],
  ];
  const random = new Random(11);
  const spread: [number, number][] = [];
  for (let i = 0; i < 3000; i++) spread.push([random.uniform(0, 360), (Math.asin(random.uniform(-1, 1)) * 180) / Math.PI]);
  // A crowded patch, so some cells hold many galaxies.
  for (let i = 0; i < 1000; i++) spread.push([(random.uniform(-3, 3) + 360) % 360, random.uniform(-1.25, 1.25)]);
  return [...known, ...spread];
}

const REFERENCE = `
import json, sys
import numpy as np
import astropy.units as u
from astropy_healpix import HEALPix
data = json.load(sys.stdin)
ra = np.array([p[0] for p in data["positions"]])
dec = np.array([p[1] for p in data["positions"]])
out = {}
for order in data["orders"]:
    hp = HEALPix(nside=2 ** order, order="nested")
    pix = hp.lonlat_to_healpix(ra * u.deg, dec * u.deg)
    cells = sorted(set(int(p) for p in pix))
    lon, lat = hp.healpix_to_lonlat(np.array(cells, dtype=np.int64))
    out[str(order)] = {"pixels": [int(p) for p in pix], "cells": cells,
                       "ra": [float(v) for v in lon.to_value(u.deg)], "dec": [float(v) for v in lat.to_value(u.deg)]}
print(json.dumps(out))
`;

interface Density { order: number; total: number; cells: { pixel: number; count: number; ra: number; dec: number }[] }

const missing = pythonModuleMissing("astropy_healpix");

for (const backend of backends) {
  describe(`skyDensity on ${backend.name} against astropy-healpix`, { skip: backend.skip || missing }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const points = positions();
    const reference = missing ? {} : runPython<Record<string, { pixels: number[]; cells: number[]; ra: number[]; dec: number[] }>>(REFERENCE, { positions: points, orders: ORDERS });

    before(async () => {
      db = await backend.open();
      const rows: NewGalaxy[] = points.map(([raDeg, decDeg], i) => ({ sourceKey: `density/${i}`, survey: i % 3 === 0 ? "SDSS" : "SYNTHETIC", raDeg, decDeg }));
      await insertGalaxies(db.sql, rows);
      server = await startTestServer(db);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    async function density(order: number, survey?: string): Promise<Density> {
      const response = await server.graphql<{ skyDensity: Density }>(
        `query($order: Int!, $survey: Survey) { skyDensity(order: $order, survey: $survey) { order total cells { pixel count ra dec } } }`, { order, survey });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      return response.data!.skyDensity;
    }

    it("counts each position in astropy-healpix's nested cell at orders 0, 5 and 8, with its centre", async () => {
      for (const order of ORDERS) {
        const ref = reference[order];
        const expected = new Map<number, number>();
        for (const pixel of ref.pixels) expected.set(pixel, (expected.get(pixel) ?? 0) + 1);
        const got = await density(order);
        assert.equal(got.order, order);
        assert.equal(got.total, points.length);
        assert.deepEqual(got.cells.map((c) => c.pixel), ref.cells, `order ${order}: the same cells, in index order`);
        for (const cell of got.cells) assert.equal(cell.count, expected.get(cell.pixel), `order ${order} cell ${cell.pixel}`);
        got.cells.forEach((cell, k) => {
          const dRa = Math.abs(((cell.ra - ref.ra[k] + 540) % 360) - 180) * Math.cos((ref.dec[k] * Math.PI) / 180);
          assert.ok(dRa < 1e-9 && Math.abs(cell.dec - ref.dec[k]) < 1e-9, `order ${order} cell ${cell.pixel}: centre (${cell.ra}, ${cell.dec}) vs (${ref.ra[k]}, ${ref.dec[k]})`);
        });
      }
      // Known cells (astropy-healpix, nside 32, nested): M31 in 677, M51 in 2756, beside the north pole 3071.
      assert.deepEqual([8, 9, 6].map((i) => reference[5].pixels[i]), [677, 2756, 3071]);
    });

    it("defaults to order 5, filters by survey, and refuses orders outside 0..8", async () => {
      const response = await server.graphql<{ skyDensity: Density }>("{ skyDensity { order total } }");
      assert.deepEqual(response.data!.skyDensity, { order: 5, total: points.length });
      const sdss = await density(5, "SDSS");
      assert.equal(sdss.total, points.filter((_, i) => i % 3 === 0).length);
      const expected = new Map<number, number>();
      reference[5].pixels.forEach((pixel, i) => { if (i % 3 === 0) expected.set(pixel, (expected.get(pixel) ?? 0) + 1); });
      assert.deepEqual(new Map(sdss.cells.map((c) => [c.pixel, c.count])), expected);
      for (const order of [-1, 9]) {
        const bad = await server.graphql(`{ skyDensity(order: ${order}) { order } }`);
        assert.equal(bad.errors?.[0].extensions.code, "BAD_USER_INPUT");
        assert.deepEqual(bad.errors?.[0].extensions.problems, [{ argument: "order", message: "must be an integer in [0, 8]" }]);
      }
    });
  });
}
