/**
 * The one place unknown errors are turned into INTERNAL_SERVER_ERROR: their
 * message (which may carry SQL or parameters) is logged, never returned.
 */
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { CubeError } from "../cube/cube-store.js";
import { isDatabaseUnavailable } from "../db/database.js";
import { ErrorCode } from "../errors/codes.js";
import { ServiceError } from "../models/training/service.js";

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const original = unwrapResolverError(error) as { code?: string } | undefined;
  // The model service's own refusals (a predictor deleted meanwhile, …) keep their code.
  if (original instanceof ServiceError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.code, ...(original.problems.length ? { problems: original.problems } : {}) } };
  }
  // A damaged or missing shard fails the fields of its own galaxies, naming the shard (not the server's paths).
  if (original instanceof CubeError && original.code === "CUBE_UNREADABLE") {
    console.error(`cube: ${original.message}`);
    return { message: `the cube shard ${original.shard} holding this galaxy's data is missing or damaged`, path: formatted.path, extensions: { code: ErrorCode.CUBE_UNREADABLE, shard: original.shard } };
  }
  if (isDatabaseUnavailable(original)) {
    return { message: "The database is unavailable; try again later", path: formatted.path, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  }
  console.error("internal error:", original instanceof Error ? original.stack : original);
  return {
    message: "Internal server error",
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {}) },
  };
}
