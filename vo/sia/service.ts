/**
 * Simple Image Access 2.0 query: GET /vo/sia/query?POS=CIRCLE ra dec r&BAND=&MAXREC=
 * One ObsCore row per cutout of each galaxy with an image, per band and
 * zoom (5 × 5), galaxies nearest first. The per-product constraints (BAND,
 * FOV, SPATRES, EXPTIME, TIME, POL, DPTYPE, CALIB, FORMAT) select among the
 * 25 (band, zoom) products, which are the same for every galaxy; POS,
 * COLLECTION and ID select galaxies in SQL. QUERY_STATUS OVERFLOW when
 * MAXREC rows did not hold every match. The rows carry a DataLink service
 * descriptor.
 */
import type { Context } from "hono";
import { BAND_NAMES } from "../../cube/layout.js";
import { ZOOM_LEVELS } from "../../cube/zoom.js";
import { baseUrlOf } from "../base-url.js";
import { galaxyIdOfDid, type VoContext } from "../context.js";
import { datalinkDescriptor } from "../datalink/descriptor.js";
import { faultResponse } from "../faults.js";
import { selectGalaxies } from "../galaxy-query.js";
import { DalParameters } from "../params.js";
import { votableResponse } from "../votable/writer.js";
import { SDSS_PASSBANDS } from "./bands.js";
import { cutoutDid, fovDeg, resolutionDeg, SDSS_EXPOSURE_S, SIA_COLUMNS, type CutoutRow, type CutoutTemplate } from "./columns.js";
import { parseSiaRequest, type Interval, type SiaRequest } from "./parameters.js";

const TEMPLATES: CutoutTemplate[] = Array.from({ length: ZOOM_LEVELS }, (_, zoom) => BAND_NAMES.map((band) => ({ band, zoom }))).flat();
const SURVEYS = ["SDSS", "SYNTHETIC", "HISSCUBE"];

const within = (intervals: Interval[], value: number) => intervals.length === 0 || intervals.some(([lo, hi]) => value >= lo && value <= hi);
const overlaps = (intervals: Interval[], min: number, max: number) => intervals.length === 0 || intervals.some(([lo, hi]) => lo <= max && hi >= min);

/** The (band, zoom) products every constraint that does not depend on the galaxy lets through. */
function productTemplates(request: SiaRequest): CutoutTemplate[] {
  if (request.time.length > 0 || request.pol.length > 0) return []; // no time or polarisation metadata: nothing can match
  if (request.dptypes.length > 0 && !request.dptypes.includes("image")) return [];
  if (request.calibs.length > 0 && !request.calibs.includes(2)) return [];
  if (request.formats.length > 0 && !request.formats.some((f) => f === "application/fits" || f === "image/fits")) return [];
  if (!within(request.exptime, SDSS_EXPOSURE_S)) return [];
  return TEMPLATES.filter(({ band, zoom }) =>
    overlaps(request.band, SDSS_PASSBANDS[band].minMetres, SDSS_PASSBANDS[band].maxMetres) && within(request.fov, fovDeg(zoom)) && within(request.spatres, resolutionDeg(zoom)));
}

export function siaService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const request = parseSiaRequest(await DalParameters.of(c), vo.settings.maxConeRadiusDeg);
      const base = baseUrlOf(c, vo.settings.voBaseUrl);
      const templates = productTemplates(request);
      const ids = request.ids.length > 0 ? [...new Set(request.ids.map(galaxyIdOfDid).filter((id): id is string => id !== null))] : undefined;
      const surveys = request.collections.length > 0 ? SURVEYS.filter((s) => request.collections.includes(`skycube/${s}`)) : undefined;
      const nothing = templates.length === 0 || request.maxrec === 0 || ids?.length === 0 || surveys?.length === 0;
      const { galaxies, overflow } = nothing
        ? { galaxies: [], overflow: false }
        : await selectGalaxies(vo.db.sql, { cone: request.cone, need: "image", ids, surveys, limit: Math.ceil(request.maxrec / templates.length) });
      const wanted = request.ids.length > 0 ? new Set(request.ids) : null;
      const rows: CutoutRow[] = [];
      for (const galaxy of galaxies) {
        for (const template of templates) {
          const row = { ...template, galaxy, base };
          if (!wanted || wanted.has(cutoutDid(row)) || wanted.has(galaxy.id) || wanted.has(cutoutDid(row).split("#")[0])) rows.push(row);
        }
      }
      const truncated = overflow || rows.length > request.maxrec;
      return votableResponse({
        description: "skycube Simple Image Access 2.0: one row per galaxy cutout, band and zoom",
        resourceInfos: [{ name: "QUERY_STATUS", value: truncated ? "OVERFLOW" : "OK" }],
        tableName: "cutouts",
        fields: SIA_COLUMNS.map((column) => column.field),
        rows: (function* () {
          for (const row of rows.slice(0, request.maxrec)) yield SIA_COLUMNS.map((column) => column.value(row));
        })(),
        trailingResources: [datalinkDescriptor(base, "obs_publisher_did")],
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
