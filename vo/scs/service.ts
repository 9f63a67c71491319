/**
 * Simple Cone Search 1.03 (IVOA REC 2008-02-22): GET /vo/scs?RA=&DEC=&SR=&VERB=
 * RA, DEC (ICRS degrees) and SR (degrees) are required; SR=0 returns the
 * empty table with every column (the metadata query, §3.3). Unknown
 * parameters are ignored. At most MAXREC rows (DALI; default and cap in
 * vo/limits.ts), the truncation reported as QUERY_STATUS=OVERFLOW.
 */
import type { Context } from "hono";
import { InputChecker } from "../../errors/codes.js";
import { baseUrlOf } from "../base-url.js";
import type { VoContext } from "../context.js";
import { faultResponse, throwUsageFaults } from "../faults.js";
import { selectGalaxies } from "../galaxy-query.js";
import { checkedMaxrec } from "../limits.js";
import { DalParameters, parseNumber } from "../params.js";
import { votableResponse, type Info } from "../votable/writer.js";
import { columnsFor } from "./columns.js";

export interface ConeRequest {
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
  verb: number;
  maxrec: number;
}

/** Every problem with RA, DEC, SR and VERB at once. */
export function parseConeRequest(params: DalParameters, maxRadiusDeg: number): ConeRequest {
  const checker = new InputChecker();
  const [ra, dec, sr] = ["RA", "DEC", "SR"].map((name) => params.get(name));
  const raDeg = parseNumber(ra);
  const decDeg = parseNumber(dec);
  const radiusDeg = parseNumber(sr);
  checker.check(ra !== undefined, "RA", "is required").check(ra === undefined || (raDeg >= 0 && raDeg < 360), "RA", "must be a number in [0, 360) degrees");
  checker.check(dec !== undefined, "DEC", "is required").check(dec === undefined || (decDeg >= -90 && decDeg <= 90), "DEC", "must be a number in [-90, 90] degrees");
  checker.check(sr !== undefined, "SR", "is required").check(sr === undefined || (radiusDeg >= 0 && radiusDeg <= maxRadiusDeg), "SR", `must be a number in [0, ${maxRadiusDeg}] degrees`);
  const verbText = params.get("VERB");
  const verb = verbText === undefined ? 2 : Number(verbText);
  checker.check([1, 2, 3].includes(verb) && /^\d$/.test(verbText ?? "2"), "VERB", "must be 1, 2 or 3");
  const maxrec = checkedMaxrec(params, checker);
  throwUsageFaults(checker);
  return { raDeg, decDeg, radiusDeg, verb, maxrec };
}

export function scsService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const request = parseConeRequest(await DalParameters.of(c), vo.settings.maxConeRadiusDeg);
      const columns = columnsFor(request.verb);
      const base = baseUrlOf(c, vo.settings.voBaseUrl);
      const metadataOnly = request.radiusDeg === 0 || request.maxrec === 0;
      const { galaxies, overflow } = metadataOnly
        ? { galaxies: [], overflow: false }
        : await selectGalaxies(vo.db.sql, { cone: request, limit: request.maxrec });
      const infos: Info[] = [{ name: "QUERY_STATUS", value: overflow ? "OVERFLOW" : "OK" }];
      if (overflow) infos.push({ name: "Warning", value: `truncated to MAXREC=${request.maxrec} rows; narrow the cone or raise MAXREC (at most the service's cap)` });
      return votableResponse({
        description: "skycube Simple Cone Search: galaxies nearest first",
        resourceInfos: infos,
        tableName: "galaxies",
        fields: columns.map((c) => c.field),
        rows: (function* () {
          for (const galaxy of galaxies) yield columns.map((column) => column.value(galaxy, base));
        })(),
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
