/**
 * Reading FITS files: header-data units, images and binary tables.
 * Reference: FITS Standard 4.0, §3 (file structure), §5 (data
 * representation: big-endian, IEEE floats), §7.3 (binary tables),
 * §4.4.2.5 (BSCALE/BZERO) and §7.3.2 (TSCALn/TZEROn).
 * `.bz2` files (as SDSS serves its frames) are decompressed first.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Bunzip from "seek-bzip";
import { FitsError } from "./errors.js";
import { BLOCK, FitsHeader, readHeader } from "./header.js";

export interface Hdu {
  index: number;
  header: FitsHeader;
  /** XTENSION value, or "PRIMARY". */
  type: string;
  /** EXTNAME, when given. */
  name: string | null;
  data: Uint8Array;
}

const installed = new Map<string, boolean>();
/** Whether a command runs here (looked up once). */
function has(command: "bzip2" | "lbzip2"): boolean {
  let found = installed.get(command);
  if (found === undefined) installed.set(command, (found = spawnSync(command, ["--help"]).error === undefined));
  return found;
}

/** The bzip2 decompressor ingest uses here: Debian's multi-threaded `lbzip2`, else `bzip2`, else none (JavaScript). */
export function bzip2Tool(): "lbzip2" | "bzip2" | null {
  return has("lbzip2") ? "lbzip2" : has("bzip2") ? "bzip2" : null;
}

/**
 * Decompresses bzip2 data: with the system's `bzip2` when there is one (about
 * 7x faster on SDSS frames), else with seek-bzip in JavaScript.
 */
export function bunzip(compressed: Uint8Array, useNative = true): Uint8Array {
  if (useNative && has("bzip2")) {
    const result = spawnSync("bzip2", ["-dc"], { input: compressed, maxBuffer: 1 << 30 });
    if (result.status === 0) return result.stdout;
    throw new FitsError(`bzip2 could not decompress the file: ${result.stderr.toString().trim()}`);
  }
  return Bunzip.decode(Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength));
}

/** lbzip2 decompresses one file on every core; runs wait for each other here. */
let lbzip2Queue: Promise<unknown> = Promise.resolve();

function decompressInChild(tool: "bzip2" | "lbzip2", path: string, signal?: AbortSignal): Promise<Uint8Array> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ["-dc", path], { signal });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
    child.on("error", reject);
    child.on("close", (code, killedBy) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else if (signal?.aborted) reject(signal.reason);
      // Killed (out of memory, say): a system failure, not bad data.
      else if (code === null) reject(new Error(`${tool} was stopped by ${killedBy} while decompressing ${path}`));
      else reject(new FitsError(`${tool} could not decompress ${path}: ${Buffer.concat(errors).toString().trim()}`));
    });
  });
}

/**
 * bunzip in a child process, concurrently with other work. With Debian's
 * `lbzip2` (multi-threaded), files are decompressed one at a time on every
 * core; with `bzip2`, several files at once on several cores; with neither,
 * in JavaScript. Aborting `signal` stops the child (or a queued run) and
 * rejects with the signal's reason.
 */
function bunzipAsync(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const tool = bzip2Tool();
  if (tool === null) return Promise.resolve(bunzip(readFileSync(path), false));
  if (tool === "lbzip2") {
    const run = lbzip2Queue.then(() => decompressInChild("lbzip2", path, signal));
    lbzip2Queue = run.catch(() => {});
    return run;
  }
  return decompressInChild("bzip2", path, signal);
}

/** Like openFits, decompressing .bz2 files in a child process (concurrently with other work). */
export async function openFitsAsync(path: string, signal?: AbortSignal): Promise<Hdu[]> {
  return path.endsWith(".bz2") ? parseFits(await bunzipAsync(path, signal)) : openFits(path);
}

/** Reads a FITS file (plain or bzip2-compressed) from disk. */
export function openFits(path: string): Hdu[] {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68) bytes = bunzip(bytes); // "BZh"
  return parseFits(bytes);
}

