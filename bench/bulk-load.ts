/**
 * Bulk loading speed (rows/s) of synthetic galaxies into the embedded PGlite
 * (on disk, in a temporary folder) and into a fresh PostgreSQL database,
 * through the same insertGalaxies path the CLI uses.
 *
 *   npm run bench:load            (BENCH_COUNT overrides, default 200000)
 */
import postgres from "postgres";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertGalaxies } from "../catalog/bulk-load.js";
import { connect, type Database } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { syntheticSurvey } from "../ingest/synthetic/survey.js";
import { benchAdminUrl } from "./support.js";

const count = Number(process.env.BENCH_COUNT ?? 200_000);

async function measure(label: string, db: Database): Promise<void> {
  await migrate(db.sql);
  const rows = [...syntheticSurvey(count, 7)]; // generated up front: only loading is timed
  const started = performance.now();
  const inserted = await insertGalaxies(db.sql, rows);
  const seconds = (performance.now() - started) / 1000;
  console.log(`| ${label} | ${inserted.toLocaleString("en")} | ${seconds.toFixed(1)} | ${Math.round(inserted / seconds).toLocaleString("en")} |`);
}

console.log(`# bulk load, ${count.toLocaleString("en")} synthetic galaxies, batches of 5,000 rows (INSERT … SELECT FROM unnest), one transaction`);
console.log("| database | rows | seconds | rows/s |");
console.log("|---|---|---|---|");

const dataDir = mkdtempSync(join(tmpdir(), "skycube-bench-"));
const embedded = await connect({ dataDir });
await measure("PGlite 0.5.14 (embedded, on disk)", embedded);
await embedded.close();
rmSync(dataDir, { recursive: true, force: true });

const name = "skycube_bench_load";
const admin = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
await admin.unsafe(`CREATE DATABASE ${name}`);
const url = new URL(benchAdminUrl);
url.pathname = `/${name}`;
const server = await connect({ databaseUrl: url.toString() });
await measure("PostgreSQL 15 (127.0.0.1)", server);
await server.close();
await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
await admin.end();
