/** Shared bench helpers: a bench database with N synthetic galaxies, timing, percentiles. */
import postgres from "postgres";
import { countGalaxies } from "../catalog/bulk-load.js";
import { clientUrl, connect, type Database } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { syntheticSurvey } from "../ingest/synthetic/survey.js";
import { Random } from "../random/random.js";

export const benchAdminUrl = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** A fresh, empty PostgreSQL database `name` beside the bench admin database (dropped first if it exists); returns its URL. */
export async function freshBenchDatabase(name: string): Promise<string> {
  const admin = postgres(benchAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(benchAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens (creating and filling on first use) a PostgreSQL database holding `count` synthetic galaxies. */
export async function benchDatabase(count: number, maxConnections = 10): Promise<{ db: Database; url: string }> {
  const name = `skycube_bench_${count}`;
  const adminClient = clientUrl(benchAdminUrl);
  const admin = postgres(adminClient.url, { max: 1, onnotice: () => {}, ...(adminClient.path ? { path: adminClient.path } : {}) });
  const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  if (!exists) await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(benchAdminUrl);
  url.pathname = `/${name}`;
  const db = await connect({ databaseUrl: url.toString(), maxConnections });
  await migrate(db.sql);
  const have = await countGalaxies(db.sql);
  if (have < count) {
    const started = performance.now();
    await loadDemo(db.sql, { count, seed: 1 });
    await db.sql`VACUUM ANALYZE galaxies`;
    console.error(`filled ${name}: ${count - have} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { db, url: url.toString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(latenciesMs: number[]): { n: number; p50: number; p99: number; mean: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

/** 2,000 cone centres within 1 arcmin of demo galaxies (seed 1), the same for every HTTP cone bench. */
export function benchConeCentres(): [number, number][] {
  const random = new Random(5);
  return [...syntheticSurvey(2000, 1, 1000)].map((g) => [(g.raDeg + random.uniform(-1, 1) / 60 + 360) % 360, g.decDeg + random.uniform(-1, 1) / 60]);
}

/** Resolves once a server started in another process answers `GET {base}/healthz`. */
export async function untilHealthy(base: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One GraphQL request to a bench's server at `base`: its `data`, or an error with its `errors`; `auth` sends `token` as the bearer. */
export async function benchGraphql(base: string, token: string, query: string, variables: Record<string, unknown> = {}, auth = false): Promise<any> {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
