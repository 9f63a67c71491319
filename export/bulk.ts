/**
 * Bulk downloads: the images or spectra of many galaxies as one NumPy
 * `.npz` (./npz.ts), for machine learning. A selection is a list of ids
 * (in the caller's order) or a cone (coneSearch's order: nearest first,
 * then id; only galaxies with that kind of data). The archive holds
 *   ids         int64 (N,)
 *   flux sigma  float32 (N, bands, size, size) or (N, bins)
 *   mask        uint8, same shape (1 = no data; flux and sigma NaN there)
 *   bands       <U1 (bands,)  (images)  ·  wavelength float64 (bins,) (spectra)
 * and is read a block of galaxies at a time (CubeStore.readRows: one slice
 * per run of nearby rows of a shard), one part after the other, so memory
 * holds one block whatever the count.
 */
import { endianness } from "node:os";
import { checkCone, conePlacedIds, type PlacedId } from "../catalog/cone-search.js";
import { galaxiesByIds, isGalaxyId } from "../catalog/galaxies.js";
import { BAND_NAMES, type BandName } from "../cube/layout.js";
import type { CubeLocation, CubeStore } from "../cube/cube-store.js";
import { ZOOM_LEVELS, imageSize, spectrumBins, wavelengthGrid } from "../cube/zoom.js";
import type { Sql } from "../db/database.js";
import { CodedError, ErrorCode, InputChecker, NotFoundError } from "../errors/codes.js";
import { crc32Appender } from "../cube/crc32.js";
import { npzChunks, npzLayout, type NpyChunk, type NpyEntry } from "./npz.js";

export type BulkKind = "image" | "spectrum";

export interface BulkRequest {
  ids?: string[] | null;
  cone?: { ra: number; dec: number; radius: number } | null;
  zoom?: number | null;
  /** Images only: bands in this order (default u, g, r, i, z). */
  bands?: BandName[] | null;
}

export interface BulkLimits {
  /** Most galaxies one request may select (ids, or the galaxies of a cone). */
  maxBulkGalaxies: number;
  maxConeRadiusDeg: number;
}

/** Galaxies read and written per block (one readRows per part). */
export const BULK_BLOCK = 64;

const PARTS = ["flux", "sigma", "mask"] as const;

/**
 * Checks a request's shape and values, every problem at once (BAD_USER_INPUT
 * with problems); `raw` is what the client sent (a parsed JSON body, or the
 * query string turned into the same fields).
 */
export function parseBulkRequest(raw: unknown, kind: BulkKind, limits: BulkLimits): BulkRequest {
  const checker = new InputChecker();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    checker.check(false, "body", "must be a JSON object with ids or cone, and zoom (and bands for images)");
    checker.throwIfAny();
  }
  const body = raw as Record<string, unknown>;
  const known = kind === "image" ? ["ids", "cone", "zoom", "bands"] : ["ids", "cone", "zoom"];
  for (const key of Object.keys(body)) checker.check(known.includes(key), key, `unknown parameter (expected ${known.join(", ")})`);
  const { ids, cone, zoom, bands } = body;
  const hasIds = ids !== undefined && ids !== null;
  const hasCone = cone !== undefined && cone !== null;
  checker.check(hasIds !== hasCone, hasIds ? "cone" : "ids", "give exactly one of ids and cone");
  if (hasIds) {
    const list = ids as unknown[];
    const isList = Array.isArray(list);
    checker.check(isList && list.length > 0, "ids", "must be a non-empty list of galaxy ids");
    if (isList) {
      checker.check(list.length <= limits.maxBulkGalaxies, "ids", `at most ${limits.maxBulkGalaxies} ids per request (MAX_BULK_GALAXIES); got ${list.length}`);
      const bad = list.filter((id) => typeof id !== "string" || !isGalaxyId(id));
      checker.check(bad.length === 0, "ids", `must be positive decimal integers as strings; bad: ${bad.slice(0, 5).map((b) => JSON.stringify(b)).join(", ")}${bad.length > 5 ? ", …" : ""}`);
    }
  }
  if (hasCone) {
    const c = cone as Record<string, unknown>;
    const ok = typeof c === "object" && !Array.isArray(c) && ["ra", "dec", "radius"].every((k) => typeof c[k] === "number") && Object.keys(c).length === 3;
    checker.check(ok, "cone", "must be { ra, dec, radius } in degrees");
    if (ok) checkCone(checker, c.ra as number, c.dec as number, c.radius as number, limits.maxConeRadiusDeg);
  }
  checker.check(zoom === undefined || zoom === null || (Number.isInteger(zoom) && (zoom as number) >= 0 && (zoom as number) < ZOOM_LEVELS), "zoom", `must be an integer in [0, ${ZOOM_LEVELS - 1}]`);
  if (bands !== undefined && bands !== null) {
    const list = Array.isArray(bands) ? bands.map((b) => (typeof b === "string" ? b.toLowerCase() : b)) : null;
    checker.check(list !== null && list.length > 0 && list.every((b) => BAND_NAMES.includes(b as BandName)) && new Set(list).size === list.length, "bands", "must be distinct bands among u, g, r, i, z");
  }
  checker.throwIfAny();
  return {
    ids: hasIds ? (ids as string[]) : null,
    cone: hasCone ? (cone as BulkRequest["cone"]) : null,
    zoom: (zoom as number | null | undefined) ?? 0,
    bands: bands == null ? null : (bands as string[]).map((b) => b.toLowerCase() as BandName),
  };
}

