/**
 * Every argument that names a predictor accepts its id, `name@version` or
 * `name@alias`; a malformed reference is BAD_USER_INPUT, a well-formed one
 * that names nothing NOT_FOUND — both with `problems` naming the argument
 * and what exists instead.
 */
import { NotFoundError, UserInputError, type InputProblem } from "../errors/codes.js";
import type { PredictorRecord } from "../models/store/predictors.js";
import type { Context } from "./context.js";

/** NOT_FOUND with the problems, so a client can show which argument named nothing. */
export function notFound(problems: InputProblem[]): NotFoundError {
  return new NotFoundError(problems);
}

export async function predictorByRef(context: Context, ref: string, argument: string): Promise<PredictorRecord> {
  const resolved = await context.loaders.predictorRef.load(ref);
  if ("code" in resolved) {
    const problems = [{ argument, message: resolved.message }];
    throw resolved.code === "NOT_FOUND" ? notFound(problems) : new UserInputError(problems);
  }
  const record = await context.loaders.predictor.load(resolved.id);
  // Deleted between the two lookups.
  if (!record) throw notFound([{ argument, message: `predictor ${JSON.stringify(ref)} does not exist` }]);
  return record;
}
