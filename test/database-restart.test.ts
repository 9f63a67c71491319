/**
 * PostgreSQL restarted under a pool whose connections all had a query in
 * flight (a private server: test/support/private-postgres.ts, never the
 * machine's): once the database accepts connections again, the first reads
 * through that pool all succeed — no SERVICE_UNAVAILABLE from a database
 * that is up (db/read-retry.ts: the `postgres` package replays a lost
 * connection's 57P01 onto its next query, which reads now retry).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { connect, isDatabaseUnavailable, type Database } from "../db/database.js";
import { isConnectionLost, isReadOnlyStatement } from "../db/read-retry.js";
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.js";

const POOL = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const codeOf = (error: unknown) => String((error as { code?: unknown }).code);

/** Waits until a new connection (not the pool's) can query the server: the database is back. */
async function accepting(url: string): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(100)) {
    const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`SELECT 1`;
      return;
    } catch {
      // not yet
    } finally {
      await probe.end({ timeout: 1 });
    }
  }
  throw new Error("PostgreSQL did not come back within 30 s");
}

describe("a PostgreSQL restart under a busy pool", { skip: privatePostgresUnavailable() ?? false }, () => {
  let pg: PrivatePostgres;
  let db: Database;
  before(async () => {
    pg = await startPrivatePostgres();
    db = await connect({ databaseUrl: pg.url, maxConnections: POOL });
    await db.sql`CREATE TABLE things (id int PRIMARY KEY)`;
    await db.sql`INSERT INTO things SELECT generate_series(1, 10)`;
  });
  after(async () => {
    await db?.close();
    pg?.remove();
  });

  it("answers the first reads after the database is back, restart after restart", async () => {
    for (let round = 0; round < 3; round++) {
      // Every pooled connection busy when the server stops: each gets its FATAL 57P01 mid-query.
      const inFlight = Array.from({ length: POOL }, () => db.sql`SELECT pg_sleep(30)`.then(() => "finished", codeOf));
      await sleep(300);
      pg.pgCtl(["stop", "-m", "fast"]);
      const lost = await Promise.all(inFlight);
      // (Lost mid-query and retried, they end refused by the stopped server: unavailable either way.)
      for (const code of lost) assert.ok(isDatabaseUnavailable({ code }), `round ${round}: a query in flight failed with ${code}`);
      pg.pgCtl(["start"]);
      await accepting(pg.url);
      // Twice the pool: every connection is reopened, and some queries wait for one.
      const reads = await Promise.allSettled(Array.from({ length: 2 * POOL }, (_, i) => db.sql`SELECT count(*)::int AS n FROM things WHERE id > ${i % 3}`));
      const failures = reads.flatMap((r) => (r.status === "rejected" ? [`${codeOf(r.reason)} ${(r.reason as Error).message}`] : []));
      assert.deepEqual(failures, [], `round ${round}: reads failed after the database was back`);
      assert.deepEqual(
        reads.map((r) => (r.status === "fulfilled" ? Number(r.value[0].n) : NaN)),
        Array.from({ length: 2 * POOL }, (_, i) => 10 - (i % 3)),
      );
    }
  });
});

describe("which statements are retried on a lost connection", () => {
  it("retries reads only", () => {
    for (const text of ["SELECT 1", " select id FROM galaxies WHERE id = $1", "WITH x AS (SELECT 1) SELECT * FROM x", "SELECT updated_at, deleted FROM t"]) assert.ok(isReadOnlyStatement([text]), text);
    for (const text of [
      "INSERT INTO t VALUES (1)",
      "UPDATE t SET a = 1",
      "DELETE FROM t",
      "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM x",
      "SELECT id FROM t FOR UPDATE",
      "SELECT nextval('s')",
      "SELECT pg_advisory_lock(1)",
      "SELECT * INTO copy FROM t",
      "CREATE TABLE t (a int)",
    ])
      assert.equal(isReadOnlyStatement([text]), false, text);
  });

  it("reads the text of nested fragments too", () => {
    const sql = postgres({ max: 1 }); // never connects: fragments are only built
    try {
      assert.equal(isReadOnlyStatement(["SELECT * FROM t WHERE ", ""], [sql`a = 1`]), true);
      assert.equal(isReadOnlyStatement(["WITH x AS (", ") SELECT * FROM x"], [sql`DELETE FROM t RETURNING id`]), false);
    } finally {
      void sql.end({ timeout: 0 });
    }
  });

  it("counts only a connection that was open and lost, not one refused", () => {
    for (const code of ["57P01", "57P02", "08006", "CONNECTION_CLOSED", "ECONNRESET", "EPIPE"]) assert.ok(isConnectionLost({ code }), code);
    for (const code of ["ECONNREFUSED", "57P03", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "23505", undefined]) assert.equal(isConnectionLost({ code }), false, String(code));
  });
});
