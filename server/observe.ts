/**
 * One structured log line and one latency observation per HTTP request.
 * The middleware (outermost, so refused bodies and 404s count too) times
 * the request to its last byte written (`durationMs`; `headersMs` to the
 * response headers; `aborted` when the client left first); for GraphQL the Apollo plugin below
 * adds what the operation was, and the query-limits plugin its cost:
 *
 *   {"level":"info","time":"…","msg":"request","method":"POST","route":"/graphql",
 *    "status":200,"durationMs":12.3,"headersMs":12.1,"operation":"query coneSearch","operationName":"Cone",
 *    "cost":312,"bytes":0,"errors":[]}
 *
 * Health, readiness and metrics probes are logged at `debug` (hidden at the
 * default LOG_LEVEL=info) so that a scraper does not drown the log.
 */
import type { ApolloServerPlugin, HeaderMap } from "@apollo/server";
import type { MiddlewareHandler } from "hono";
import type { ServerResponse } from "node:http";
import { routePath } from "hono/route";
import { Kind, type OperationDefinitionNode } from "graphql";
import type { EventLog } from "../types/event-log.js";
import type { ServerMetrics } from "./metrics.js";
import type { Measure } from "./query-measure.js";

/** What the GraphQL layer learns of a request. */
interface GraphqlFacts {
  /** "query coneSearch": the operation type and its first root field (bounded by the schema). */
  operation?: string;
  /** The client's operationName (free text: logged, never a metric label). */
  operationName?: string | null;
  cost?: number;
  bytes?: number;
  errors?: string[];
}

const factsByRequest = new WeakMap<Request, GraphqlFacts>();
const factsByHeaders = new WeakMap<HeaderMap, GraphqlFacts>();
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/** Ties the header map handed to Apollo to its HTTP request, so the plugins below can fill in its facts. */
export function linkGraphqlRequest(request: Request, headers: HeaderMap): void {
  const facts = factsByRequest.get(request);
  if (facts) factsByHeaders.set(headers, facts);
}

/** For the query-limits plugin: the measured cost of the operation. */
export function recordMeasure(headers: HeaderMap | undefined, measure: Measure): void {
  const facts = headers && factsByHeaders.get(headers);
  if (facts) Object.assign(facts, { cost: measure.cost, bytes: measure.bytes });
}

function operationLabel(operation: OperationDefinitionNode): string {
  const first = operation.selectionSet.selections[0];
  const field = first?.kind === Kind.FIELD ? first.name.value : "(fragment)";
  return `${operation.operation} ${field}`;
}

export function observePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const facts = request.http && factsByHeaders.get(request.http.headers);
      if (!facts) return;
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          facts.operation = operationLabel(operation);
          facts.operationName = request.operationName ?? operation.name?.value ?? null;
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
          facts.errors = (errors ?? []).map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
        },
      };
    },
  };
}

/** The route a request matched: its registered pattern ("/cutouts/:id"), or "(none)" for a 404 without a route. */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const route = routePath(c, -1);
  return route === "*" || route === "/*" || route === "" ? "(none)" : route;
}

export function observeRequests(log: EventLog & { debug?: EventLog["info"] }, metrics: ServerMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const facts: GraphqlFacts = {};
    factsByRequest.set(c.req.raw, facts);
    try {
      await next();
    } finally {
      const headersMs = performance.now() - started;
      const done = (aborted: boolean) => {
        const seconds = (performance.now() - started) / 1000;
        const route = routeOf(c);
        const status = c.res.status;
        metrics.requestDuration.observe({ route, operation: facts.operation ?? (route === "/graphql" ? "(invalid)" : ""), status: String(status) }, seconds);
        const line = {
          method: c.req.method,
          route,
          path: c.req.path,
          status,
          durationMs: round(seconds * 1000),
          headersMs: round(headersMs),
          ...(aborted ? { aborted: true } : {}),
          ...facts,
        };
        if (PROBES.has(route)) log.debug?.(line, "request");
        else log.info(line, "request");
      };
      // Served by @hono/node-server: the request ends when its last byte is written (or the client goes away).
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      if (outgoing && typeof outgoing.once === "function" && !outgoing.writableFinished) outgoing.once("close", () => done(!outgoing.writableFinished));
      else done(false);
    }
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
