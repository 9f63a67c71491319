/**
 * Apollo Server 5 mounted on a Hono route: the request is handed to
 * `executeHTTPGraphQLRequest`, which does CSRF prevention, parsing,
 * validation and execution, and its response is copied back.
 */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context as HonoContext } from "hono";
import type { Settings } from "../config/settings.js";
import { CodedError, ErrorCode } from "../errors/codes.js";
import { baseUrlOf } from "../vo/base-url.js";
import { makeContext, type Context, type Services } from "../resolvers/context.js";
import { formatError, graphqlErrorOf } from "./format-error.js";
import { linkGraphqlRequest, observePlugin, recordMeasure } from "./observe.js";
import { queryLimitsPlugin } from "./query-limits.js";
import { RateLimiter } from "./rate-limit.js";
import { graphqlSchema } from "./schema.js";
import { streamJson, stringifyResultDeferred, takeDeferred } from "./stringify-result.js";

/** The client address of each request, keyed by the request's header map (what plugins see of the HTTP request). */
const clientAddresses = new WeakMap<HeaderMap, string>();

/** MUTATION_RATE_LIMIT per client (token and IP), once the operation is known to be a mutation. */
function mutationRateLimitPlugin(settings: Settings): ApolloServerPlugin<Context> {
  const limiter = new RateLimiter(settings.mutationRateLimit, settings.mutationRateWindowS * 1000);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation?.operation !== "mutation" || !request.http) return;
          const headers = request.http.headers as HeaderMap;
          const decision = limiter.take(clientAddresses.get(headers) ?? "unknown", headers.get("authorization"));
          if (decision.allowed) return;
          throw graphqlErrorOf(
            new CodedError(ErrorCode.RATE_LIMITED, `Too many mutations: at most ${settings.mutationRateLimit} per ${settings.mutationRateWindowS} s per client; retry after ${decision.retryAfterS} s`, {
              retryAfterSeconds: decision.retryAfterS,
            }),
          );
        },
      };
    },
  };
}

export async function startGraphql(settings: Settings): Promise<ApolloServer<Context>> {
  const schema = await graphqlSchema();
  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    // The CLI owns the lifecycle (drain HTTP, stop Apollo, close the database).
    stopOnTerminationSignals: false,
    introspection: true,
    includeStacktraceInErrorResponses: settings.nodeEnv === "development",
    // A token cap bounds the work of parsing and of the standard validation
    // rules (OverlappingFieldsCanBeMerged compares sibling fields pairwise).
    parseOptions: { maxTokens: settings.maxQueryTokens },
    plugins: [
      // Our own landing page is at `/`; Apollo's needs the internet.
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching hints yet; the plugin would hook every field resolution.
      ApolloServerPluginCacheControlDisabled(),
      // The request log's operation, errors and (from the query-limits plugin) cost.
      observePlugin(),
      mutationRateLimitPlugin(settings),
      // Depth, cost and bytes: after the standard validation (no fragment cycles), before execution.
      queryLimitsPlugin(schema, { maxDepth: settings.maxQueryDepth, maxComplexity: settings.maxQueryComplexity, maxResponseBytes: settings.maxResponseBytes }, recordMeasure),
    ],
    formatError,
    stringifyResult: stringifyResultDeferred,
  });
  await apollo.start();
  return apollo;
}

/** The peer's address (behind a reverse proxy: the proxy's, so the proxy should limit per client too). */
function clientAddress(c: HonoContext): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // not served by @hono/node-server (app.fetch in-process)
  }
}

export function graphqlHandler(apollo: ApolloServer<Context>, services: Services) {
  return async (c: HonoContext): Promise<Response> => {
    const request = c.req.raw;
    const headers = new HeaderMap();
    request.headers.forEach((value, key) => headers.set(key, value));
    clientAddresses.set(headers, clientAddress(c));
    linkGraphqlRequest(request, headers);
    let body: unknown = undefined;
    if (request.method === "POST") {
      const text = await request.text();
      if ((headers.get("content-type") ?? "").includes("json")) {
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          return Response.json(
            { errors: [{ message: "The request body is not valid JSON", extensions: { code: ErrorCode.BAD_USER_INPUT } }] },
            { status: 400 },
          );
        }
      } else {
        body = text;
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers, search: new URL(request.url).search, body },
      context: async () => makeContext(services, request.headers.get("authorization"), baseUrlOf(c, services.settings.voBaseUrl)),
    });
    const responseHeaders = new Headers();
    for (const [key, value] of result.headers) responseHeaders.set(key, value);
    if (result.body.kind === "complete") {
      const text = result.body.string;
      const kept = takeDeferred(text);
      // A large result comes as a marker (stringifyResultDeferred) and is streamed; a small one is its text.
      return new Response(kept ? streamJson(kept.value) : text, { status: result.status ?? 200, headers: responseHeaders });
    }
    const chunks = result.body.asyncIterator;
    const stream = new ReadableStream({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new TextEncoder().encode(next.value));
      },
    });
    return new Response(stream, { status: result.status ?? 200, headers: responseHeaders });
  };
}
