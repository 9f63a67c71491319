/**
 * PostgreSQL restarted under a pool whose connections all had a query in
 * flight (a private server: test/support/private-postgres.ts, never the
 * machine's): once the database accepts connections again, the first
 * queries through that pool, reads and a write, all succeed — no
 * SERVICE_UNAVAILABLE from a database that is up (db/unsent-retry.ts: the
 * `postgres` package replays a lost connection's 57P01 onto the next query
 * it has not yet sent, which is now sent again) — and the write is applied
 * once.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { connect, isDatabaseUnavailable, type Database } from "../db/database.js";
import { isConnectionLost } from "../db/unsent-retry.js";
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

  it("answers the first queries after the database is back, restart after restart", async () => {
    for (let round = 0; round < 3; round++) {
      // Every pooled connection busy when the server stops: each gets its FATAL 57P01 mid-query.
      const inFlight = Array.from({ length: POOL }, () => db.sql`SELECT pg_sleep(30)`.then(() => "finished", codeOf));
      await sleep(300);
      pg.pgCtl(["stop", "-m", "fast"]);
      const lost = await Promise.all(inFlight);
      // Sent, then lost: never sent again (it might have been a write that committed).
      for (const code of lost) assert.ok(isConnectionLost({ code }), `round ${round}: a query in flight failed with ${code}`);
      // While the server is down, a query is refused at once (not retried, not waiting).
      const refused = await db.sql`SELECT 1`.then(() => "answered", codeOf);
      assert.ok(isDatabaseUnavailable({ code: refused }) && !isConnectionLost({ code: refused }), refused);
      pg.pgCtl(["start"]);
      await accepting(pg.url);
      // A write first (it takes one of the lost connections), then twice the pool of reads: every
      // connection is reopened, and some queries wait for one.
      const write = db.sql`INSERT INTO things VALUES (${100 + round})`.then(
        () => "written",
        (e: unknown) => `${codeOf(e)} ${(e as Error).message}`,
      );
      const reads = await Promise.allSettled(Array.from({ length: 2 * POOL }, (_, i) => db.sql`SELECT count(*)::int AS n FROM things WHERE id > ${i % 3} AND id <= 10`));
      const written = await write;
      const failures = reads.flatMap((r) => (r.status === "rejected" ? [`${codeOf(r.reason)} ${(r.reason as Error).message}`] : []));
      assert.deepEqual(failures, [], `round ${round}: reads failed after the database was back`);
      assert.equal(written, "written", `round ${round}: the write`);
      assert.deepEqual(
        reads.map((r) => (r.status === "fulfilled" ? Number(r.value[0].n) : NaN)),
        Array.from({ length: 2 * POOL }, (_, i) => 10 - (i % 3)),
      );
    }
    const [{ writes }] = await db.sql`SELECT count(*)::int AS writes FROM things WHERE id > 10`;
    assert.equal(writes, 3, "each round's write applied once");
  });
});

describe("which errors are retried when the query was not sent", () => {
  it("counts only a connection that was open and lost, not one refused", () => {
    for (const code of ["57P01", "57P02", "08006", "CONNECTION_CLOSED", "ECONNRESET", "EPIPE"]) assert.ok(isConnectionLost({ code }), code);
    for (const code of ["ECONNREFUSED", "57P03", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "23505", undefined]) assert.equal(isConnectionLost({ code }), false, String(code));
  });
});
