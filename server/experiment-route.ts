/**
 *   GET /experiments/{id}.csv   an experiment's table, one row per cell (RFC 4180)
 *   GET /experiments/{id}.md    the same as Markdown
 *
 * Errors are the JSON of the other file routes: 404 NOT_FOUND.
 */
import type { Context as HonoContext } from "hono";
import type { Database } from "../db/database.js";
import { ErrorCode, httpStatusOf } from "../errors/codes.js";
import { refreshExperiment } from "../models/store/experiments.js";
import { experimentCsv, experimentMarkdown } from "../models/training/experiment-table.js";
import { experimentProtocol } from "../models/training/experiment-protocol.js";

export function experimentTableRoute(db: Database) {
  return async (c: HonoContext) => {
    const [, id, format] = /^(\d+)\.(csv|md)$/.exec(c.req.param("file") ?? "") ?? [];
    const view = id && id.length <= 18 ? await refreshExperiment(db.sql, id) : null;
    if (!view) return c.json({ error: { code: ErrorCode.NOT_FOUND, message: `experiment ${JSON.stringify(id ?? c.req.param("file"))} does not exist` } }, httpStatusOf.NOT_FOUND as 404);
    const protocol = await experimentProtocol(db.sql, view.experiment, view.cells);
    if (format === "csv") {
      return c.body(experimentCsv(view.cells, protocol), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="experiment-${id}.csv"` });
    }
    return c.body(experimentMarkdown(view.experiment, view.cells, protocol), 200, { "content-type": "text/markdown; charset=utf-8" });
  };
}
