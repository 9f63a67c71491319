/**
 * GET /vo/predictions/{id}.xml[?predictor=P]: the SFR every trained predictor
 * (or predictor P) gives a galaxy, one row per predictor — the target of its
 * #derivation links. Stored predictions only (GraphQL computes missing ones).
 */
import type { Context } from "hono";
import { isGalaxyId } from "../../catalog/galaxies.js";
import { ErrorCode } from "../../errors/codes.js";
import { predictionsByGalaxyIds } from "../../models/store/predictions.js";
import { predictorsByIds } from "../../models/store/predictors.js";
import type { VoContext } from "../context.js";
import { faultResponse, VoUsageError } from "../faults.js";
import { votableResponse } from "../votable/writer.js";

export function predictionsVotable(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const id = c.req.param("id")!.replace(/\.xml$/, "");
      if (!isGalaxyId(id)) throw new VoUsageError("id: must be a positive decimal integer");
      const only = c.req.query("predictor");
      if (only !== undefined && !isGalaxyId(only)) throw new VoUsageError("predictor: must be a positive decimal integer");
      const [all] = await predictionsByGalaxyIds(vo.db.sql, [id]);
      const predictions = all.filter((p) => only === undefined || p.predictorId === only);
      if (predictions.length === 0) throw new VoUsageError(`Galaxy "${id}" has no stored SFR prediction${only ? ` from predictor ${only}` : ""}`, ErrorCode.NOT_FOUND);
      const predictors = await predictorsByIds(vo.db.sql, predictions.map((p) => p.predictorId));
      return votableResponse({
        description: "SFR predicted by skycube's trained predictors: log10 solMass/yr with the 1-sigma predictive uncertainty (dex)",
        tableName: "sfr_predictions",
        fields: [
          { name: "id", datatype: "char", arraysize: "*", ucd: "meta.id;meta.main" },
          { name: "predictor_id", datatype: "char", arraysize: "*", ucd: "meta.id" },
          { name: "predictor_name", datatype: "char", arraysize: "*", ucd: "meta.note" },
          { name: "kind", datatype: "char", arraysize: "*", ucd: "meta.code" },
          { name: "modality", datatype: "char", arraysize: "*", ucd: "meta.code" },
          { name: "sfr_predicted", datatype: "double", ucd: "phys.SFR", description: "log10(solMass/yr)" },
          { name: "sfr_sigma", datatype: "double", ucd: "stat.error;phys.SFR", description: "dex, 1 sigma" },
        ],
        rows: predictions.map((p, i) => [id, p.predictorId, predictors[i]?.name ?? null, predictors[i]?.spec.kind ?? null, predictors[i]?.spec.modality ?? null, p.value, p.sigma]),
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
