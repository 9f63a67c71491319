/**
 * Coded errors (errors/codes.ts) as GraphQL errors and as the JSON of the
 * file routes: the one place the server maps them to its protocols (the VO
 * has its own, vo/faults.ts). Unknown errors become INTERNAL_SERVER_ERROR:
 * their message (which may carry SQL or parameters) is logged, never
 * returned; an unavailable database (db/database.ts) is SERVICE_UNAVAILABLE.
 */
import { HeaderMap } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { CubeError } from "../cube/cube-store.js";
import { isDatabaseUnavailable } from "../db/database.js";
import { CodedError, ErrorCode, httpStatusOf } from "../errors/codes.js";

const UNAVAILABLE_MESSAGE = "The database is unavailable; try again later";

/** The `extensions` of a coded error: its code, then its details (problems, cost, limit, …). */
function extensionsOf(error: CodedError): Record<string, unknown> {
  return { code: error.code, ...error.details };
}

/**
 * Apollo's formatError hook: a resolver's coded error keeps its code and
 * details; errors Apollo coded itself (GRAPHQL_PARSE_FAILED, BAD_REQUEST, …)
 * pass unchanged.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const original = unwrapResolverError(error);
  const stacktrace = formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {};
  const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  // A damaged or missing shard fails the fields of its own galaxies, naming the shard (not the server's paths).
  if (original instanceof CubeError && original.code === "CUBE_UNREADABLE") {
    console.error(`cube: ${original.message}`);
    return { message: `the cube shard ${original.shard} holding this galaxy's data is missing or damaged`, ...where, extensions: { code: ErrorCode.CUBE_UNREADABLE, shard: original.shard } };
  }
  if (original instanceof CodedError) return { message: original.message, ...where, extensions: { ...extensionsOf(original), ...stacktrace } };
  if (isDatabaseUnavailable(original)) return { message: UNAVAILABLE_MESSAGE, ...where, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  // graphql-js's own argument coercion during execution (e.g. a null variable for a non-null argument that has a default): the caller's input.
  if (original instanceof GraphQLError && !original.originalError) {
    const coercion = /^Argument "([^"]+)" of (?:non-null|required) type "[^"]+" (?:must not be null|was provided the variable)/.exec(original.message);
    if (coercion) return { message: original.message, ...where, extensions: { code: ErrorCode.BAD_USER_INPUT, problems: [{ argument: coercion[1], message: original.message }] } };
  }
  console.error("internal error:", original instanceof Error ? original.stack : original);
  return { message: "Internal server error", ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...stacktrace } };
}

/**
 * A coded error thrown before execution (from a plugin's
 * didResolveOperation) as the GraphQLError Apollo answers with: Apollo reads
 * the HTTP status (and Retry-After) from `extensions.http` there, before
 * formatError runs.
 */
export function graphqlErrorOf(error: CodedError): GraphQLError {
  const headers = new HeaderMap();
  if (error.details.retryAfterSeconds !== undefined) headers.set("retry-after", String(error.details.retryAfterSeconds));
  return new GraphQLError(error.message, { originalError: error, extensions: { ...extensionsOf(error), http: { status: error.httpStatus, headers } } });
}

/** The body and status of a failed file route (`{ error: { code, message, … } }`), for any thrown value. */
export function jsonErrorOf(error: unknown): { status: number; body: { error: Record<string, unknown> }; headers: Record<string, string> } {
  if (error instanceof CodedError) {
    const headers: Record<string, string> = error.details.retryAfterSeconds !== undefined ? { "retry-after": String(error.details.retryAfterSeconds) } : {};
    return { status: error.httpStatus, body: { error: { ...extensionsOf(error), message: error.message } }, headers };
  }
  if (error instanceof CubeError && error.code === "CUBE_UNREADABLE") {
    console.error(`cube: ${error.message}`);
    const message = `the cube shard ${error.shard} holding this galaxy's data is missing or damaged`;
    return { status: httpStatusOf.CUBE_UNREADABLE, body: { error: { code: ErrorCode.CUBE_UNREADABLE, message, shard: error.shard } }, headers: {} };
  }
  if (isDatabaseUnavailable(error)) {
    return { status: httpStatusOf.SERVICE_UNAVAILABLE, body: { error: { code: ErrorCode.SERVICE_UNAVAILABLE, message: UNAVAILABLE_MESSAGE } }, headers: {} };
  }
  console.error("unhandled error:", error instanceof Error ? error.stack : error);
  return { status: httpStatusOf.INTERNAL_SERVER_ERROR, body: { error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: "Internal server error" } }, headers: {} };
}
