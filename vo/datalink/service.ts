/**
 * DataLink 1.1 {links}: GET or POST /vo/links?ID=…(&ID=…) → a links table
 * (content type application/x-votable+xml;content=datalink) with, for every
 * ID in the order given, its #this, #preview, #progenitor and #derivation
 * links. IDs are galaxy ids or their publisher DIDs (ivo://skycube/galaxy?N,
 * with any #fragment). An unknown or malformed ID gives one row with an
 * error_message (NotFoundFault / UsageFault), as §3.2.2 asks; a request
 * without ID, with more than MAX_IDS, or with an unsupported RESPONSEFORMAT
 * is a UsageFault document (HTTP 400).
 */
import type { Context } from "hono";
import { galaxiesByIds } from "../../catalog/galaxies.js";
import { sourcesByGalaxyIds } from "../../catalog/sources.js";
import { baseUrlOf } from "../base-url.js";
import { galaxyIdOfDid, type VoContext } from "../context.js";
import { faultResponse, VoUsageError } from "../faults.js";
import { DalParameters } from "../params.js";
import { votableResponse } from "../votable/writer.js";
import { predictionsByGalaxyIds } from "../../models/store/predictions.js";
import { predictorsByIds } from "../../models/store/predictors.js";
import { derivationLinks, type NamedPrediction } from "./derivation.js";
import { DATALINK_CONTENT_TYPE } from "./descriptor.js";
import { LINK_FIELDS, linkRow, type Link } from "./link.js";
import { productLinks } from "./products.js";
import { progenitorLinks } from "./progenitor.js";

export const MAX_IDS = 1000;
const RESPONSE_FORMATS = ["votable", "application/x-votable+xml", DATALINK_CONTENT_TYPE];

export function linksService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const params = await DalParameters.of(c);
      const ids = params.all("ID");
      if (ids.length === 0) throw new VoUsageError("ID: at least one identifier is required");
      if (ids.length > MAX_IDS) throw new VoUsageError(`ID: at most ${MAX_IDS} identifiers per request, got ${ids.length}`);
      const format = params.get("RESPONSEFORMAT");
      if (format !== undefined && !RESPONSE_FORMATS.includes(format.replace(/\s+/g, "").toLowerCase())) {
        throw new VoUsageError(`RESPONSEFORMAT: only ${RESPONSE_FORMATS.join(", ")} are supported`);
      }
      const base = baseUrlOf(c, vo.settings.voBaseUrl);
      const galaxyIds = ids.map(galaxyIdOfDid);
      const known = [...new Set(galaxyIds.filter((id): id is string => id !== null))];
      const [galaxies, sources, predictions] = await Promise.all([
        galaxiesByIds(vo.db.sql, known),
        sourcesByGalaxyIds(vo.db.sql, known),
        predictionsByGalaxyIds(vo.db.sql, known),
      ]);
      const predictorIds = [...new Set(predictions.flat().map((p) => p.predictorId))];
      const predictors = new Map((await predictorsByIds(vo.db.sql, predictorIds)).flatMap((p) => (p ? [[p.id, p] as const] : [])));
      const named = (list: typeof predictions[number]): NamedPrediction[] =>
        list.flatMap((prediction) => {
          const predictor = predictors.get(prediction.predictorId);
          return predictor ? [{ prediction, predictor }] : [];
        });
      const byId = new Map(known.map((id, i) => [id, { galaxy: galaxies[i], sources: sources[i], predictions: named(predictions[i]) }]));
      const links: Link[] = ids.flatMap((id, i): Link[] => {
        const galaxyId = galaxyIds[i];
        if (galaxyId === null) return [{ id, errorMessage: "UsageFault: not a skycube galaxy id or ivo://skycube/galaxy?… identifier", semantics: "#this", description: "malformed identifier" }];
        const found = byId.get(galaxyId);
        if (!found?.galaxy) return [{ id, errorMessage: `NotFoundFault: galaxy ${galaxyId} does not exist`, semantics: "#this", description: "unknown identifier" }];
        return [...productLinks(found.galaxy, base, id), ...progenitorLinks(found.sources, id), ...derivationLinks(found.galaxy, base, id, found.predictions)];
      });
      return votableResponse(
        {
          description: "skycube DataLink: products, previews, provenance and derived quantities of galaxies",
          resourceInfos: [{ name: "QUERY_STATUS", value: "OK" }, { name: "standardID", value: "ivo://ivoa.net/std/DataLink#links-1.1" }],
          tableName: "links",
          fields: LINK_FIELDS,
          rows: links.map(linkRow),
        },
        200,
        DATALINK_CONTENT_TYPE,
      );
    } catch (error) {
      return faultResponse(error);
    }
  };
}
