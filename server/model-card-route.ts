/**
 *   GET /predictors/{ref}/card.md   a predictor's model card as Markdown
 *
 * `ref` is an id, `name@version` or `name@alias` (URL-encoded). Errors are the
 * JSON of the other file routes: 400 BAD_USER_INPUT, 404 NOT_FOUND.
 */
import type { Context as HonoContext } from "hono";
import type { Database } from "../db/database.js";
import { ErrorCode, httpStatusOf } from "../errors/codes.js";
import { predictorsByIds } from "../models/store/predictors.js";
import { aliasesByPredictorIds, resolvePredictorRef } from "../models/store/registry.js";
import { runsByIds } from "../models/store/runs.js";
import { modelCardMarkdown } from "../models/training/model-card.js";

export function modelCardRoute(db: Database) {
  return async (c: HonoContext) => {
    const ref = decodeURIComponent(c.req.param("ref") ?? "");
    const resolved = await resolvePredictorRef(db.sql, ref);
    if ("code" in resolved) {
      const code = resolved.code === "NOT_FOUND" ? ErrorCode.NOT_FOUND : ErrorCode.BAD_USER_INPUT;
      return c.json({ error: { code, message: resolved.message } }, httpStatusOf[code] as 400 | 404);
    }
    const [predictor] = await predictorsByIds(db.sql, [resolved.id]);
    if (!predictor) return c.json({ error: { code: ErrorCode.NOT_FOUND, message: `predictor ${JSON.stringify(ref)} does not exist` } }, 404);
    const [[run], [aliases]] = await Promise.all([runsByIds(db.sql, [predictor.runId]), aliasesByPredictorIds(db.sql, [predictor.id])]);
    return c.body(modelCardMarkdown(predictor, run, aliases), 200, { "content-type": "text/markdown; charset=utf-8" });
  };
}
