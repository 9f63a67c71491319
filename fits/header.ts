/**
 * FITS headers: 2880-byte blocks of 80-character ASCII cards.
 * Reference: FITS Standard 4.0 (IAU FITS Working Group, 2016), §4.
 * Supported values: character strings (with '' escapes and the CONTINUE
 * long-string convention), logicals, integers, reals (E or D exponents).
 * Complex values and commentary cards are kept only as raw text.
 */
import { FitsError } from "./errors.js";

export const BLOCK = 2880;
const CARD = 80;

export type HeaderValue = string | number | boolean | null;

export class FitsHeader {
  private readonly values = new Map<string, HeaderValue>();
  readonly keywords: string[] = [];

  set(keyword: string, value: HeaderValue): void {
    if (!this.values.has(keyword)) this.keywords.push(keyword);
    this.values.set(keyword, value);
  }

  has(keyword: string): boolean {
    return this.values.has(keyword);
  }

  get(keyword: string): HeaderValue | undefined {
    return this.values.get(keyword);
  }

  number(keyword: string, fallback?: number): number {
    const value = this.values.get(keyword);
    if (typeof value === "number") return value;
    if (value === undefined && fallback !== undefined) return fallback;
    throw new FitsError(`header keyword ${keyword} is ${value === undefined ? "missing" : `not a number (${JSON.stringify(value)})`}`);
  }

  string(keyword: string, fallback?: string): string {
    const value = this.values.get(keyword);
    if (typeof value === "string") return value;
    if (value === undefined && fallback !== undefined) return fallback;
    throw new FitsError(`header keyword ${keyword} is ${value === undefined ? "missing" : "not a string"}`);
  }

  /** All keywords and values, e.g. to store as JSON. */
  toObject(): Record<string, HeaderValue> {
    return Object.fromEntries(this.keywords.map((k) => [k, this.values.get(k) ?? null]));
  }
}

/** Parses the value field (after "= ") of a card; returns the value and whether it is a string. */
function parseValue(field: string): HeaderValue {
  const text = field.trimStart();
  if (text.startsWith("'")) {
    let out = "";
    for (let i = 1; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i++;
        } else {
          return out.replace(/\s+$/, "");
        }
      } else {
        out += text[i];
      }
    }
    throw new FitsError(`unterminated string value: ${field.trim()}`);
  }
  const raw = text.split("/")[0].trim();
  if (raw === "") return null;
  if (raw === "T") return true;
  if (raw === "F") return false;
  if (/^[+-]?\d+$/.test(raw)) return Number(raw);
  const real = Number(raw.replace(/[dD]/, "e"));
  if (Number.isFinite(real) || /nan/i.test(raw)) return real;
  return raw; // complex or non-standard: kept as text
}

const SPACE = 0x20;
const EQUALS = 0x3d;

/** The keyword of the card at `position`: its first 8 bytes, trailing spaces dropped. */
function keywordAt(bytes: Uint8Array, position: number): string {
  let end = position + 8;
  while (end > position && bytes[end - 1] === SPACE) end--;
  let keyword = "";
  for (let i = position; i < end; i++) keyword += String.fromCharCode(bytes[i]);
  return keyword;
}

/**
 * Reads one header starting at `offset`; returns it and the offset of the
 * first byte after its last block.
 */
export function readHeader(bytes: Uint8Array, offset: number): { header: FitsHeader; end: number } {
  const header = new FitsHeader();
  let position = offset;
  let lastString: string | null = null;
  for (;;) {
    if (position + CARD > bytes.length) throw new FitsError(`header at byte ${offset} has no END card`);
    const start = position;
    position += CARD;
    const keyword = keywordAt(bytes, start);
    if (keyword === "END") break;
    const continues = keyword === "CONTINUE" && lastString !== null;
    // Most cards are commentary: they are skipped before their text is decoded.
    if (!continues && (bytes[start + 8] !== EQUALS || bytes[start + 9] !== SPACE || keyword === "" || keyword === "COMMENT" || keyword === "HISTORY")) {
      lastString = null;
      continue;
    }
    const card = Buffer.from(bytes.buffer, bytes.byteOffset + start, CARD).toString("latin1");
    if (continues) {
      const piece = parseValue(card.slice(8));
      const previous = header.get(lastString!) as string;
      if (typeof piece === "string") header.set(lastString!, previous.replace(/&$/, "") + piece);
      if (typeof piece !== "string" || !piece.endsWith("&")) lastString = null; // the string ends here
      continue;
    }
    const value = parseValue(card.slice(10));
    header.set(keyword, value);
    lastString = typeof value === "string" && value.endsWith("&") ? keyword : null;
  }
  const end = offset + Math.ceil((position - offset) / BLOCK) * BLOCK;
  return { header, end };
}