export function parseFits(bytes: Uint8Array): Hdu[] {
  if (String.fromCharCode(...bytes.subarray(0, 9)) !== "SIMPLE  =") throw new FitsError("not a FITS file: it does not start with SIMPLE");
  const hdus: Hdu[] = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const { header, end } = readHeader(bytes, offset);
    const size = dataSize(header);
    if (end + size > bytes.length) throw new FitsError(`HDU ${hdus.length} claims ${size} data bytes but the file ends first`);
    const type = hdus.length === 0 ? "PRIMARY" : header.string("XTENSION", "UNKNOWN").trim();
    const name = header.has("EXTNAME") ? String(header.get("EXTNAME")).trim() : null;
    hdus.push({ index: hdus.length, header, type, name, data: bytes.subarray(end, end + size) });
    offset = end + Math.ceil(size / BLOCK) * BLOCK;
  }
  return hdus;
}

/** Bytes of the data unit (§4.4.1.1): |BITPIX|/8 × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISn). */
function dataSize(header: FitsHeader): number {
  const naxis = header.number("NAXIS");
  if (naxis === 0) return 0;
  let product = 1;
  for (let i = 1; i <= naxis; i++) product *= header.number(`NAXIS${i}`);
  return (Math.abs(header.number("BITPIX")) / 8) * header.number("GCOUNT", 1) * (header.number("PCOUNT", 0) + product);
}

export function findHdu(hdus: Hdu[], name: string | number): Hdu {
  const hdu = typeof name === "number" ? hdus[name] : hdus.find((h) => h.name === name);
  if (!hdu) throw new FitsError(`no HDU ${JSON.stringify(name)} in the file`);
  return hdu;
}

export interface Image {
  /** FITS axis lengths, fastest first: [NAXIS1 (columns), NAXIS2 (rows), …]. */
  shape: number[];
  /** Physical values (BSCALE × stored + BZERO), row-major with NAXIS1 fastest. */
  values: Float32Array | Float64Array;
}

/** An image HDU's axes and a reader of its stored values (BSCALE × stored + BZERO). */
function imageUnit(hdu: Hdu) {
  const { header, data } = hdu;
  const naxis = header.number("NAXIS");
  const shape = Array.from({ length: naxis }, (_, i) => header.number(`NAXIS${i + 1}`));
  const count = shape.reduce((a, b) => a * b, naxis === 0 ? 0 : 1);
  const bitpix = header.number("BITPIX");
  const scale = header.number("BSCALE", 1);
  const zero = header.number("BZERO", 0);
  const read = scalarReader(bitpix);
  const bytes = Math.abs(bitpix) / 8;
  if (data.byteLength < count * bytes) throw new FitsError(`the image claims ${count * bytes} bytes but its data unit has ${data.byteLength}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { shape, count, bitpix, value: (index: number) => read(view, index * bytes) * scale + zero };
}

/** The image of an HDU as physical values. */
export function readImage(hdu: Hdu): Image {
  const { shape, count, bitpix, value } = imageUnit(hdu);
  const values = bitpix === -64 ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = value(i);
  return { shape, values };
}

/**
 * Random access to the image of an HDU without converting all of it: `at(i)`
 * is the physical value of pixel i (row-major, NAXIS1 fastest), the same
 * number `readImage` gives, read when asked.
 */
export function imageAccess(hdu: Hdu): { shape: number[]; at(index: number): number } {
  const { shape, count, bitpix, value } = imageUnit(hdu);
  const round = bitpix === -64 ? (x: number) => x : Math.fround;
  return {
    shape,
    at: (index) => {
      if (!(index >= 0 && index < count)) throw new RangeError(`pixel ${index} is outside the image (${count} pixels)`);
      return round(value(index));
    },
  };
}

function scalarReader(bitpix: number): (view: DataView, offset: number) => number {
  switch (bitpix) {
    case 8:
      return (v, o) => v.getUint8(o);
    case 16:
      return (v, o) => v.getInt16(o);
    case 32:
      return (v, o) => v.getInt32(o);
    case 64:
      return (v, o) => Number(v.getBigInt64(o));
    case -32:
      return (v, o) => v.getFloat32(o);
    case -64:
      return (v, o) => v.getFloat64(o);
    default:
      throw new FitsError(`BITPIX ${bitpix} is not a FITS data type`);
  }
}
