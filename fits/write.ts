/**
 * Writing FITS files (FITS Standard 4.0): an empty or image primary HDU and
 * binary-table extensions, big-endian, cards padded to 2880-byte blocks.
 * Used for the MPA-JHU-shaped test catalogues and the FITS downloads.
 */
import { BLOCK } from "./header.js";

export type CardValue = string | number | boolean;

function card(keyword: string, value?: CardValue, comment?: string): string {
  if (value === undefined) return keyword.padEnd(80).slice(0, 80);
  if (keyword === "COMMENT" || keyword === "HISTORY") return `${keyword.padEnd(8)}${value}`.padEnd(80).slice(0, 80); // commentary (§4.4.2.4): no "= "
  let text: string;
  if (typeof value === "string") text = `'${value.replace(/'/g, "''").padEnd(8)}'`.padEnd(20);
  else if (typeof value === "boolean") text = (value ? "T" : "F").padStart(20);
  else if (Number.isInteger(value)) text = String(value).padStart(20);
  else text = value.toExponential(15).toUpperCase().padStart(20);
  return `${keyword.padEnd(8)}= ${text}${comment ? ` / ${comment}` : ""}`.padEnd(80).slice(0, 80);
}

function header(cards: string[]): Uint8Array {
  const text = [...cards, card("END")].join("");
  const padded = text.padEnd(Math.ceil(text.length / BLOCK) * BLOCK, " ");
  return new TextEncoder().encode(padded);
}

function pad(data: Uint8Array, fill = 0): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK).fill(fill);
  out.set(data);
  return out;
}

export interface ImageHdu {
  /** Axis lengths, NAXIS1 (fastest) first. */
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array;
  cards?: [string, CardValue, string?][];
}

const BITPIX = (data: ImageHdu["data"]) => (data instanceof Float64Array ? -64 : data instanceof Float32Array ? -32 : 8);

function imageBytes(data: ImageHdu["data"]): Uint8Array {
  const bytes = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float64Array) view.setFloat64(i * 8, data[i]);
    else if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]);
    else view.setUint8(i, data[i]);
  }
  return bytes;
}

function imageCards(image: ImageHdu | null, first: string[]): string[] {
  const shape = image?.shape ?? [];
  return [
    ...first,
    card("BITPIX", image ? BITPIX(image.data) : 8),
    card("NAXIS", shape.length),
    ...shape.map((n, i) => card(`NAXIS${i + 1}`, n)),
    ...(image?.cards ?? []).map(([k, v, c]) => card(k, v, c)),
  ];
}

export interface Column {
  name: string;
  /**
   * J int32, K int64 (decimal strings or bigints), E float32, D float64, or
   * nA strings; nJ, nE, nD (n > 1) hold n numbers per row (`values` one
   * array per row), as SDSS frames store their sky grid.
   */
  format: "J" | "K" | "E" | "D" | `${number}A` | `${number}J` | `${number}E` | `${number}D`;
  values: ArrayLike<number> | string[] | bigint[] | ArrayLike<number>[];
  unit?: string;
}

export interface TableHdu {
  name: string;
  columns: Column[];
  cards?: [string, CardValue, string?][];
}

const WIDTH: Record<string, number> = { J: 4, K: 8, E: 4, D: 8 };

function tableBytes(table: TableHdu): { rowBytes: number; rows: number; data: Uint8Array } {
  const rows = table.columns[0]?.values.length ?? 0;
  const kinds = table.columns.map((c) => {
    const [, count, code] = /^(\d*)([JKEDA])$/.exec(c.format)!;
    return { code, repeat: count === "" ? 1 : Number(count) };
  });
  const widths = kinds.map(({ code, repeat }) => (code === "A" ? repeat : WIDTH[code] * repeat));
  const rowBytes = widths.reduce((a, b) => a + b, 0);
  const data = new Uint8Array(rowBytes * rows);
  const view = new DataView(data.buffer);
  let offset = 0;
  table.columns.forEach((column, k) => {
    for (let r = 0; r < rows; r++) {
      const at = r * rowBytes + offset;
      const value = (column.values as ArrayLike<unknown>)[r];
      const { code, repeat } = kinds[k];
      if (code !== "A" && repeat > 1) {
        const cells = value as ArrayLike<number>;
        for (let i = 0; i < repeat; i++) {
          const cellAt = at + i * WIDTH[code];
          if (code === "J") view.setInt32(cellAt, cells[i]);
          else if (code === "E") view.setFloat32(cellAt, cells[i]);
          else view.setFloat64(cellAt, cells[i]);
        }
        continue;
      }
      switch (column.format) {
        case "J": view.setInt32(at, Number(value)); break;
        case "K": view.setBigInt64(at, BigInt(value as string)); break;
        case "E": view.setFloat32(at, Number(value)); break;
        case "D": view.setFloat64(at, Number(value)); break;
        default: {
          const text = String(value).slice(0, widths[k]);
          for (let i = 0; i < text.length; i++) data[at + i] = text.charCodeAt(i);
        }
      }
    }
    offset += widths[k];
  });
  return { rowBytes, rows, data };
}

/** An image extension (IMAGE HDU) with a name. */
export interface ImageExtension extends ImageHdu {
  name: string;
}

/** A whole FITS file: primary HDU (image or empty), then image extensions and binary tables. */
export function fitsFile(
  primary: ImageHdu | null,
  tables: TableHdu[] = [],
  primaryCards: [string, CardValue, string?][] = [],
  images: ImageExtension[] = [],
): Uint8Array {
  const parts: Uint8Array[] = [];
  parts.push(header([...imageCards(primary, [card("SIMPLE", true)]), card("EXTEND", true), ...primaryCards.map(([k, v, c]) => card(k, v, c))]));
  if (primary) parts.push(pad(imageBytes(primary.data)));
  for (const image of images) {
    parts.push(header([...imageCards(image, [card("XTENSION", "IMAGE")]), card("PCOUNT", 0), card("GCOUNT", 1), card("EXTNAME", image.name)]));
    parts.push(pad(imageBytes(image.data)));
  }
  for (const table of tables) {
    const { rowBytes, rows, data } = tableBytes(table);
    parts.push(
      header([
        card("XTENSION", "BINTABLE"), card("BITPIX", 8), card("NAXIS", 2), card("NAXIS1", rowBytes), card("NAXIS2", rows),
        card("PCOUNT", 0), card("GCOUNT", 1), card("TFIELDS", table.columns.length),
        ...table.columns.flatMap((c, i) => [card(`TTYPE${i + 1}`, c.name), card(`TFORM${i + 1}`, c.format), ...(c.unit ? [card(`TUNIT${i + 1}`, c.unit)] : [])]),
        card("EXTNAME", table.name),
        ...(table.cards ?? []).map(([k, v, c]) => card(k, v, c)),
      ]),
    );
    parts.push(pad(data));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
