/**
 * Reads retried when their pooled connection turns out to have been lost.
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
 * What: a statement that only reads (SELECT or WITH … SELECT, no data-
 * modifying keyword, no lock, no sequence or advisory-lock call), run outside
 * a transaction, that fails because its connection was lost (57P01/57P02,
 * 08006, the socket closed or reset), is sent again, on whichever connection
 * the pool hands out next, up to `attempts` times. This is sound whatever
 * the cause: a read has no effect to repeat, so it does not matter whether
 * the first attempt reached the server. Writes are never retried (a lost
 * connection after an INSERT may have committed it): they fail with
 * SERVICE_UNAVAILABLE and the client decides. Queries inside `sql.begin`
 * are never retried (they go through the transaction's own `sql`, not this
 * one: a transaction lost halfway is rolled back and must be redone whole).
 *
 * Why `attempts` = the pool size: every connection replays at most one stale
 * error, so that many retries get past all of them even when each retry is
 * handed another such connection. It cannot loop through an outage: a
 * database that is down or starting refuses the new connection (ECONNREFUSED,
 * 57P03), which is not a lost connection and is not retried.
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

const READS = /^\s*(SELECT|WITH)\b/i;
const NOT_ONLY_READING = /\b(INSERT|UPDATE|DELETE|MERGE|INTO|TRUNCATE|COPY|CALL|FOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)|nextval|setval|pg_advisory\w*|pg_notify|pg_terminate_backend|pg_cancel_backend|set_config)\b/i;

/** The SQL text of a tagged-template call, with that of nested `sql` fragments. */
function textOf(strings: readonly string[] | string, args: readonly unknown[]): string {
  let text = typeof strings === "string" ? strings : strings.join(" ");
  for (const arg of args) {
    const fragment = arg as { strings?: readonly string[] | string; args?: unknown[] } | null;
    if (fragment && typeof fragment === "object" && fragment.strings !== undefined) text += " " + textOf(fragment.strings, fragment.args ?? []);
  }
  return text;
}

/** Whether a statement only reads: SELECT or WITH first, and nothing that writes, locks or has a side effect. */
export function isReadOnlyStatement(strings: readonly string[] | string, args: readonly unknown[] = []): boolean {
  const text = textOf(strings, args);
  return READS.test(text) && !NOT_ONLY_READING.test(text);
}

interface QueryState {
  cursorFn?: unknown;
  forEachFn?: unknown;
  isRaw?: unknown;
  streaming?: unknown;
  options?: { simple?: boolean };
}

/** A query whose `await` resolves like `query`'s, retrying it (as `again()`) on a lost connection. */
function retrying<Q extends PromiseLike<unknown>>(query: Q, again: () => PromiseLike<unknown>, attempts: number): Q {
  const first = query.then.bind(query) as () => PromiseLike<unknown>;
  let outcome: Promise<unknown> | undefined;
  const run = async () => {
    try {
      return await first();
    } catch (error) {
      // Cursors, forEach, raw rows and simple protocol change how the query is read: left alone.
      const state = query as unknown as QueryState;
      if (state.cursorFn || state.forEachFn || state.isRaw || state.streaming || state.options?.simple) throw error;
      let last = error;
      for (let attempt = 0; attempt < attempts && isConnectionLost(last); attempt++) {
        try {
          return await again();
        } catch (next) {
          last = next;
        }
      }
      throw last;
    }
  };
  (query as { then: unknown }).then = (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => (outcome ??= run()).then(onFulfilled, onRejected);
  return query;
}

/**
 * `sql` with its read-only tagged-template queries retried up to `attempts`
 * times on a lost connection (see above). Everything else — writes,
 * fragments, helpers, `begin`, `unsafe`, `end` — is `sql`'s own.
 */
export function retryingReads(sql: Sql, attempts: number): Sql {
  return new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      const query = Reflect.apply(target, self, args);
      const [strings, ...values] = args as [unknown, ...unknown[]];
      const tagged = Array.isArray(strings) && Array.isArray((strings as unknown as { raw?: unknown }).raw);
      if (!tagged || !isReadOnlyStatement(strings as string[], values)) return query;
      return retrying(query, () => Reflect.apply(target, self, args), attempts);
    },
  });
}