/** The galaxies a request selects, in order, with their cube locations; NOT_FOUND listing ids that name nothing or lack the data. */
export async function selectGalaxies(sql: Sql, request: BulkRequest, kind: BulkKind, limits: BulkLimits): Promise<{ id: string; cube: CubeLocation }[]> {
  const what = kind === "image" ? "an image" : "a spectrum";
  if (request.ids) {
    const found = await galaxiesByIds(sql, request.ids);
    const missing = request.ids.filter((_, i) => found[i] === null);
    const without = request.ids.filter((_, i) => {
      const g = found[i];
      return g !== null && (g.cube === null || !(kind === "image" ? g.hasImage : g.hasSpectrum));
    });
    const problems = [];
    if (missing.length > 0) problems.push({ argument: "ids", message: `no galaxy has the id${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` });
    if (without.length > 0) problems.push({ argument: "ids", message: `the galaxies ${without.join(", ")} have no ${kind}` });
    if (problems.length > 0) {
      const error = new NotFoundError(problems);
      error.details.missing = missing;
      error.details.without = without;
      throw error;
    }
    return found.map((g) => ({ id: g!.id, cube: g!.cube! }));
  }
  const cone = request.cone!;
  const placed: PlacedId[] = await conePlacedIds(sql, { raDeg: cone.ra, decDeg: cone.dec, radiusDeg: cone.radius }, kind, limits.maxBulkGalaxies, limits);
  if (placed.length > limits.maxBulkGalaxies) {
    throw new CodedError(ErrorCode.BAD_USER_INPUT, `cone: it holds more than ${limits.maxBulkGalaxies} galaxies with ${what} (MAX_BULK_GALAXIES); use a smaller radius, or ids`, {
      problems: [{ argument: "cone", message: `holds more than ${limits.maxBulkGalaxies} galaxies with ${what}` }],
      limit: limits.maxBulkGalaxies,
    });
  }
  return placed.filter((p) => p.cube !== null).map((p) => ({ id: p.id, cube: p.cube! }));
}

