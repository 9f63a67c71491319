/**
 * GET /vo/sfr/{id}.xml: a galaxy's MPA-JHU SFR label as a one-row VOTable
 * (log10 SFR in solar masses per year: AVG, MEDIAN, percentiles, FLAG), the
 * target of its #derivation link.
 */
import type { Context } from "hono";
import { galaxiesByIds, isGalaxyId } from "../../catalog/galaxies.js";
import { ErrorCode } from "../../errors/codes.js";
import type { VoContext } from "../context.js";
import { faultResponse, VoUsageError } from "../faults.js";
import { votableResponse } from "../votable/writer.js";

const KEYS = ["avg", "median", "p2p5", "p16", "p84", "p97p5"] as const;

export function sfrLabelVotable(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const id = c.req.param("id")!.replace(/\.xml$/, "");
      if (!isGalaxyId(id)) throw new VoUsageError("id: must be a positive decimal integer");
      const [galaxy] = await galaxiesByIds(vo.db.sql, [id]);
      if (!galaxy || galaxy.sfr.avg === null) throw new VoUsageError(`Galaxy "${id}" has no SFR label`, ErrorCode.NOT_FOUND);
      return votableResponse({
        description: "MPA-JHU total SFR (Brinchmann et al. 2004), log10 solMass/yr",
        tableName: "sfr",
        fields: [
          { name: "id", datatype: "char", arraysize: "*", ucd: "meta.id;meta.main" },
          ...KEYS.map((k) => ({ name: `sfr_${k}`, datatype: "double" as const, ucd: "phys.SFR", description: "log10(solMass/yr)" })),
          { name: "sfr_flag", datatype: "int", ucd: "meta.code.qual" },
        ],
        rows: [[galaxy.id, ...KEYS.map((k) => galaxy.sfr[k]), galaxy.sfr.flag]],
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
