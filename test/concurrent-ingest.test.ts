/**
 * Two ingests into the same cube at the same time (one PostgreSQL, one data
 * folder): each batch writes its own shard and commits it with its rows, so
 * every catalogue row points at its own image (the WCS stored with each
 * cutout is centred on that galaxy's position) and no shard is shared.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCube } from "../cube/cube-store.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends } from "./support/databases.js";

for (const backend of backends) {
  describe(`concurrent ingest on ${backend.name}`, { skip: backend.skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "skycube-concurrent-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps every galaxy's cube location its own when two loads run at once", async () => {
      const db = await backend.open();
      const cube = await openCube(join(dir, backend.name));
      try {
        // Small batches: many awaits, so the two loads interleave.
        await Promise.all([loadDemo(db.sql, { count: 60, seed: 1, cube, batchSize: 5 }), loadDemo(db.sql, { count: 60, seed: 2, cube, batchSize: 5 })]);
        const rows = await db.sql`SELECT g.ra, g.dec, g.cube_row, s.name AS shard FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard`;
        assert.equal(rows.length, 120);
        assert.equal(new Set(rows.map((r) => `${r.shard}#${r.cube_row}`)).size, 120, "no two galaxies share a location");
        const [{ shards, rowsInShards }] = await db.sql`SELECT count(*)::int AS shards, sum(row_count)::int AS "rowsInShards" FROM cube_shards`;
        assert.equal(rowsInShards, 120, `${shards} shards hold exactly the 120 rows`);
        for (const row of rows) {
          const { wcs } = cube.readImage({ shard: row.shard, row: row.cube_row }, 0);
          assert.ok(Math.abs(wcs!.crval1 - row.ra) < 1e-9 && Math.abs(wcs!.crval2 - row.dec) < 1e-9, `${row.shard} row ${row.cube_row}`);
        }
      } finally {
        cube.close();
        await db.drop();
      }
    });
  });
}
