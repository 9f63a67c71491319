/**
 * Queries sent again when a lost pooled connection failed them before they were sent.
 *
 * Why: when PostgreSQL restarts, every pooled connection that had a query in
 * flight receives the server's FATAL 57P01 ("terminating connection due to
 * administrator command") and is closed. The `postgres` package (3.4.9)
 * rejects that query, but keeps the 57P01 error in the connection's state:
 * the next time that connection is opened — as late as the first time the
 * pool needs it after the database is back, which under light traffic can be
 * minutes later — the first ReadyForQuery of the fresh, healthy session
 * replays the old error onto the query that was waiting to be sent (the error
 * still names the old query's text). That query never reached the server.
 * (The same replay from a connection killed during start-up is
 * porsager/postgres issue #1223.) Each affected connection replays its error
 * once; the client gets SERVICE_UNAVAILABLE from a database that is up.
 *
 * What: a query that fails with a lost connection's error (57P01/57P02,
 * 08006, the socket closed or reset) before the connection ever sent it is
 * sent again, on whichever connection the pool hands out next, up to
 * `attempts` times. "Never sent" is the package's own record: a query gets
 * its `state` (the backend it runs on) when a connection writes it, so one
 * still without it was never written to any server. That makes the retry
 * sound for every statement, a write included: a query the server never
 * received cannot have committed. A query that was sent and then lost its
 * connection (in flight during the restart) is never retried: it may have
 * committed, and it fails with SERVICE_UNAVAILABLE as before. (An earlier
 * form of this retried every read that lost its connection; retrying reads
 * that were in flight while the database was still down left some of them
 * waiting 30 s for the package's connect timeout — in 3 of 11 cluster test
 * runs, and in every run of a focused script; why the package then waits
 * was not pinned down — and bought nothing: the database was down.) Queries inside `sql.begin` are never retried (they
 * go through the transaction's own `sql`, not this one).
 *
 * Why `attempts` = the pool size: every connection replays at most one stale
 * error (the package clears it at that ReadyForQuery), so that many retries
 * get past all of them even when each retry is handed another such
 * connection. A replayed error only ever arrives from a session that the
 * server accepted, so the retries happen while the database is up.
 */
import type postgres from "postgres";

type Sql = postgres.Sql;

/** Error codes of a connection that was open and was lost (node, the `postgres` package, PostgreSQL 15 Appendix A). */
const LOST_CONNECTION_CODES = new Set(["57P01", "57P02", "08006", "CONNECTION_CLOSED", "ECONNRESET", "EPIPE"]);

/** Whether an error means the connection a query was sent on was lost (not refused, not ended by us). */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && LOST_CONNECTION_CODES.has(code);
}

/** What the `postgres` package (3.4.9) records on a query: `state` once a connection has written it. */
interface QueryState {
  state?: unknown;
  cursorFn?: unknown;
  forEachFn?: unknown;
  isRaw?: unknown;
  streaming?: unknown;
  options?: { simple?: boolean };
}

/** A query whose `await` resolves like `query`'s, sending it again (as `again()`) when it failed on a lost connection before it was sent. */
function retrying<Q extends PromiseLike<unknown>>(query: Q, again: () => PromiseLike<unknown>, attempts: number): Q {
  const first = query.then.bind(query) as () => PromiseLike<unknown>;
  let outcome: Promise<unknown> | undefined;
  const run = async () => {
    try {
      return await first();
    } catch (error) {
      // The retry is a plain query: cursors, forEach, raw rows and the simple protocol are left alone.
      const sent = (q: unknown) => (q as QueryState).state != null;
      const state = query as unknown as QueryState;
      if (state.cursorFn || state.forEachFn || state.isRaw || state.streaming || state.options?.simple) throw error;
      let last = error;
      let lastQuery: unknown = query;
      for (let attempt = 0; attempt < attempts && isConnectionLost(last) && !sent(lastQuery); attempt++) {
        const next = again();
        lastQuery = next;
        try {
          return await next;
        } catch (failure) {
          last = failure;
        }
      }
      throw last;
    }
  };
  (query as { then: unknown }).then = (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => (outcome ??= run()).then(onFulfilled, onRejected);
  return query;
}

/**
 * `sql` with its tagged-template queries sent again, up to `attempts` times,
 * when a lost connection failed them before they were sent (see above).
 * Everything else — fragments, helpers, `begin`, `unsafe`, `end` — is
 * `sql`'s own.
 */
export function retryingUnsent(sql: Sql, attempts: number): Sql {
  return new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      const query = Reflect.apply(target, self, args);
      const strings = args[0] as { raw?: unknown } | undefined;
      if (!Array.isArray(strings) || !Array.isArray(strings.raw)) return query;
      return retrying(query, () => Reflect.apply(target, self, args), attempts);
    },
  });
}