/** The bytes of a typed array (no copy); the machine's byte order is little-endian (checked once). */
function bytesOf(array: Float32Array | Uint8Array | Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The block buffers of one archive, lent and given back: a block's bytes
 * are read into a buffer taken here, and whoever writes them out gives it
 * back once the socket has taken them (the write's callback), so a
 * download of any length makes no garbage of its blocks. Never waits:
 * with none free it makes a new one, so the buffers in use are bounded
 * by how many blocks the writer holds at once (the server: two).
 */
export class BlockBuffers {
  private readonly free: ArrayBuffer[] = [];
  private readonly lent = new Set<ArrayBuffer>();
  /** Buffers made so far (what the tests check). */
  made = 0;

  constructor(private readonly keep = 4) {}

  /** A buffer of at least `bytes` bytes, for the taker alone until given back. */
  take(bytes: number): ArrayBuffer {
    const at = this.free.findIndex((b) => b.byteLength >= bytes);
    const buffer = at >= 0 ? this.free.splice(at, 1)[0] : (this.made++, new ArrayBuffer(bytes));
    this.lent.add(buffer);
    return buffer;
  }

  /** Gives back what `take` lent (anything else, e.g. a header's bytes, is ignored). */
  give(buffer: ArrayBufferLike): void {
    if (!this.lent.delete(buffer as ArrayBuffer)) return;
    if (this.free.length < this.keep) this.free.push(buffer as ArrayBuffer);
  }
}

export interface BulkArchive {
  /** Length of the archive in bytes (known before the first byte). */
  bytes: number;
  count: number;
  chunks: AsyncGenerator<Uint8Array>;
}

/** Waits one turn of the event loop (other requests run between blocks). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The .npz of `galaxies` (in order): images at `zoom` with `bands`, or
 * spectra at `zoom`. With `buffers`, blocks are read into buffers taken
 * there (the consumer gives each back once written), else into new ones.
 * Throws RangeError (turned into BAD_USER_INPUT) when it would exceed
 * 4 GiB. A shard failing while the archive is written throws
 * from the generator, which ends the stream in an error: the file is then
 * incomplete (no central directory) and Content-Length is not reached.
 */
export function bulkArchive(cube: CubeStore, kind: BulkKind, galaxies: readonly { id: string; cube: CubeLocation }[], zoom: number, bandList: readonly BandName[] | null, buffers?: BlockBuffers): BulkArchive {
  if (endianness() !== "LE") throw new Error("bulk downloads write the machine's float32 as little-endian: a big-endian machine is not supported");
  const n = galaxies.length;
  const bands = kind === "image" ? [...(bandList ?? BAND_NAMES)] : [];
  const size = imageSize(zoom);
  const bins = spectrumBins(zoom);
  const rowShape = kind === "image" ? [bands.length, size, size] : [bins];
  const storedWidth = kind === "image" ? BAND_NAMES.length * size * size : bins;
  const plane = size * size;
  const bandIndex = bands.map((b) => BAND_NAMES.indexOf(b));
  const allBands = kind === "spectrum" || bandIndex.every((b, k) => b === k) && bandIndex.length === BAND_NAMES.length;
  const locations = galaxies.map((g) => g.cube);

  // Every block's CRC-32 is combined from the CRCs of its planes (kept by the cube after their first read), in the order written.
  const itemBytes = (name: (typeof PARTS)[number]) => (name === "mask" ? 1 : 4);
  async function* part(name: (typeof PARTS)[number]): AsyncGenerator<NpyChunk> {
    for (let start = 0; start < n; start += BULK_BLOCK) {
      if (start > 0) await turn();
      const block = locations.slice(start, start + BULK_BLOCK);
      const storedBuffer = buffers?.take(block.length * storedWidth * itemBytes(name));
      const { values: stored, planes, planeBytes, planeCrcs } = cube.readRowsWithCrcs(kind, block, zoom, name, storedBuffer);
      const append = crc32Appender(planeBytes);
      let crc = 0; // the CRC of no bytes
      if (allBands) {
        for (let k = 0; k < planeCrcs.length; k++) crc = append(crc, planeCrcs[k]);
        yield { bytes: bytesOf(stored), crc };
        continue;
      }
      const length = block.length * bands.length * plane;
      const outBuffer = buffers?.take(length * itemBytes(name));
      const out = name === "mask" ? (outBuffer ? new Uint8Array(outBuffer, 0, length) : new Uint8Array(length)) : outBuffer ? new Float32Array(outBuffer, 0, length) : new Float32Array(length);
      for (let g = 0; g < block.length; g++) {
        bandIndex.forEach((b, k) => {
          const from = g * storedWidth + b * plane;
          out.set(stored.subarray(from, from + plane), (g * bands.length + k) * plane);
          crc = append(crc, planeCrcs[g * planes + b]);
        });
      }
      if (storedBuffer) buffers!.give(storedBuffer); // copied out: free at once
      yield { bytes: bytesOf(out), crc };
    }
  }

  const ids = new BigInt64Array(galaxies.map((g) => BigInt(g.id)));
  const entries: NpyEntry[] = [
    { name: "ids", descr: "<i8", shape: [n], itemBytes: 8, chunks: () => [bytesOf(ids)] },
    { name: "flux", descr: "<f4", shape: [n, ...rowShape], itemBytes: 4, chunks: () => part("flux") },
    { name: "sigma", descr: "<f4", shape: [n, ...rowShape], itemBytes: 4, chunks: () => part("sigma") },
    { name: "mask", descr: "|u1", shape: [n, ...rowShape], itemBytes: 1, chunks: () => part("mask") },
  ];
  if (kind === "image") {
    const text = new Uint32Array(bands.map((b) => b.codePointAt(0)!));
    entries.push({ name: "bands", descr: "<U1", shape: [bands.length], itemBytes: 4, chunks: () => [bytesOf(new Uint8Array(text.buffer))] });
  } else {
    const grid = wavelengthGrid(bins);
    entries.push({ name: "wavelength", descr: "<f8", shape: [bins], itemBytes: 8, chunks: () => [bytesOf(grid)] });
  }
  let layout;
  try {
    layout = npzLayout(entries);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CodedError(ErrorCode.BAD_USER_INPUT, `the archive of ${n} galaxies would reach 4 GiB: ask for fewer galaxies, a higher zoom or fewer bands`, { problems: [{ argument: "ids", message: "too many galaxies for one archive" }] });
  }
  return { bytes: layout.bytes, count: n, chunks: npzChunks(layout) };
}
