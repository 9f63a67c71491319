/**
 * "The database is unreachable or restarting" is one test (db/database.ts)
 * that both error mappers use: a real PostgreSQL backend terminated under a
 * running query (pg_terminate_backend, as a restart does: SQLSTATE 57P01),
 * and a refused connection, become SERVICE_UNAVAILABLE in GraphQL and a 503
 * in the VO services; other errors stay INTERNAL_SERVER_ERROR.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import postgres from "postgres";
import { connect, isDatabaseUnavailable, reconnectDelaySeconds } from "../db/database.js";
import { formatError } from "../server/format-error.js";
import { faultOf } from "../vo/faults.js";
import { backends, type TestDatabase } from "./support/databases.js";

const postgresBackend = backends.find((b) => b.name === "postgres")!;

function asResolverError(error: unknown): GraphQLError {
  return new GraphQLError("x", { originalError: error as Error, path: ["galaxy"] }); // as Apollo hands a resolver's error to formatError
}

describe("database unavailable", { skip: postgresBackend.skip }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await postgresBackend.open();
  });
  after(async () => {
    await db?.drop();
  });

  it("maps a backend terminated mid-query (57P01) to SERVICE_UNAVAILABLE and VO 503", async () => {
    const victim = postgres(db.url!, { max: 1, onnotice: () => {} });
    try {
      const [{ pid }] = await victim`SELECT pg_backend_pid() AS pid`;
      const running = victim`SELECT pg_sleep(10)`.then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((r) => setTimeout(r, 200));
      await db.sql`SELECT pg_terminate_backend(${pid})`;
      const error = await running;
      // postgres.js reports the lost socket (CONNECTION_CLOSED) or the server's 57P01, whichever arrives first.
      assert.ok(["57P01", "CONNECTION_CLOSED"].includes((error as { code?: string }).code!), String((error as { code?: string }).code));
      assert.ok(isDatabaseUnavailable(error));
      const formatted = formatError({ message: "x", extensions: { code: "INTERNAL_SERVER_ERROR" } }, asResolverError(error));
      assert.equal(formatted.extensions?.code, "SERVICE_UNAVAILABLE");
      const fault = faultOf(error);
      assert.deepEqual([fault.code, fault.status], ["SERVICE_UNAVAILABLE", 503]);
    } finally {
      await victim.end({ timeout: 1 });
    }
  });

  it("answers the next read on a connection whose backend was terminated mid-query", async () => {
    // The `postgres` package keeps the 57P01 of the lost session and replays it onto the first query
    // of the connection's next, healthy session (db/unsent-retry.ts); that read is sent again.
    const pool = await connect({ databaseUrl: db.url!, maxConnections: 1 });
    try {
      for (let round = 0; round < 3; round++) {
        const [{ pid }] = await pool.sql`SELECT pg_backend_pid() AS pid`;
        const running = pool.sql`SELECT pg_sleep(10)`.then(
          () => undefined,
          (error: unknown) => error,
        );
        await new Promise((r) => setTimeout(r, 200));
        await db.sql`SELECT pg_terminate_backend(${pid})`;
        assert.ok(isDatabaseUnavailable(await running));
        const [{ next }] = await pool.sql`SELECT pg_backend_pid() AS next`;
        assert.notEqual(next, pid, "a new session");
      }
    } finally {
      await pool.close();
    }
  });

  it("reconnects within a second however many connection attempts an outage failed", () => {
    // The postgres package's default grows to 20 s; after a restart, requests would wait that long.
    assert.equal(reconnectDelaySeconds(0), 0.05);
    for (let retries = 0; retries < 100; retries++) assert.ok(reconnectDelaySeconds(retries) <= 1 && reconnectDelaySeconds(retries) >= reconnectDelaySeconds(Math.max(0, retries - 1)));
    assert.equal(reconnectDelaySeconds(50), 1);
  });

  it("counts the SQLSTATE classes of a restarting server (57P01-57P03, 08xxx) as unavailable", () => {
    for (const code of ["57P01", "57P02", "57P03", "08006", "08001"]) assert.ok(isDatabaseUnavailable({ code }), code);
    for (const code of ["42P01", "23505", "40001", undefined]) assert.equal(isDatabaseUnavailable({ code }), false, String(code));
  });

  it("maps a refused connection the same way, and leaves other errors internal", async () => {
    const nowhere = postgres("postgres://postgres@127.0.0.1:1/none", { max: 1, connect_timeout: 2, onnotice: () => {} });
    const error = await nowhere`SELECT 1`.then(() => undefined, (e: unknown) => e);
    await nowhere.end({ timeout: 1 });
    assert.ok(isDatabaseUnavailable(error), String((error as { code?: string }).code));
    assert.equal(faultOf(error).status, 503);
    const syntax = await db.sql`SELECT FROM nothing_here`.then(() => undefined, (e: unknown) => e);
    assert.equal(isDatabaseUnavailable(syntax), false);
    const log = console.error;
    console.error = () => {};
    try {
      assert.equal(formatError({ message: "x", extensions: { code: "INTERNAL_SERVER_ERROR" } }, asResolverError(syntax)).extensions?.code, "INTERNAL_SERVER_ERROR");
      assert.equal(faultOf(syntax).status, 500);
    } finally {
      console.error = log;
    }
  });
});
