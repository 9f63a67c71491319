/**
 * Bytes per row of the catalogue's tables and indexes in PostgreSQL, for
 * the sizing in docs/SCALE.md:
 *
 *   node dist/bench/table-sizes.js postgres://…/skycube_scale_2000
 *       a database `bench:scale` ingested (BENCH_SCALE_DB=postgres BENCH_SCALE_KEEP=1):
 *       real SDSS-ingest rows of galaxies, galaxy_sources, cube_shards
 *   node dist/bench/table-sizes.js --synthetic 200000
 *       a fresh database of 200,000 demo catalogue rows (no cube) and one
 *       stored prediction per galaxy: the per-row sizes once B-tree
 *       overheads have settled, and the predictions table
 *
 * Sizes after VACUUM ANALYZE: heap (pg_relation_size, main fork), TOAST,
 * each index, and pg_total_relation_size; per row = bytes / rows.
 */
import postgres from "postgres";
import { connect } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { benchAdminUrl } from "./support.js";

let url = process.argv[2];
if (!url) throw new Error("usage: table-sizes.js DATABASE_URL | --synthetic N");
if (url === "--synthetic") {
  const count = Number(process.argv[3] ?? 200_000);
  const name = `skycube_scale_sizes_${count}`;
  const admin = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(benchAdminUrl);
  u.pathname = `/${name}`;
  url = u.toString();
  const db = await connect({ databaseUrl: url, maxConnections: 1 });
  await migrate(db.sql);
  await loadDemo(db.sql, { count, seed: 1 });
  // One predictor and a stored prediction of every galaxy, as a training run leaves them.
  const [{ id: run }] = await db.sql`INSERT INTO training_runs (input, status) VALUES ('{}'::jsonb, 'SUCCEEDED') RETURNING id`;
  const [{ id: predictor }] = await db.sql`INSERT INTO predictors (run_id, name, version, spec, model) VALUES (${run}, 'sizes', 1, '{}'::jsonb, '\\x00'::bytea) RETURNING id`;
  await db.sql`INSERT INTO predictions (predictor_id, galaxy_id, value, sigma, in_domain, domain_notes)
    SELECT ${predictor}, id, random() * 3 - 2, random() * 0.5, random() < 0.97,
      CASE WHEN random() < 0.03 THEN ARRAY['redshift 0.61 is outside the training redshifts 0.01-0.33'] ELSE '{}'::text[] END
    FROM galaxies`;
  await db.close();
}

const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql`VACUUM ANALYZE`;
const tables = ["galaxies", "galaxy_sources", "predictions", "cube_shards"];
console.log(`# ${new URL(url).pathname.slice(1)}`);
console.log("| table | rows | heap B/row | TOAST B/row | index | index B/row | total B/row (pg_total_relation_size) |");
console.log("|---|---|---|---|---|---|---|");
for (const table of tables) {
  const [{ rows }] = await sql`SELECT count(*)::int8 AS rows FROM ${sql(table)}`;
  const n = Number(rows);
  if (n === 0) continue;
  const [sizes] = await sql`SELECT pg_relation_size(${table}::regclass) AS heap, pg_total_relation_size(${table}::regclass) AS total,
    COALESCE(pg_total_relation_size(NULLIF(reltoastrelid, 0)), 0) AS toast FROM pg_class WHERE oid = ${table}::regclass`;
  const indexes = await sql`SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS bytes FROM pg_index WHERE indrelid = ${table}::regclass ORDER BY 1`;
  const per = (b: unknown) => (Number(b) / n).toFixed(1);
  console.log(`| ${table} | ${n} | ${per(sizes.heap)} | ${per(sizes.toast)} | | | ${per(sizes.total)} |`);
  for (const index of indexes) console.log(`| | | | | ${index.name} | ${per(index.bytes)} | |`);
}
const [{ galaxies }] = await sql`SELECT count(*)::int8 AS galaxies FROM galaxies`;
const [{ total }] = await sql`SELECT sum(pg_total_relation_size(c.oid))::int8 AS total FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r'`;
console.log(`all public tables with their indexes and TOAST: ${(Number(total) / Number(galaxies)).toFixed(0)} B per galaxy`);
await sql.end();
