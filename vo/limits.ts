/**
 * Row limits of the VO query services (DALI 1.1 §3.2.4 MAXREC): without
 * MAXREC a response holds at most DEFAULT_MAXREC rows; MAXREC may ask for up
 * to MAX_MAXREC. More matches than rows returned is reported as
 * QUERY_STATUS=OVERFLOW. MAXREC=0 returns the metadata only.
 */
import type { InputChecker } from "../errors/codes.js";
import { VoUsageError } from "./faults.js";
import type { DalParameters } from "./params.js";

export const DEFAULT_MAXREC = 10_000;
export const MAX_MAXREC = 100_000;

export function maxrecOf(params: DalParameters): number {
  const raw = params.get("MAXREC");
  if (raw === undefined) return DEFAULT_MAXREC;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > MAX_MAXREC) throw new VoUsageError(`MAXREC: must be an integer in [0, ${MAX_MAXREC}], got ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

/** MAXREC for a service that collects every bad parameter: a bad value joins the checker's problems (and 0 is returned). */
export function checkedMaxrec(params: DalParameters, checker: InputChecker): number {
  try {
    return maxrecOf(params);
  } catch (error) {
    checker.check(false, "MAXREC", (error as Error).message.replace(/^MAXREC: /, ""));
    return 0;
  }
}
