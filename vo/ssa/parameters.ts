/**
 * The query parameters of Simple Spectral Access 1.1 (IVOA REC 2012-02-10,
 * §8.4), checked all at once:
 *   REQUEST  queryData (required)
 *   POS      "ra,dec" ICRS degrees, optionally ";ICRS"
 *   SIZE     diameter of the search region, degrees (default DEFAULT_SIZE_DEG)
 *   BAND     spectral ranges in metres: "lo/hi", "lo/", "/hi" or a value, comma-separated
 *   TIME     ISO 8601 "start/end" or one instant (UTC)
 *   FORMAT   all | native | fits | votable | compliant | metadata | a MIME type
 *   MAXREC   DALI row limit;  ZOOM  (ours) cube level 0..4 of the access URLs
 */
import { InputChecker } from "../../errors/codes.js";
import { ZOOM_LEVELS } from "../../cube/zoom.js";
import { throwUsageFaults } from "../faults.js";
import type { Cone } from "../galaxy-query.js";
import { checkedMaxrec } from "../limits.js";
import { parseNumber, type DalParameters } from "../params.js";

export const DEFAULT_SIZE_DEG = 0.1;
export type SpectrumFormat = "fits" | "votable";

export interface SsaRequest {
  cone: Cone | null;
  /** Ranges in metres; null = no constraint. */
  bandMetres: [number, number][] | null;
  /** MJD range (days); null = no constraint. */
  timeMjd: [number, number] | null;
  formats: SpectrumFormat[] | "metadata";
  maxrec: number;
  zoom: number;
}

const FORMATS: Record<string, SpectrumFormat[] | "metadata"> = {
  all: ["fits", "votable"],
  native: ["fits"],
  fits: ["fits"],
  "application/fits": ["fits"],
  votable: ["votable"],
  compliant: ["votable"],
  "application/x-votable+xml": ["votable"],
  metadata: "metadata",
};

/** ISO 8601 date or date-time (UTC) → MJD, or NaN. */
export function isoToMjd(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/.test(text)) return Number.NaN;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text.endsWith("Z") ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms / 86_400_000 + 40_587 : Number.NaN;
}

function parseRange(text: string, parse: (s: string) => number, lowest: number): [number, number] | null {
  const parts = text.split("/");
  if (parts.length > 2) return null;
  const lo = parts[0] === "" ? lowest : parse(parts[0]);
  const hi = parts.length === 1 ? lo : parts[1] === "" ? Number.POSITIVE_INFINITY : parse(parts[1]);
  if (parts.length === 2 && parts[0] === "" && parts[1] === "") return null;
  return Number.isNaN(lo) || Number.isNaN(hi) || lo > hi ? null : [lo, hi];
}

export function parseSsaRequest(params: DalParameters, maxRadiusDeg: number): SsaRequest {
  const checker = new InputChecker();
  const request = params.get("REQUEST");
  checker.check(request !== undefined && request.toLowerCase() === "querydata", "REQUEST", "must be queryData");

  const formatText = (params.get("FORMAT") ?? "native").toLowerCase();
  const formatList = formatText.split(",").map((f) => FORMATS[f.trim()]);
  checker.check(formatList.every((f) => f !== undefined), "FORMAT", `must be one of ${Object.keys(FORMATS).join(", ")}`);
  const formats = formatList.includes("metadata") ? "metadata" : [...new Set(formatList.flatMap((f) => (Array.isArray(f) ? f : [])))];

  let cone: Cone | null = null;
  const pos = params.get("POS");
  if (pos !== undefined) {
    const match = /^([^,;]+),([^,;]+)(?:;\s*(\w+))?$/.exec(pos);
    const raDeg = parseNumber(match?.[1].trim());
    const decDeg = parseNumber(match?.[2].trim());
    const frame = match?.[3]?.toUpperCase();
    const ok = match !== null && raDeg >= 0 && raDeg < 360 && decDeg >= -90 && decDeg <= 90 && (frame === undefined || frame === "ICRS");
    checker.check(ok, "POS", "must be \"ra,dec\" in ICRS degrees (ra in [0, 360), dec in [-90, 90]), optionally followed by \";ICRS\"");
    const sizeText = params.get("SIZE");
    const sizeDeg = sizeText === undefined ? DEFAULT_SIZE_DEG : parseNumber(sizeText);
    checker.check(sizeDeg > 0 && sizeDeg / 2 <= maxRadiusDeg, "SIZE", `must be a diameter in (0, ${2 * maxRadiusDeg}] degrees`);
    if (ok) cone = { raDeg, decDeg, radiusDeg: sizeDeg / 2 };
  } else {
    checker.check(!params.has("SIZE"), "SIZE", "needs POS");
  }

  let bandMetres: [number, number][] | null = null;
  const band = params.get("BAND");
  if (band !== undefined) {
    const ranges = band.split(",").map((part) => parseRange(part.trim(), parseNumber, 0));
    const ok = ranges.every((r) => r !== null && r[0] >= 0);
    checker.check(ok, "BAND", "must be wavelength ranges in metres, \"lo/hi\", \"lo/\", \"/hi\" or a value, comma-separated");
    if (ok) bandMetres = ranges as [number, number][];
  }

  let timeMjd: [number, number] | null = null;
  const time = params.get("TIME");
  if (time !== undefined) {
    const range = parseRange(time, isoToMjd, Number.NEGATIVE_INFINITY);
    checker.check(range !== null, "TIME", "must be ISO 8601 \"start/end\" (either side may be empty) or one instant, UTC");
    timeMjd = range;
  }

  const zoomText = params.get("ZOOM");
  const zoom = zoomText === undefined ? 0 : Number(zoomText);
  checker.check(/^\d+$/.test(zoomText ?? "0") && zoom < ZOOM_LEVELS, "ZOOM", `must be an integer in [0, ${ZOOM_LEVELS - 1}]`);

  const maxrec = checkedMaxrec(params, checker);
  throwUsageFaults(checker);
  return { cone, bandMetres, timeMjd, formats, maxrec, zoom };
}
