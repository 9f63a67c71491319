/** Migrations: applied from scratch once, recorded, and all-or-nothing. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, readMigrations } from "../db/migrate.js";
import { backends } from "./support/databases.js";

for (const backend of backends) {
  describe(`migrations on ${backend.name}`, { skip: backend.skip }, () => {
    it("records every migration once and applies nothing the second time", async () => {
      const db = await backend.open(); // open() migrates from scratch
      try {
        const rows = await db.sql`SELECT version, name FROM schema_migrations ORDER BY version`;
        assert.deepEqual(rows.map((r) => r.name), readMigrations().map((m) => m.name));
        assert.deepEqual(await migrate(db.sql), []);
      } finally {
        await db.drop();
      }
    });

    it("leaves nothing behind when a migration fails half-way", async () => {
      const db = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), "skycube-migrations-"));
      writeFileSync(join(dir, "900_half.sql"), "CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;\n");
      try {
        await assert.rejects(migrate(db.sql, readMigrations(dir)), /no_such_table/);
        const [{ present }] = await db.sql`SELECT to_regclass('half_done') IS NOT NULL AS present`;
        assert.equal(present, false);
        const recorded = await db.sql`SELECT 1 FROM schema_migrations WHERE version = 900`;
        assert.equal(recorded.length, 0);
      } finally {
        await db.drop();
      }
    });
  });
}
