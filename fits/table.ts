/**
 * FITS binary tables (FITS Standard 4.0, §7.3). Columns are read whole:
 * numbers as Float64Array (TSCALn/TZEROn applied), 64-bit integers as
 * decimal strings (SDSS ids exceed 2^53), characters as trimmed strings,
 * logicals as booleans. A column with a repeat count above 1 comes back as
 * one array per row. Variable-length arrays (P, Q) are not supported.
 */
import { FitsError } from "./errors.js";
import type { Hdu } from "./file.js";

interface ColumnFormat {
  name: string;
  repeat: number;
  code: string;
  /** Byte offset of the column inside a row. */
  offset: number;
  scale: number;
  zero: number;
}

const BYTES: Record<string, number> = { L: 1, X: 1 / 8, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16 };

export type ColumnValues = Float64Array | string[] | boolean[] | Float64Array[] | string[][];

export class BinaryTable {
  readonly rows: number;
  readonly rowBytes: number;
  readonly columns: ColumnFormat[] = [];
  private readonly view: DataView;

  constructor(readonly hdu: Hdu) {
    const { header, data } = hdu;
    if (hdu.type !== "BINTABLE") throw new FitsError(`HDU ${hdu.index} is ${hdu.type}, not a BINTABLE`);
    this.rowBytes = header.number("NAXIS1");
    this.rows = header.number("NAXIS2");
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let offset = 0;
    const count = header.number("TFIELDS");
    for (let i = 1; i <= count; i++) {
      const form = header.string(`TFORM${i}`).trim();
      const match = /^(\d*)([LXBIJKAEDCMPQ])/.exec(form);
      if (!match) throw new FitsError(`TFORM${i} = ${JSON.stringify(form)} is not a binary-table format`);
      const repeat = match[1] === "" ? 1 : Number(match[1]);
      const code = match[2];
      if (code === "P" || code === "Q") throw new FitsError(`column ${i} uses variable-length arrays, which this reader does not support`);
      this.columns.push({
        name: String(header.get(`TTYPE${i}`) ?? `COL${i}`).trim(),
        repeat,
        code,
        offset,
        scale: header.number(`TSCAL${i}`, 1),
        zero: header.number(`TZERO${i}`, 0),
      });
      offset += Math.ceil(repeat * BYTES[code]);
    }
    if (offset !== this.rowBytes) throw new FitsError(`columns add up to ${offset} bytes but NAXIS1 is ${this.rowBytes}`);
  }

  hasColumn(name: string): boolean {
    return this.columns.some((c) => c.name.toUpperCase() === name.toUpperCase());
  }

  private format(name: string): ColumnFormat {
    const format = this.columns.find((c) => c.name.toUpperCase() === name.toUpperCase());
    if (!format) throw new FitsError(`no column ${name} in HDU ${this.hdu.name ?? this.hdu.index}`);
    return format;
  }

  /** A numeric column with one value per row (TSCAL/TZERO applied). */
  numbers(name: string): Float64Array {
    const column = this.column(name);
    if (!(column instanceof Float64Array)) throw new FitsError(`column ${name} is not a scalar numeric column`);
    return column;
  }

  /** A character column, trimmed. */
  strings(name: string): string[] {
    const format = this.format(name);
    if (format.code !== "A") throw new FitsError(`column ${name} is not a character column`);
    return this.column(name) as string[];
  }

  column(name: string): ColumnValues {
    const f = this.format(name);
    const { view, rowBytes, rows } = this;
    if (f.code === "A") {
      const out: string[] = [];
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      for (let r = 0; r < rows; r++) {
        const start = r * rowBytes + f.offset;
        let end = start;
        while (end < start + f.repeat && bytes[end] !== 0) end++;
        out.push(String.fromCharCode(...bytes.subarray(start, end)).trimEnd());
      }
      return out;
    }
    if (f.code === "L") {
      return Array.from({ length: rows }, (_, r) => view.getUint8(r * rowBytes + f.offset) === 0x54); // 'T'
    }
    if (f.code === "K" && f.scale === 1 && Number.isInteger(f.zero)) {
      // Exact in BigInt; TZERO = 2^63 is the standard's unsigned 64-bit convention.
      const zero = BigInt(f.zero);
      const read = (r: number, k: number) => (view.getBigInt64(r * rowBytes + f.offset + 8 * k) + zero).toString();
      return f.repeat === 1 ? Array.from({ length: rows }, (_, r) => read(r, 0)) : Array.from({ length: rows }, (_, r) => Array.from({ length: f.repeat }, (_, k) => read(r, k)));
    }
    const size = BYTES[f.code];
    const read = numberReader(f.code);
    if (!read) throw new FitsError(`column ${name} has type ${f.code}, which this reader does not decode`);
    const value = (r: number, k: number) => read(view, r * rowBytes + f.offset + size * k) * f.scale + f.zero;
    if (f.repeat === 1) {
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) out[r] = value(r, 0);
      return out;
    }
    return Array.from({ length: rows }, (_, r) => Float64Array.from({ length: f.repeat }, (_, k) => value(r, k)));
  }
}

function numberReader(code: string): ((view: DataView, offset: number) => number) | null {
  switch (code) {
    case "B":
      return (v, o) => v.getUint8(o);
    case "I":
      return (v, o) => v.getInt16(o);
    case "J":
      return (v, o) => v.getInt32(o);
    case "K":
      return (v, o) => Number(v.getBigInt64(o));
    case "E":
      return (v, o) => v.getFloat32(o);
    case "D":
      return (v, o) => v.getFloat64(o);
    default:
      return null;
  }
}
