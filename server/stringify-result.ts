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

/** A character JSON.stringify would escape (or a surrogate, which it may). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Strings from this long are checked and written as they are when nothing in them needs escaping (base64 arrays). */
const LONG_STRING = 256;

function* pieces(value: unknown): Generator<string> {
  if (typeof value === "string" && value.length >= LONG_STRING && !NEEDS_ESCAPE.test(value)) {
    yield '"';
    yield value;
    yield '"';
    return;
  }
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

/** Marks a deferred result in place of its text: no JSON text starts with a NUL. */
const DEFERRED_PREFIX = "\u0000deferred:";
const deferred = new Map<string, unknown>();
let deferredCount = 0;

/**
 * Apollo's `stringifyResult` for the HTTP handler: a small result as its
 * JSON text; a large one (pages of cutouts as base64) is not turned into one
 * string at all — it is kept aside under a marker that the handler swaps for
 * `streamJson(value)` (`takeDeferred`). One 246 MB string for 1,000 cutouts,
 * then its UTF-8 copies, was most of that request's time and memory.
 */
export async function stringifyResultDeferred(value: unknown): Promise<string> {
  if (remainingAfter(value, ONE_CALL_CHARS) >= 0) return JSON.stringify(value) + "\n";
  const marker = `${DEFERRED_PREFIX}${++deferredCount}`;
  deferred.set(marker, value);
  return marker;
}

/** The result kept aside under `text` by stringifyResultDeferred (once), or undefined when `text` is a JSON text. */
export function takeDeferred(text: string): { value: unknown } | undefined {
  if (!text.startsWith(DEFERRED_PREFIX)) return undefined;
  const value = deferred.get(text);
  deferred.delete(text);
  return { value };
}

/** Bytes gathered before a chunk is handed to the socket. */
const CHUNK_BYTES = 1 << 20;

/**
 * The bytes of `JSON.stringify(value) + "\n"` as a stream of ~1 MB chunks,
 * made as the socket takes them (pull): the text is never held whole, and
 * the event loop gets a turn between chunks.
 */
export function streamJson(value: unknown): ReadableStream<Uint8Array> {
  const parts = pieces(value);
  let pending: string | undefined; // a piece that did not fit into the last chunk
  let exhausted = false; // every piece made (the closing "\n" may still be pending)
  let finished = false; // every byte handed over
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (finished) return controller.close();
        await yieldToEventLoop();
        let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        let length = 0;
        for (;;) {
          let piece = pending;
          pending = undefined;
          if (piece === undefined) {
            if (exhausted) {
              finished = true;
              break;
            }
            const next = parts.next();
            if (next.done) {
              exhausted = true;
              piece = "\n";
            } else piece = next.value;
          }
          const most = piece.length * 3; // UTF-8 bytes of a UTF-16 code unit, at most
          if (length + most > chunk.length) {
            if (length > 0) {
              pending = piece;
              break;
            }
            chunk = Buffer.allocUnsafe(most);
          }
          length += chunk.write(piece, length, "utf8");
        }
        controller.enqueue(chunk.subarray(0, length));
      },
      cancel() {
        finished = true;
        parts.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
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
