/**
 * Forward-only migrations: the numbered `.sql` files of `migrations/`, each
 * applied in its own transaction and recorded in `schema_migrations`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { Sql } from "./database.js";

export const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3,}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.split("_")[0]),
      name: file.replace(/\.sql$/, ""),
      sql: readFileSync(join(dir, file), "utf8"),
    }));
}

/** Applies the migrations not yet recorded; returns the names applied. */
export async function migrate(sql: Sql, migrations = readMigrations()): Promise<string[]> {
  await sql`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await sql.begin(async (tx) => {
      // Serialises concurrent migrators (several servers starting at once).
      await tx`SELECT pg_advisory_xact_lock(7170293)`;
      const seen = await tx`SELECT 1 FROM schema_migrations WHERE version = ${migration.version}`;
      if (seen.length > 0) return false;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, ${migration.name})`;
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
