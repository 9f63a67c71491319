/**
 * Opaque keyset cursors: base64url of a small JSON tuple. A cursor that does
 * not decode to the expected shape is the caller's bad input.
 */
import { UserInputError } from "../errors/codes.js";

export function encodeCursor(kind: string, key: (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString("base64url");
}

/** Decodes a cursor of the given kind whose key parts pass `check`. */
export function decodeCursor(cursor: string, kind: string, check: ((part: unknown) => boolean)[]): unknown[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts[0] !== kind ||
    parts.length !== check.length + 1 ||
    !check.every((ok, i) => ok(parts[i + 1]))
  ) {
    throw new UserInputError([{ argument: "after", message: "is not a cursor returned by this field" }]);
  }
  return parts.slice(1);
}

export const isIdString = (part: unknown): boolean => typeof part === "string" && /^[1-9]\d{0,18}$/.test(part);
export const isFiniteNumber = (part: unknown): boolean => typeof part === "number" && Number.isFinite(part);
