/**
 * The Prometheus metrics of one server (prom-client), served at /metrics in
 * the text exposition format:
 *
 * - skycube_http_request_duration_seconds{route, operation, status}: a
 *   histogram per route (the registered pattern, never the raw path) and,
 *   for GraphQL, per operation ("query coneSearch": the operation type and
 *   its first root field, so the labels are bounded by the schema, not by
 *   what clients send as operationName);
 * - skycube_cube_reads_total{kind} and skycube_cube_shard_handles_total{result}
 *   (hit or miss of the cube's open-handle cache), counted through the
 *   cube's CubeObserver hook;
 * - skycube_training_runs{status} and skycube_training_queue_depth (QUEUED
 *   runs), read from the database at each scrape (bounded by a timeout);
 * - the process's default metrics, among them nodejs_eventloop_lag_seconds
 *   and its p50/p90/p99 since the previous scrape.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context as HonoContext } from "hono";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { ErrorCode, httpStatusOf } from "../errors/codes.js";
import { isAuthorized } from "../resolvers/context.js";
import type { CubeObserver } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";

/** The process's own metrics (CPU, memory, event loop, GC): once per process, however many servers it runs. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

const RUN_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];

/** How long a scrape may wait for the database's counts (then the training gauges are left out). */
const DATABASE_TIMEOUT_MS = 1000;

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: "skycube_http_request_duration_seconds",
    help: "Time from a request's arrival to the last byte of its response, by route pattern, GraphQL operation (type and first root field) and HTTP status.",
    labelNames: ["route", "operation", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly cubeReads = new Counter({
    name: "skycube_cube_reads_total",
    help: "Cube rows read (one galaxy's image or spectrum at one zoom), by kind.",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly shardHandles = new Counter({
    name: "skycube_cube_shard_handles_total",
    help: "Lookups of the cube's open-shard-handle cache: hit (already open) or miss (opened).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  constructor(db: Database) {
    let counts: Promise<Map<string, number> | undefined> | undefined;
    // Both gauges share one query per scrape; none when the database does not answer in time.
    const read = () =>
      (counts ??= Promise.race([
        db.sql`SELECT status, count(*)::int AS n FROM training_runs GROUP BY status`.then((rows) => new Map(rows.map((r) => [String(r.status), Number(r.n)]))),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), DATABASE_TIMEOUT_MS).unref()),
      ])
        .catch(() => undefined)
        .finally(() => setImmediate(() => (counts = undefined))));
    new Gauge({
      name: "skycube_training_runs",
      help: "Training runs in the database, by status.",
      labelNames: ["status"] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const byStatus = await read();
        if (byStatus) for (const status of RUN_STATUSES) this.set({ status }, byStatus.get(status) ?? 0);
      },
    });
    new Gauge({
      name: "skycube_training_queue_depth",
      help: "Training runs waiting to be trained (QUEUED).",
      registers: [this.registry],
      async collect() {
        this.reset();
        const byStatus = await read();
        if (byStatus) this.set(byStatus.get("QUEUED") ?? 0);
      },
    });
  }

  /** The hook the cube store calls (cube/ knows nothing of Prometheus). */
  readonly cubeObserver: CubeObserver = {
    rowsRead: (kind, count) => this.cubeReads.inc({ kind }, count),
    handleLookup: (hit) => this.shardHandles.inc({ result: hit ? "hit" : "miss" }),
  };

  /** The text exposition of this server's metrics and the process's. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const [own, proc] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, text: `${own}\n${proc}` };
  }
}

/** Whether a peer address is this machine's (IPv4 127/8, IPv6 ::1, or 127/8 mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/**
 * GET /metrics as METRICS says: `loopback` (default) answers clients on this
 * machine and asks others for the API token, `token` always asks for it,
 * `open` answers anyone, `off` has no route.
 */
export function metricsRoute(metrics: ServerMetrics, access: string, apiToken: string) {
  return async (c: HonoContext): Promise<Response> => {
    if (access !== "open" && !(access === "loopback" && isLoopback(peerAddress(c))) && !isAuthorized(c.req.header("authorization"), apiToken)) {
      const message = access === "token" ? "/metrics needs the header `Authorization: Bearer <API_TOKEN>` (METRICS=token)" : "/metrics answers clients on this machine; others need the header `Authorization: Bearer <API_TOKEN>` (METRICS=loopback)";
      return c.json({ error: { code: ErrorCode.UNAUTHENTICATED, message } }, httpStatusOf.UNAUTHENTICATED as 401);
    }
    const { contentType, text } = await metrics.exposition();
    return c.body(text, 200, { "content-type": contentType });
  };
}

function peerAddress(c: HonoContext): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by @hono/node-server (app.fetch in-process)
  }
}
