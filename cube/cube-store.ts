/**
 * The cube: many immutable shard files (./shard-file.ts) in a storage
 * (./storage.ts), addressed by location = (shard name, row). Reading opens
 * shards lazily and keeps at most `maxOpen` of them open (least recently
 * used closed first); writing makes one new shard per call, durable before
 * it returns, so its cost is the new data's size whatever the cube holds.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { closeSync, createReadStream, openSync, readSync, rmSync, statSync, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { rescaleWcs, type TanWcs } from "../sky/tan-wcs.js";
import { BAND_COUNT } from "./layout.js";
import { CubeError, WCS_FIELDS, unreadable, type CubeRecord } from "./levels.js";
import { ready, ShardFile, writeShardFile } from "./shard-file.js";
import { ThreadShardWriter } from "./shard-writer.js";
import { LocalShardStorage, type ShardStorage } from "./storage.js";
import type { Measured } from "./rebin.js";
import { ZOOM_LEVELS, imageSize, spectrumBins } from "./zoom.js";

export { CubeError, type CubeErrorCode, type CubeRecord } from "./levels.js";

/** Where one galaxy's data are: row `row` of shard `shard` (a storage name). */
export interface CubeLocation {
  shard: string;
  row: number;
}

export interface ImageCube extends Measured {
  zoom: number;
  size: number;
  /** The WCS of this zoom level. */
  wcs: TanWcs | null;
}

export interface SpectrumCube extends Measured {
  zoom: number;
  wavelengthAngstrom: Float64Array;
}

/** A shard as written: what the manifest records of it. */
export interface WrittenShard {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Reads are 1 MB at a time; between two, the event loop serves others. */
const HASH_CHUNK = 1 << 20;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The same digest, blocking (the fallback of a synchronous read; see `CubeStore.verify`). */
function sha256OfSync(path: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(HASH_CHUNK);
  const fd = openSync(path, "r");
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * The manifest's SHA-256 of shards, by name (null: none recorded, as for the
 * pre-shard cube.h5; absent: not in the manifest). cube/manifest.ts reads it
 * from the database.
 */
export type ShardDigests = (names: readonly string[]) => Promise<Map<string, string | null>>;

/** Which file a verdict is about: a file changed in place or replaced gets a new one. */
interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

const identityOf = (s: Stats): FileIdentity => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs });
const sameFile = (a: FileIdentity, b: FileIdentity) => a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** What verifying a shard's bytes found, for the file it was found of. */
type Verdict = FileIdentity & { error?: CubeError };

type Part = "flux" | "sigma" | "mask";

/** An upper bound of a shard's size: every zoom level uncompressed (flux, sigma, mask; WCS) plus the wavelength grids and HDF5's own structures. */
export function shardBytesBound(rows: number): number {
  let perRow = WCS_FIELDS * 8;
  let fixed = 256 * 1024;
  for (let zoom = 0; zoom < ZOOM_LEVELS; zoom++) {
    perRow += (BAND_COUNT * imageSize(zoom) ** 2 + spectrumBins(zoom)) * (4 + 4 + 1) + 2 * 1024; // chunk index entries
    fixed += spectrumBins(zoom) * 8;
  }
  return fixed + rows * perRow;
}

/** Free space below which a shard just written is not trusted: the disk filled while it was written. */
const FREE_BYTES_AFTER_WRITE = 64 * 1024;

/** What a cube store reports of its reads, for the server's metrics (set `CubeStore.observer`). */
export interface CubeObserver {
  /** `count` rows (one galaxy's image or spectrum at one zoom) were read. */
  rowsRead(kind: "image" | "spectrum", count: number): void;
  /** A shard's handle was looked up: `hit` when it was open already. */
  handleLookup(hit: boolean): void;
}

