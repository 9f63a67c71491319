/**
 * A synchronous TAP 1.1 endpoint for the ADQL cone form only
 * (tap/adql-cone.ts): GET or POST /vo/tap/sync with LANG=ADQL, QUERY=…,
 * optional REQUEST=doQuery, MAXREC, RESPONSEFORMAT=votable. Rows nearest
 * first, the columns of /vo/scs at VERB=3; QUERY_STATUS OVERFLOW when
 * MAXREC cut the answer. Any other query is a UsageFault (HTTP 400).
 */
import type { Context } from "hono";
import { InputChecker } from "../../errors/codes.js";
import { baseUrlOf } from "../base-url.js";
import type { VoContext } from "../context.js";
import { faultResponse, throwUsageFaults, VoUsageError } from "../faults.js";
import { selectGalaxies } from "../galaxy-query.js";
import { checkedMaxrec } from "../limits.js";
import { DalParameters } from "../params.js";
import { SCS_COLUMNS } from "../scs/columns.js";
import { votableResponse } from "../votable/writer.js";
import { AdqlRefusal, CONE_FORM, parseConeQuery, type ConeQuery } from "./adql-cone.js";

const LANGUAGES = ["ADQL", "ADQL-2.0", "ADQL-2.1"];
const RESPONSE_FORMATS = ["votable", "application/x-votable+xml", "text/xml"];

function parse(params: DalParameters, maxRadiusDeg: number): { query: ConeQuery; maxrec: number } {
  const request = params.get("REQUEST");
  if (request !== undefined && request.toLowerCase() !== "doquery") throw new VoUsageError("REQUEST: only doQuery is supported");
  const language = params.get("LANG");
  if (language === undefined || !LANGUAGES.includes(language.toUpperCase())) throw new VoUsageError(`LANG: must be one of ${LANGUAGES.join(", ")}`);
  const format = params.get("RESPONSEFORMAT") ?? params.get("FORMAT");
  if (format !== undefined && !RESPONSE_FORMATS.includes(format.toLowerCase())) throw new VoUsageError("RESPONSEFORMAT: only votable is supported");
  const text = params.get("QUERY");
  if (text === undefined) throw new VoUsageError("QUERY: is required");
  let query: ConeQuery;
  try {
    query = parseConeQuery(text);
  } catch (error) {
    if (error instanceof AdqlRefusal) throw new VoUsageError(`QUERY: ${error.message}; this service accepts only ${CONE_FORM}`);
    throw error;
  }
  const checker = new InputChecker();
  checker
    .check(query.raDeg >= 0 && query.raDeg < 360, "CIRCLE ra", "must be in [0, 360) degrees")
    .check(query.decDeg >= -90 && query.decDeg <= 90, "CIRCLE dec", "must be in [-90, 90] degrees")
    .check(query.radiusDeg > 0 && query.radiusDeg <= maxRadiusDeg, "CIRCLE radius", `must be in (0, ${maxRadiusDeg}] degrees`);
  const known = new Set(SCS_COLUMNS.map((c) => c.field.name));
  const unknown = query.columns === "*" ? [] : query.columns.filter((c) => !known.has(c));
  checker.check(unknown.length === 0, "QUERY", `unknown column(s) ${unknown.join(", ")}; see /vo/tap/tables`);
  const maxrec = checkedMaxrec(params, checker);
  throwUsageFaults(checker);
  return { query, maxrec };
}

export function tapSyncService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const { query, maxrec } = parse(await DalParameters.of(c), vo.settings.maxConeRadiusDeg);
      const base = baseUrlOf(c, vo.settings.voBaseUrl);
      const columns = query.columns === "*" ? SCS_COLUMNS : query.columns.map((name) => SCS_COLUMNS.find((column) => column.field.name === name)!);
      const limit = Math.min(query.top ?? Number.POSITIVE_INFINITY, maxrec);
      const { galaxies, overflow } = limit === 0 ? { galaxies: [], overflow: false } : await selectGalaxies(vo.db.sql, { cone: query, limit });
      const truncated = overflow && (query.top === null || maxrec < query.top);
      return votableResponse({
        description: "skycube TAP: ADQL cone search on skycube.galaxies",
        resourceInfos: [{ name: "QUERY_STATUS", value: truncated ? "OVERFLOW" : "OK" }],
        tableName: "result",
        fields: columns.map((column) => column.field),
        rows: (function* () {
          for (const galaxy of galaxies) yield columns.map((column) => column.value(galaxy, base));
        })(),
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
