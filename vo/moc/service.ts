/**
 * GET /vo/moc?format=json|ascii|fits&order=: the MOC 2.0 coverage of the
 * catalogue at a HEALPix order (0..29, default DEFAULT_ORDER): the distinct
 * order-k cells of the galaxies, computed in SQL from the order-29 index
 * (cell = healpix29 >> 2(29 − k)), then normalised. Errors are JSON
 * { error: { code, message } } with HTTP 400, as on the other file routes.
 */
import type { Context } from "hono";
import { ErrorCode, httpStatusOf } from "../../errors/codes.js";
import { MAX_ORDER } from "../../sky/healpix.js";
import type { VoContext } from "../context.js";
import { mocAscii, mocFits, mocFromCells, mocJson } from "./moc.js";

export const DEFAULT_ORDER = 10;
const FORMATS = ["json", "ascii", "fits"] as const;

export function mocService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    const format = (c.req.query("format") ?? "json").toLowerCase();
    const orderText = c.req.query("order") ?? String(DEFAULT_ORDER);
    const order = /^\d{1,2}$/.test(orderText) ? Number(orderText) : Number.NaN;
    const problems: string[] = [];
    if (!(FORMATS as readonly string[]).includes(format)) problems.push(`format: must be one of ${FORMATS.join(", ")}`);
    if (!(order >= 0 && order <= MAX_ORDER)) problems.push(`order: must be an integer in [0, ${MAX_ORDER}]`);
    if (problems.length > 0) {
      return c.json({ error: { code: ErrorCode.BAD_USER_INPUT, message: problems.join("; ") } }, httpStatusOf.BAD_USER_INPUT as 400);
    }
    const shift = 2 * (MAX_ORDER - order);
    const rows = await vo.db.sql`SELECT DISTINCT healpix29 >> ${shift}::int AS cell FROM galaxies ORDER BY cell`;
    const moc = mocFromCells(order, rows.map((row) => BigInt(row.cell as string)));
    if (format === "fits") {
      return new Response(mocFits(moc, order), { headers: { "content-type": "application/fits", "content-disposition": `attachment; filename="skycube-moc-${order}.fits"` } });
    }
    if (format === "ascii") return new Response(mocAscii(moc, order), { headers: { "content-type": "text/plain; charset=utf-8" } });
    return new Response(mocJson(moc, order), { headers: { "content-type": "application/json" } });
  };
}
