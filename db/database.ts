/**
 * One SQL dialect, one client: every query goes through the `postgres`
 * package, whether the server behind it is a real PostgreSQL or the embedded
 * PGlite (reached over a private Unix socket by @electric-sql/pglite-socket).
 */
import postgres from "postgres";
import { StartupError } from "../errors/startup.js";
import { dataDirFailure } from "./data-dir.js";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { openEmbedded, type EmbeddedServer } from "./embedded.js";
import { retryingUnsent } from "./unsent-retry.js";

/** int8 columns (ids, HEALPix indices) arrive as decimal strings. */
export type Sql = postgres.Sql;

export interface Database {
  sql: Sql;
  /** "postgres" for a real server, "pglite" for the embedded one. */
  kind: "postgres" | "pglite";
  /** The postgres://… URL of a real server (job queues open their own connections with it). */
  url?: string;
  /** The embedded database's hold on its data folder (one process at a time). */
  lock?: DataDirLock;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… URL; when empty, the embedded database in `dataDir` is used. */
  databaseUrl?: string;
  /** Folder for PGlite's files; undefined keeps the embedded database in memory. */
  dataDir?: string;
  /** Pool size on a real server (the embedded database always has one connection). */
  maxConnections?: number;
  /** Called with the text of every query sent (tests count queries with it). */
  onQuery?: (query: string) => void;
  /** What opens it (named in the lock other processes are refused with). */
  purpose?: string;
}

/**
 * Seconds a lost connection waits before it connects again, after the pool's
 * `retries`-th failure in a row (reset by a success). The package's default
 * grows as 3^retries / 100 up to 20 s, and every failed query of an outage
 * counts: a PostgreSQL restart of a few seconds under load left requests
 * waiting up to 20 s after the database was back. Capped at 1 s, a
 * restarted database is used again within a second, and one that stays
 * down gets at most one attempt a second per connection.
 */
export function reconnectDelaySeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

const clientOptions = {
  onnotice: () => {},
  backoff: reconnectDelaySeconds,
  connection: {
    application_name: "skycube",
    // Our queries are short index lookups whose row estimates (joins on
    // arrays of HEALPix ranges) look large to the planner; JIT compiling
    // them costs 5-10 ms and saves nothing.
    jit: "off",
  },
} as const;

/**
 * The `postgres` client's URL and socket path for a DATABASE_URL. A libpq-style
 * `?host=/var/run/postgresql` (a directory) means the server's Unix socket in
 * that folder (`.s.PGSQL.<port>`), which the client does not read from a URL by
 * itself; pg-boss's driver reads the same URL natively. Over the socket each
 * query's write costs less than over loopback TCP (bench/RESULTS.md).
 */
export function clientUrl(databaseUrl: string): { url: string; path?: string } {
  const url = new URL(databaseUrl);
  const dir = url.searchParams.get("host");
  if (!dir?.startsWith("/")) return { url: databaseUrl };
  url.searchParams.delete("host");
  return { url: url.toString(), path: `${dir.replace(/\/$/, "")}/.s.PGSQL.${url.port || 5432}` };
}

export async function connect(options: ConnectOptions): Promise<Database> {
  const debug = options.onQuery ? (_connection: number, query: string) => options.onQuery?.(query) : undefined;
  if (options.databaseUrl) {
    const { url, path } = clientUrl(options.databaseUrl);
    const max = options.maxConnections ?? 10;
    // A query that a lost connection failed before sending it (after a restart) is sent again: db/unsent-retry.ts says why.
    const sql = retryingUnsent(postgres(url, { ...clientOptions, debug, max, ...(path ? { path } : {}) }), max);
    return { sql, kind: "postgres", url: options.databaseUrl, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = options.dataDir;
  let lock: DataDirLock | undefined;
  try {
    lock = dataDir ? lockDataDir(dataDir, options.purpose ?? "skycube") : undefined;
  } catch (error) {
    throw (dataDir && dataDirFailure(error, dataDir, "writing its lock file")) || error;
  }
  let embedded: EmbeddedServer;
  try {
    embedded = await openEmbedded(dataDir);
  } catch (error) {
    lock?.release();
    throw (dataDir && dataDirFailure(error, dataDir, "opening the embedded database")) || error;
  }
  // PGlite is a single session: one connection, so that two transactions
  // can never interleave.
  const sql = retryingUnsent(postgres({ ...clientOptions, debug, path: embedded.socketPath, max: 1, database: "postgres", username: "postgres" }), 1);
  return {
    sql,
    kind: "pglite",
    lock,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.close();
      lock?.release();
    },
  };
}

/** Client-side codes of a connection that could not be made or was lost (node and the `postgres` package). */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ENOENT", "EPIPE", "ETIMEDOUT", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]);

/**
 * Whether an error means "the database is unreachable or restarting" (so the
 * caller should retry later), not a bug: a connection refused or lost, or a
 * server error of SQLSTATE class 08 (connection exception) or 57P
 * (operator intervention: 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now — "the database system is shutting down /
 * starting up"). PostgreSQL 15 manual, Appendix A. The one test both error
 * mappers (GraphQL and VO) use.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return false;
  return CONNECTION_CODES.has(code) || code.startsWith("08") || code.startsWith("57P");
}

/** SQLSTATEs of a server that answers but refuses us (PostgreSQL 15 manual, Appendix A). */
const REFUSALS: Record<string, string> = {
  "28P01": "the password was refused",
  "28000": "the login was refused",
  "3D000": "the database does not exist",
};

/**
 * Why a start failed, when the PostgreSQL server of DATABASE_URL is the
 * reason: unreachable or restarting, or refusing the login or the database.
 * One line naming host, port and database (never the user or password).
 */
export function databaseUrlFailure(error: unknown, databaseUrl: string, step: string): StartupError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const refusal = typeof code === "string" ? REFUSALS[code] : undefined;
  if (!refusal && !isDatabaseUnavailable(error)) return undefined;
  let where = "DATABASE_URL";
  try {
    const url = new URL(databaseUrl);
    where = `the PostgreSQL server of DATABASE_URL (${url.hostname || "localhost"}:${url.port || 5432}, database ${JSON.stringify(decodeURIComponent(url.pathname.slice(1)) || "(default)")})`;
  } catch {
    // settings checked it is a URL; keep the generic name
  }
  const cause = refusal ? `${refusal} (${code})` : `cannot be reached (${String(code)})`;
  return new StartupError(`${where}: ${cause} while ${step}; ${refusal ? "correct DATABASE_URL" : "start it or correct DATABASE_URL"}`);
}