export class CubeStore {
  private readonly open = new Map<string, ShardFile>();
  private readonly wavelengths = new Map<number, Float64Array>();
  /** Told of every read and handle lookup (metrics); none by default. */
  observer: CubeObserver | undefined;
  /** Set by `verifyAgainst`: shards are checked against these digests before they are read. */
  private digests: ShardDigests | undefined;
  /** Digests learnt from the manifest or from writing a shard. */
  private readonly expected = new Map<string, string | null>();
  /** Shard files hashed in this process, by name: their bytes are not hashed again while the file stays the same. */
  private readonly verdicts = new Map<string, Verdict>();
  private readonly verifying = new Map<string, Promise<void>>();

  /** Where shard files are computed and written: a worker thread (default), or this one. */
  private readonly writer: ThreadShardWriter | undefined;

  private constructor(readonly storage: ShardStorage, private readonly maxOpen: number, writer: "thread" | "inline") {
    this.writer = writer === "thread" ? new ThreadShardWriter() : undefined;
  }

  static async create(storage: ShardStorage, options: { maxOpen?: number; writer?: "thread" | "inline" } = {}): Promise<CubeStore> {
    await ready;
    return new CubeStore(storage, options.maxOpen ?? 64, options.writer ?? "thread");
  }

  /**
   * Writes `records` as the new shard `name`: temporary file, fsync, rename.
   * Row i holds records[i]. h5wasm reports a failed write (a full disk) on
   * stderr, not to its caller, so the space is checked before (an upper
   * bound of the shard's size must be free) and after (a disk left full
   * means a write may have failed), and the file is opened again before it
   * is published: a shard is whole or not there.
   */
  async writeShard(name: string, records: readonly CubeRecord[]): Promise<WrittenShard> {
    const temporary = this.storage.temporaryPath(name);
    const noSpace = (cause?: unknown) => {
      const path = this.storage.localPath(name);
      return new CubeError(`no space left to write cube shard ${path}: nothing of this batch was stored; free space and run again`, { code: "CUBE_NO_SPACE", path, cause });
    };
    try {
      const free = () => this.storage.freeBytes(temporary);
      // Tests only (SKYCUBE_TEST_SKIP=space-precheck): the write itself meets the full disk.
      const precheck = process.env.SKYCUBE_TEST_SKIP !== "space-precheck";
      if (precheck && (free() ?? Infinity) < shardBytesBound(records.length)) throw noSpace();
      if (this.writer) await this.writer.write(temporary, records);
      else await writeShardFile(temporary, records);
      if ((free() ?? Infinity) < FREE_BYTES_AFTER_WRITE) throw noSpace();
      const check = new ShardFile(temporary, name);
      const rows = check.rows;
      check.close();
      if (rows !== records.length) throw new CubeError(`cube shard ${name} was written with ${rows} rows instead of ${records.length}`);
      const bytes = statSync(temporary).size;
      const sha256 = await sha256Of(temporary);
      this.storage.publish(temporary, name);
      this.expected.set(name, sha256);
      this.recordVerdict(name, sha256, sha256);
      return { name, rows: records.length, bytes, sha256 };
    } catch (error) {
      rmSync(temporary, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") throw noSpace(error);
      throw error;
    }
  }

  /**
   * From now on a shard's bytes are checked against the manifest's SHA-256
   * before it is first read: a file damaged in place (even with its size
   * and HDF5 structure intact) fails its own galaxies with CUBE_UNREADABLE
   * instead of serving wrong values. Each file is hashed once per process;
   * the verdict holds while its inode, size and mtime stay the same.
   */
  verifyAgainst(digests: ShardDigests): void {
    this.digests = digests;
  }

  /**
   * Checks the shards of `locations` (or shard names) before a read: hashes,
   * streamed, those this process has not hashed yet (with the event loop
   * serving between chunks), and throws CUBE_UNREADABLE naming the first
   * shard whose bytes are not those of the manifest. Shards already open
   * cost nothing. Without `verifyAgainst`, does nothing.
   */
  async verify(locations: Iterable<CubeLocation | string>): Promise<void> {
    if (!this.digests) return;
    const names = new Set<string>();
    for (const location of locations) {
      const name = typeof location === "string" ? location : location?.shard;
      if (typeof name === "string" && !this.open.has(name)) names.add(name);
    }
    if (names.size === 0) return;
    const unknown = [...names].filter((name) => !this.expected.has(name));
    if (unknown.length > 0) {
      const found = await this.digests(unknown);
      for (const name of unknown) if (found.has(name)) this.expected.set(name, found.get(name)!);
    }
    // Every shard is checked (concurrently), then the first failure in the order given is thrown.
    const results = await Promise.allSettled([...names].map((name) => this.verifyOne(name)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  private verifyOne(name: string): Promise<void> {
    let pending = this.verifying.get(name);
    if (!pending) {
      pending = this.check(name).finally(() => this.verifying.delete(name));
      this.verifying.set(name, pending);
    }
    return pending;
  }

  private async check(name: string): Promise<void> {
    const path = this.storage.localPath(name);
    const stats = await stat(path).catch(() => null);
    if (!stats) return; // missing: opening it says so
    if (this.throwIfJudged(name, identityOf(stats))) return;
    const expected = this.expected.get(name);
    if (expected === undefined) return; // not in the manifest: a read of it fails (checkBeforeOpen)
    if (expected === null) return void this.verdicts.set(name, identityOf(stats)); // no digest recorded (the pre-shard cube.h5)
    const actual = await sha256Of(path).catch(() => null);
    if (actual === null) return; // unreadable: opening it says so
    this.recordVerdict(name, expected, actual, identityOf(stats));
    this.throwIfJudged(name, identityOf(stats));
  }

  /** True when this file's verdict is known and sound; throws its error when known and bad; false when unknown. */
  private throwIfJudged(name: string, identity: FileIdentity): boolean {
    const verdict = this.verdicts.get(name);
    if (!verdict || !sameFile(verdict, identity)) return false;
    if (verdict.error) throw verdict.error;
    return true;
  }

  private recordVerdict(name: string, expected: string, actual: string, identity: FileIdentity = identityOf(statSync(this.storage.localPath(name)))): void {
    const error =
      expected === actual
        ? undefined
        : unreadable(name, `cube shard ${name} does not hold the bytes the manifest recorded (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…): the file was damaged or changed`);
    this.verdicts.set(name, { ...identity, error });
  }

  /**
   * Before a shard is opened: when checking against the manifest, its bytes
   * must have been verified. `verify` does that without blocking; a read it
   * did not precede (a handle closed by the cache meanwhile, a file changed
   * since) hashes here, blocking.
   */
  private checkBeforeOpen(name: string): void {
    if (!this.digests) return;
    const path = this.storage.localPath(name);
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch {
      return; // missing: opening it says so
    }
    const identity = identityOf(stats);
    if (this.throwIfJudged(name, identity)) return;
    if (!this.expected.has(name)) throw new CubeError(`cube shard ${name} is not in the manifest, or was read before CubeStore.verify looked up its digest`);
    const expected = this.expected.get(name);
    if (!expected) return void this.verdicts.set(name, identity);
    this.recordVerdict(name, expected, sha256OfSync(path), identity);
    this.throwIfJudged(name, identity);
  }

  /** The open shard `name`, opened on first use. */
  shard(name: string): ShardFile {
    let file = this.open.get(name);
    this.observer?.handleLookup(file !== undefined);
    if (file) {
      this.open.delete(name);
      this.open.set(name, file); // most recently used last
      return file;
    }
    this.checkBeforeOpen(name);
    file = new ShardFile(this.storage.localPath(name), name);
    this.open.set(name, file);
    while (this.open.size > this.maxOpen) {
      const [oldest, handle] = this.open.entries().next().value as [string, ShardFile];
      handle.close();
      this.open.delete(oldest);
    }
    return file;
  }

  /** Closes the handle of a shard (after it was removed or replaced). */
  forget(name: string): void {
    this.open.get(name)?.close();
    this.open.delete(name);
  }

  readImage(location: CubeLocation, zoom: number): ImageCube {
    const shard = this.shard(location.shard);
    this.observer?.rowsRead("image", 1);
    const wcs0 = shard.wcs0(location.row);
    return {
      zoom,
      size: imageSize(zoom),
      value: shard.slice("image", zoom, "flux", location.row, location.row) as Float32Array,
      sigma: shard.slice("image", zoom, "sigma", location.row, location.row) as Float32Array,
      mask: shard.slice("image", zoom, "mask", location.row, location.row) as Uint8Array,
      wcs: wcs0 && rescaleWcs(wcs0, 2 ** zoom),
    };
  }

  readSpectrum(location: CubeLocation, zoom: number): SpectrumCube {
    const shard = this.shard(location.shard);
    this.observer?.rowsRead("spectrum", 1);
    let wavelength = this.wavelengths.get(zoom);
    if (!wavelength) this.wavelengths.set(zoom, (wavelength = shard.wavelength(zoom)));
    return {
      zoom,
      wavelengthAngstrom: wavelength,
      value: shard.slice("spectrum", zoom, "flux", location.row, location.row) as Float32Array,
      sigma: shard.slice("spectrum", zoom, "sigma", location.row, location.row) as Float32Array,
      mask: shard.slice("spectrum", zoom, "mask", location.row, location.row) as Uint8Array,
    };
  }

  /** The zoom-0 TAN WCS of a location (null when it has no image). */
  readWcs(location: CubeLocation): TanWcs | null {
    return this.shard(location.shard).wcs0(location.row);
  }

  /** A location's zoom-0 data as a record (what a merge starts from). */
  readRecord(location: CubeLocation, has: { image: boolean; spectrum: boolean }): CubeRecord {
    const record: CubeRecord = {};
    if (has.image) {
      const image = this.readImage(location, 0);
      const wcs = this.readWcs(location);
      if (wcs) record.image = { value: image.value, sigma: image.sigma, mask: image.mask, wcs };
    }
    if (has.spectrum) {
      const { value, sigma, mask } = this.readSpectrum(location, 0);
      record.spectrum = { value, sigma, mask };
    }
    return record;
  }

  /**
   * Parts of many locations at one zoom, in the order given (row-major:
   * locations × values per row). Locations are grouped by shard, and nearby
   * rows of a shard are read with one slice per part, so loading a training
   * set or exporting the cube costs a few large reads. With `into` (one
   * buffer per part, each of at least locations × values per row × bytes
   * per value), the values are written there, from its start, instead of
   * into new arrays (a caller reusing its buffers makes no garbage).
   */
  readRows<P extends Part>(kind: "image" | "spectrum", locations: readonly CubeLocation[], zoom: number, parts: readonly P[], into?: readonly ArrayBuffer[]): Record<P, Float32Array | Uint8Array> {
    const width = kind === "image" ? BAND_COUNT * imageSize(zoom) ** 2 : spectrumBins(zoom);
    const out = parts.map((p, i) => {
      const length = locations.length * width;
      const buffer = into?.[i];
      if (!buffer) return p === "mask" ? new Uint8Array(length) : new Float32Array(length);
      return p === "mask" ? new Uint8Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
    });
    const byShard = new Map<string, [number, number][]>();
    locations.forEach((location, at) => {
      if (!location || typeof location.shard !== "string") throw new CubeError(`location ${at} has no cube shard`);
      const list = byShard.get(location.shard) ?? [];
      list.push([location.row, at]);
      byShard.set(location.shard, list);
    });
    this.observer?.rowsRead(kind, locations.length);
    const MAX_RUN = 256;
    const MAX_GAP = 4;
    const bytesOut = out.map((o) => new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
    for (const [name, rows] of byShard) {
      const shard = this.shard(name);
      rows.sort((a, b) => a[0] - b[0]);
      for (let start = 0; start < rows.length; ) {
        let end = start + 1;
        while (end < rows.length && rows[end][0] - rows[start][0] < MAX_RUN && rows[end][0] - rows[end - 1][0] <= MAX_GAP) end++;
        const first = rows[start][0];
        const last = rows[end - 1][0];
        parts.forEach((part, p) => {
          const rowBytes = width * out[p].BYTES_PER_ELEMENT;
          // Straight from the wasm heap into the output: one copy per row.
          shard.readView(kind, zoom, part, first, last, (block) => {
            for (let k = start; k < end; k++) {
              const [row, at] = rows[k];
              bytesOut[p].set(block.subarray((row - first) * rowBytes, (row - first + 1) * rowBytes), at * rowBytes);
            }
          });
        });
        start = end;
      }
    }
    return Object.fromEntries(parts.map((p, i) => [p, out[i]])) as Record<P, Float32Array | Uint8Array>;
  }

  /**
   * One part of many locations, as `readRows` (the same bytes), with the
   * CRC-32 of every plane of every row: `planeCrcs[i * planes + j]` is the
   * CRC of plane j (a band, in the stored order u, g, r, i, z; a spectrum
   * is one plane) of location i, over the `planeBytes` bytes at
   * `(i * planes + j) * planeBytes` of `values`. A plane's CRC is computed
   * from the bytes read the first time it is read through a shard's handle
   * and kept with the handle (shards are immutable, and checked against the
   * manifest before they are opened), so reading it again costs no CRC:
   * what a zip entry of many rows needs (cube/crc32.ts combines them).
   * Were a file to change under an open handle, the kept CRC would not
   * match the bytes read, and the zip reader would refuse the entry.
   * `into`: as readRows'.
   */
  readRowsWithCrcs(kind: "image" | "spectrum", locations: readonly CubeLocation[], zoom: number, part: Part, into?: ArrayBuffer): { values: Float32Array | Uint8Array; planes: number; planeBytes: number; planeCrcs: Uint32Array } {
    const values = this.readRows(kind, locations, zoom, [part], into ? [into] : undefined)[part];
    const planes = kind === "image" ? BAND_COUNT : 1;
    const planeBytes = (values.byteLength / Math.max(1, locations.length)) / planes;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const planeCrcs = new Uint32Array(locations.length * planes);
    locations.forEach((location, i) => {
      // Open: readRows just read it (unless more shards than maxOpen were read, when the CRC is computed and not kept).
      const table = this.open.get(location.shard)?.planeCrcs(kind, zoom, part, planes);
      for (let j = 0; j < planes; j++) {
        const at = location.row * planes + j;
        let crc: number;
        if (table && table.known[at]) crc = table.crcs[at];
        else {
          const from = (i * planes + j) * planeBytes;
          crc = crc32(bytes.subarray(from, from + planeBytes)) >>> 0;
          if (table) {
            table.crcs[at] = crc;
            table.known[at] = 1;
          }
        }
        planeCrcs[i * planes + j] = crc;
      }
    });
    return { values, planes, planeBytes, planeCrcs };
  }

  /** The flux of many locations at one zoom, masked values as NaN, in the order given. */
  readFluxes(kind: "image" | "spectrum", locations: readonly CubeLocation[], zoom: number): Float32Array {
    const { flux, mask } = this.readRows(kind, locations, zoom, ["flux", "mask"]);
    const out = flux as Float32Array;
    for (let j = 0; j < out.length; j++) if (mask[j]) out[j] = NaN;
    return out;
  }

  close(): void {
    for (const file of this.open.values()) file.close();
    this.open.clear();
    void this.writer?.close();
  }
}

/** The cube whose shards live under `root` (DATA_DIR) on the local file system; `digests` (cube/manifest.ts `manifestDigests`) turns on the check of shard bytes. */
export async function openCube(root: string, options: { digests?: ShardDigests } = {}): Promise<CubeStore> {
  const cube = await CubeStore.create(new LocalShardStorage(root));
  if (options.digests) cube.verifyAgainst(options.digests);
  return cube;
}
