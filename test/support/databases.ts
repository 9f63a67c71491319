/**
 * The database matrix every database test runs on: the embedded PGlite and
 * the machine's PostgreSQL. Each test file gets a fresh, empty database
 * (a throwaway database on the server), migrated from scratch.
 *
 * TEST_DATABASE_URL points at a PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/test). When it cannot be reached the
 * PostgreSQL suites are skipped with the reason, unless
 * SKYCUBE_REQUIRE_POSTGRES=1 (set by .ci/run), which makes that a failure.
 */
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { connect, type ConnectOptions, type Database } from "../../db/database.js";
import { migrate } from "../../db/migrate.js";

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export interface Backend {
  name: "pglite" | "postgres";
  /** Why the suite is skipped, or false. */
  skip: string | false;
  /** Opens a fresh migrated database; `drop()` removes what it created. */
  open(options?: Pick<ConnectOptions, "onQuery">): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** URL of the database (real PostgreSQL only), for child processes. */
  url?: string;
  drop(): Promise<void>;
}

async function postgresReachable(): Promise<string | false> {
  const admin = postgres(testDatabaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`SELECT 1`;
    return false;
  } catch (error) {
    const reason = `PostgreSQL at ${testDatabaseUrl.replace(/\/\/[^@]*@/, "//…@")} is not reachable (${(error as Error).message})`;
    if (process.env.SKYCUBE_REQUIRE_POSTGRES === "1") throw new Error(`${reason}; SKYCUBE_REQUIRE_POSTGRES=1 makes this fatal`);
    return `${reason}; start it or set TEST_DATABASE_URL`;
  } finally {
    await admin.end({ timeout: 1 });
  }
}

const pglite: Backend = {
  name: "pglite",
  skip: false,
  async open(options = {}) {
    const db = await connect({ ...options });
    await migrate(db.sql);
    return { ...db, drop: () => db.close() };
  },
};

function realPostgres(skip: string | false): Backend {
  return {
    name: "postgres",
    skip,
    async open(options = {}) {
      const name = `skycube_test_${process.pid}_${randomBytes(3).toString("hex")}`;
      const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = new URL(testDatabaseUrl);
      url.pathname = `/${name}`;
      const db = await connect({ databaseUrl: url.toString(), maxConnections: 4, ...options });
      await migrate(db.sql);
      return {
        ...db,
        url: url.toString(),
        async drop() {
          await db.close();
          await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end({ timeout: 1 });
        },
      };
    },
  };
}

export const backends: Backend[] = [pglite, realPostgres(await postgresReachable())];
