/**
 * NumPy's `.npz` (a zip of `.npy` files, what `numpy.savez` writes and
 * `numpy.load` reads), written as a stream: entries are stored
 * (uncompressed: noisy float32 barely shrinks, and deflate would cost more
 * than the disk read), each entry's CRC-32 follows its data in a data
 * descriptor, so an entry is written as its chunks come, never held whole.
 * Every shape is known before the first byte, so the file's length is
 * too (the HTTP Content-Length). Sizes stay below 4 GiB (no ZIP64): the
 * caller limits the selection, and `npzLayout` refuses more.
 *
 * .npy: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * (magic, version 1.0, a little-endian uint16 header length, a Python dict
 * literal padded with spaces to a multiple of 64 bytes, then the raw data
 * in C order). Zip: PKWARE APPNOTE 6.3 (local header, data, descriptor;
 * central directory; end record).
 */
import { crc32 } from "node:zlib";
import { crc32Combine } from "../cube/crc32.js";

/**
 * A piece of an entry's data: bytes, or bytes with their CRC-32 already
 * known (the caller's word that `crc` is zlib's CRC-32 of exactly `bytes`;
 * the entry's CRC is then combined from it without reading the bytes).
 */
export type NpyChunk = Uint8Array | { bytes: Uint8Array; crc: number };

/** One array of the archive: `name` (without `.npy`), its dtype and shape, and its data as chunks in C order. */
export interface NpyEntry {
  name: string;
  /** A NumPy dtype string: `<f4`, `<f8`, `<i8`, `|u1`, `<U1`. */
  descr: string;
  shape: readonly number[];
  /** Bytes per element of `descr`. */
  itemBytes: number;
  /** The data, in order; together exactly shape's product × itemBytes bytes (checked). */
  chunks: () => Iterable<NpyChunk> | AsyncIterable<NpyChunk>;
}

const LIMIT_32 = 0xffffffff;
const LOCAL_HEADER = 30;
const DESCRIPTOR = 16;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
// 1980-01-01 00:00 in MS-DOS date and time (the archive is made now; a fixed stamp keeps identical requests byte-identical).
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const VERSION = 20;

/** The .npy header (magic to the newline) for a dtype and shape. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const text = dict + " ".repeat(total - unpadded) + "\n";
  if (text.length > 0xffff) throw new Error("npy header too long");
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

interface Placed {
  entry: NpyEntry;
  fileName: Uint8Array;
  header: Uint8Array;
  dataBytes: number;
  /** header + data: the zip entry's stored size. */
  size: number;
  offset: number;
}

export interface NpzLayout {
  /** The archive's length in bytes. */
  bytes: number;
  placed: Placed[];
  centralOffset: number;
  centralBytes: number;
}

/** Where every entry goes; throws when the archive would need ZIP64 (4 GiB or more). */
export function npzLayout(entries: readonly NpyEntry[]): NpzLayout {
  let offset = 0;
  const placed = entries.map((entry): Placed => {
    const fileName = new TextEncoder().encode(`${entry.name}.npy`);
    const header = npyHeader(entry.descr, entry.shape);
    const dataBytes = entry.shape.reduce((a, b) => a * b, 1) * entry.itemBytes;
    const size = header.length + dataBytes;
    const at = offset;
    offset += LOCAL_HEADER + fileName.length + size + DESCRIPTOR;
    return { entry, fileName, header, dataBytes, size, offset: at };
  });
  const centralBytes = placed.reduce((sum, p) => sum + CENTRAL_HEADER + p.fileName.length, 0);
  const bytes = offset + centralBytes + END_RECORD;
  if (bytes > LIMIT_32 || entries.length > 0xffff) throw new RangeError(`an .npz of ${bytes} bytes would need ZIP64`);
  return { bytes, placed, centralOffset: offset, centralBytes };
}

function localHeader(p: Placed): Uint8Array {
  const out = new Uint8Array(LOCAL_HEADER + p.fileName.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, VERSION, true);
  v.setUint16(6, FLAG_DATA_DESCRIPTOR, true);
  v.setUint16(8, 0, true); // stored
  v.setUint16(10, DOS_TIME, true);
  v.setUint16(12, DOS_DATE, true);
  // CRC and sizes are 0 here and follow the data (flag bit 3).
  v.setUint16(26, p.fileName.length, true);
  out.set(p.fileName, LOCAL_HEADER);
  return out;
}

function descriptor(crc: number, size: number): Uint8Array {
  const out = new Uint8Array(DESCRIPTOR);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x08074b50, true);
  v.setUint32(4, crc, true);
  v.setUint32(8, size, true);
  v.setUint32(12, size, true);
  return out;
}

function centralDirectory(layout: NpzLayout, crcs: readonly number[]): Uint8Array {
  const out = new Uint8Array(layout.centralBytes + END_RECORD);
  const v = new DataView(out.buffer);
  let at = 0;
  layout.placed.forEach((p, i) => {
    v.setUint32(at, 0x02014b50, true);
    v.setUint16(at + 4, VERSION, true); // made by: MS-DOS, 2.0
    v.setUint16(at + 6, VERSION, true);
    v.setUint16(at + 8, FLAG_DATA_DESCRIPTOR, true);
    v.setUint16(at + 10, 0, true);
    v.setUint16(at + 12, DOS_TIME, true);
    v.setUint16(at + 14, DOS_DATE, true);
    v.setUint32(at + 16, crcs[i], true);
    v.setUint32(at + 20, p.size, true);
    v.setUint32(at + 24, p.size, true);
    v.setUint16(at + 28, p.fileName.length, true);
    // extra, comment, disk, attributes: 0
    v.setUint32(at + 42, p.offset, true);
    out.set(p.fileName, at + CENTRAL_HEADER);
    at += CENTRAL_HEADER + p.fileName.length;
  });
  v.setUint32(at, 0x06054b50, true);
  v.setUint16(at + 8, layout.placed.length, true);
  v.setUint16(at + 10, layout.placed.length, true);
  v.setUint32(at + 12, layout.centralBytes, true);
  v.setUint32(at + 16, layout.centralOffset, true);
  return out;
}

/**
 * The archive's bytes, entry by entry, chunk by chunk as the entries
 * yield them. An entry that yields more or fewer bytes than its shape
 * says throws: the stream ends in an error, never in a well-formed file
 * with wrong data (the central directory, written last, is what makes the
 * file readable).
 */
export async function* npzChunks(layout: NpzLayout): AsyncGenerator<Uint8Array> {
  const crcs: number[] = [];
  for (const p of layout.placed) {
    yield localHeader(p);
    let crc = crc32(p.header);
    yield p.header;
    let written = 0;
    for await (const chunk of p.entry.chunks()) {
      const bytes = chunk instanceof Uint8Array ? chunk : chunk.bytes;
      written += bytes.byteLength;
      if (written > p.dataBytes) break;
      crc = chunk instanceof Uint8Array ? crc32(chunk, crc) : crc32Combine(crc, chunk.crc, bytes.byteLength);
      yield bytes;
    }
    if (written !== p.dataBytes) throw new Error(`npz entry ${p.entry.name}: ${written} bytes of data instead of ${p.dataBytes}`);
    crcs.push(crc >>> 0);
    yield descriptor(crc >>> 0, p.size);
  }
  yield centralDirectory(layout, crcs);
}
