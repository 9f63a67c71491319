/**
 * The query parameters of Simple Image Access 2.0 (IVOA REC 2015-12-23,
 * §2.1), DALI 1.1 syntax, all problems reported at once:
 *   POS       CIRCLE ra dec radius (ICRS degrees); RANGE and POLYGON are refused
 *   BAND      "lo hi" wavelength interval in metres (one value: lo = hi)
 *   TIME      "lo hi" MJD interval (our cutouts carry no time: nothing matches)
 *   FOV, SPATRES, EXPTIME   "lo hi" intervals (degrees, degrees, seconds)
 *   POL       polarisation states (ours have none: nothing matches)
 *   ID        obs_publisher_did; COLLECTION; DPTYPE image|cube; CALIB 0..4; FORMAT MIME type
 *   MAXREC    DALI row limit
 * Other parameters are ignored (DALI §3.1).
 */
import { InputChecker } from "../../errors/codes.js";
import { throwUsageFaults } from "../faults.js";
import type { Cone } from "../galaxy-query.js";
import { checkedMaxrec } from "../limits.js";
import { parseNumber, type DalParameters } from "../params.js";

export type Interval = [number, number];

export interface SiaRequest {
  cone: Cone | null;
  band: Interval[];
  time: Interval[];
  fov: Interval[];
  spatres: Interval[];
  exptime: Interval[];
  pol: string[];
  ids: string[];
  collections: string[];
  dptypes: string[];
  calibs: number[];
  formats: string[];
  maxrec: number;
}

/** A DALI interval "lo hi" (−Inf/+Inf allowed) or one value; null when malformed. */
export function parseInterval(text: string): Interval | null {
  const parts = text.trim().split(/\s+/).map((p) => (/^[+-]?inf$/i.test(p) ? (p.startsWith("-") ? -Infinity : Infinity) : parseNumber(p)));
  if (parts.length === 1) parts.push(parts[0]);
  if (parts.length !== 2 || parts.some(Number.isNaN) || parts[0] > parts[1]) return null;
  return [parts[0], parts[1]];
}

export function parseSiaRequest(params: DalParameters, maxRadiusDeg: number): SiaRequest {
  const checker = new InputChecker();
  const positions = params.all("POS");
  let cone: Cone | null = null;
  checker.check(positions.length <= 1, "POS", "at most one POS constraint is supported");
  if (positions.length === 1) {
    const words = positions[0].split(/\s+/);
    const shape = words[0].toUpperCase();
    if (shape === "RANGE" || shape === "POLYGON") {
      checker.check(false, "POS", `${shape} is not supported by this service; use CIRCLE ra dec radius`);
    } else {
      const [raDeg, decDeg, radiusDeg] = words.slice(1).map(parseNumber);
      const ok = shape === "CIRCLE" && words.length === 4 && raDeg >= 0 && raDeg < 360 && decDeg >= -90 && decDeg <= 90 && radiusDeg > 0 && radiusDeg <= maxRadiusDeg;
      checker.check(ok, "POS", `must be "CIRCLE ra dec radius" in ICRS degrees, ra in [0, 360), dec in [-90, 90], radius in (0, ${maxRadiusDeg}]`);
      if (ok) cone = { raDeg, decDeg, radiusDeg };
    }
  }
  const intervals = (name: string, what: string): Interval[] =>
    params.all(name).flatMap((text) => {
      const interval = parseInterval(text);
      checker.check(interval !== null, name, `must be an interval "lo hi" of ${what} with lo <= hi, got ${JSON.stringify(text.slice(0, 60))}`);
      return interval ? [interval] : [];
    });
  const band = intervals("BAND", "wavelengths in metres");
  checker.check(band.every(([lo]) => lo >= 0), "BAND", "wavelengths must not be negative");
  const time = intervals("TIME", "MJD days");
  const fov = intervals("FOV", "degrees");
  const spatres = intervals("SPATRES", "degrees");
  const exptime = intervals("EXPTIME", "seconds");
  const calibs = params.all("CALIB").map(Number);
  checker.check(calibs.every((c) => Number.isInteger(c) && c >= 0 && c <= 4), "CALIB", "must be an integer in [0, 4]");
  const dptypes = params.all("DPTYPE").map((d) => d.toLowerCase());
  const maxrec = checkedMaxrec(params, checker);
  throwUsageFaults(checker);
  return {
    cone, band, time, fov, spatres, exptime, calibs, dptypes, maxrec,
    pol: params.all("POL"),
    ids: params.all("ID"),
    collections: params.all("COLLECTION"),
    formats: params.all("FORMAT").map((f) => f.toLowerCase()),
  };
}
