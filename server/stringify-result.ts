/**
 * JSON.stringify of a GraphQL result that gives the event loop a turn every
 * few milliseconds. A response of tens of megabytes (pages of cutouts as
 * base64) took hundreds of milliseconds to stringify in one piece, during
 * which /healthz and every other request waited. Objects and arrays of
 * objects are walked; strings, numbers and arrays of primitives are
 * stringified whole (a 20,480-number `values` array is one call). Output is
 * the same text as `JSON.stringify(value) + "\n"` (Apollo's default).
 * A small result (most are) is stringified in one call: walking it piece by
 * piece through the generator cost ~2.5 % of a small cone search's server
 * time (bench:http profile) for nothing.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/** Longest stretch of serializing between two turns of the event loop. */
const SLICE_MS = 5;
/** Pieces written between two looks at the clock. */
const PIECES_PER_CLOCK_CHECK = 64;

function isPrimitiveArray(value: unknown[]): boolean {
  for (const item of value) if (item !== null && typeof item === "object") return false;
  return true;
}

function* pieces(value: unknown): Generator<string> {
  if (value === null || typeof value !== "object" || (value as { toJSON?: unknown }).toJSON !== undefined) {
    yield JSON.stringify(value) ?? "null";
    return;
  }
  if (Array.isArray(value)) {
    if (isPrimitiveArray(value)) {
      yield JSON.stringify(value);
      return;
    }
    yield "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ",";
      yield* pieces(value[i] === undefined || typeof value[i] === "function" ? null : value[i]);
    }
    yield "]";
    return;
  }
  yield "{";
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    yield `${first ? "" : ","}${JSON.stringify(key)}:`;
    first = false;
    yield* pieces(item);
  }
  yield "}";
}

/** Results up to about this many characters of JSON are stringified in one call (well under a millisecond). */
const ONE_CALL_CHARS = 256 * 1024;

/** `budget` minus a rough upper bound of the JSON length of `value`, stopping early (negative) once it is spent. */
function remainingAfter(value: unknown, budget: number): number {
  if (typeof value === "string") return budget - value.length * 2 - 2; // × 2: escapes
  if (value === null || typeof value !== "object") return budget - 24;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && budget >= 0; i++) budget = remainingAfter(value[i], budget - 1);
    return budget - 2;
  }
  for (const key in value) {
    budget = remainingAfter((value as Record<string, unknown>)[key], budget - key.length - 4);
    if (budget < 0) return budget;
  }
  return budget - 2;
}

export async function stringifyResultYielding(value: unknown): Promise<string> {
  if (remainingAfter(value, ONE_CALL_CHARS) >= 0) return JSON.stringify(value) + "\n";
  const out: string[] = [];
  let sliceStarted = performance.now();
  let count = 0;
  for (const piece of pieces(value)) {
    out.push(piece);
    if (++count % PIECES_PER_CLOCK_CHECK === 0 && performance.now() - sliceStarted > SLICE_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
  out.push("\n");
  return out.join("");
}
