/**
 * Simple Spectral Access 1.1: GET /vo/ssa?REQUEST=queryData&POS=&SIZE=&BAND=&TIME=&FORMAT=
 * One row per spectrum (per format asked), nearest first; FORMAT=metadata
 * returns the empty table and the INPUT: parameters; QUERY_STATUS OK,
 * OVERFLOW or ERROR (SSA 1.1 §8.5.1). The rows carry a DataLink service
 * descriptor.
 */
import type { Context } from "hono";
import { baseUrlOf } from "../base-url.js";
import type { VoContext } from "../context.js";
import { datalinkDescriptor } from "../datalink/descriptor.js";
import { faultResponse } from "../faults.js";
import { selectGalaxies } from "../galaxy-query.js";
import { DalParameters } from "../params.js";
import { textParam, type Param } from "../votable/field.js";
import { votableResponse, type Info } from "../votable/writer.js";
import { SPECTRAL_COVERAGE_METRES, SSA_COLUMNS, type SpectrumRow } from "./columns.js";
import { DEFAULT_SIZE_DEG, parseSsaRequest } from "./parameters.js";

const INPUT_PARAMS: Param[] = [
  textParam("INPUT:REQUEST", "queryData", { description: "queryData (required)" }),
  textParam("INPUT:POS", "", { ucd: "pos.eq", unit: "deg", description: "ICRS position \"ra,dec\" in degrees" }),
  { name: "INPUT:SIZE", datatype: "double", unit: "deg", value: String(DEFAULT_SIZE_DEG), description: "Diameter of the search region, degrees" },
  textParam("INPUT:BAND", "", { unit: "m", description: "Wavelength ranges in metres: lo/hi, lo/, /hi" }),
  textParam("INPUT:TIME", "", { description: "ISO 8601 UTC range start/end of the observation" }),
  textParam("INPUT:FORMAT", "native", { description: "all, native, fits, votable, compliant, metadata or a MIME type" }),
  { name: "INPUT:MAXREC", datatype: "int", value: "10000", description: "Largest number of rows returned" },
  { name: "INPUT:ZOOM", datatype: "int", value: "0", description: "skycube cube level of the spectra: 0..4 = 4620, 2310, 1155, 577, 288 bins" },
];

const overlaps = (ranges: [number, number][], [lo, hi]: [number, number]) => ranges.some(([a, b]) => a <= hi && b >= lo);

export function ssaService(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const request = parseSsaRequest(await DalParameters.of(c), vo.settings.maxConeRadiusDeg);
      const base = baseUrlOf(c, vo.settings.voBaseUrl);
      const formats = request.formats === "metadata" ? [] : request.formats;
      const perGalaxy = Math.max(1, formats.length);
      const empty = request.formats === "metadata" || request.maxrec === 0 || (request.bandMetres !== null && !overlaps(request.bandMetres, SPECTRAL_COVERAGE_METRES));
      const { galaxies, overflow } = empty
        ? { galaxies: [], overflow: false }
        : await selectGalaxies(vo.db.sql, {
            cone: request.cone,
            need: "spectrum",
            mjd: request.timeMjd ?? undefined,
            limit: Math.ceil(request.maxrec / perGalaxy),
          });
      const rows: SpectrumRow[] = galaxies.flatMap((galaxy) => formats.map((format) => ({ galaxy, format, zoom: request.zoom, base })));
      const truncated = overflow || rows.length > request.maxrec;
      const infos: Info[] = [{ name: "QUERY_STATUS", value: truncated ? "OVERFLOW" : "OK" }, { name: "SERVICE_PROTOCOL", value: "1.1", text: "SSAP" }];
      return votableResponse({
        description: "skycube Simple Spectral Access: one row per galaxy spectrum",
        resourceInfos: infos,
        resourceParams: request.formats === "metadata" ? INPUT_PARAMS : [],
        tableName: "spectra",
        fields: SSA_COLUMNS.map((column) => column.field),
        rows: (function* () {
          for (const row of rows.slice(0, request.maxrec)) yield SSA_COLUMNS.map((column) => column.value(row));
        })(),
        trailingResources: [datalinkDescriptor(base, "obs_publisher_did")],
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
