/**
 * Two ingests into the same cube at the same time: the cube-write lock makes
 * them take turns, so every catalogue row points at its own image (the WCS
 * stored with each cutout is centred on that galaxy's position).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CubeReader } from "../cube/store.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends } from "./support/databases.js";

for (const backend of backends) {
  describe(`concurrent ingest on ${backend.name}`, { skip: backend.skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "skycube-concurrent-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps every galaxy's cube row its own when two loads run at once", async () => {
      const db = await backend.open();
      try {
        const cubePath = join(dir, `${backend.name}.h5`);
        // Small batches: many awaits, so the two loads interleave (without the lock this fails on PostgreSQL).
        await Promise.all([loadDemo(db.sql, { count: 60, seed: 1, cubePath, batchSize: 5 }), loadDemo(db.sql, { count: 60, seed: 2, cubePath, batchSize: 5 })]);
        const rows = await db.sql`SELECT ra, dec, cube_row FROM galaxies ORDER BY cube_row`;
        assert.equal(rows.length, 120);
        assert.deepEqual(rows.map((r) => r.cube_row), Array.from({ length: 120 }, (_, i) => i));
        const reader = await CubeReader.open(cubePath);
        assert.equal(reader.rows(), 120);
        for (const row of rows) {
          const { wcs } = reader.readImage(row.cube_row, 0);
          assert.ok(Math.abs(wcs!.crval1 - row.ra) < 1e-9 && Math.abs(wcs!.crval2 - row.dec) < 1e-9, `cube row ${row.cube_row}`);
        }
        reader.close();
      } finally {
        await db.drop();
      }
    });
  });
}
