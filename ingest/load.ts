/**
 * The load stage every ingest ends in (`ingest sdss`, `ingest hisscube`,
 * `demo`): a batch of incoming objects into the catalogue and the cube.
 *
 * 1. Resolve (`resolveBatch`, cheap, metadata only): each item is
 *    - `present`: every observation it brings is recorded already (or, for
 *      items without observations, its source key exists) — nothing to do;
 *    - `merge`: the same object is catalogued (it holds one of the item's
 *      observations, or its source key, or lies within 1″) and the item
 *      brings observations it lacks;
 *    - `new`.
 * 2. The caller reads the heavy data for `new` and `merge` items only.
 * 3. Commit (`commitBatch`): merged data (a repeat spectrum combined in by
 *    inverse variance, an image where there was none) and new data are
 *    written as new shard files, one per HEALPix cell of the batch
 *    (temporary name, fsync, rename); then one transaction records the
 *    shards, inserts the new galaxies pointing at their rows, moves the
 *    merged ones to theirs and records every source. Statements are arrays
 *    (`unnest`), so their size is the batch's.
 *
 * A crash before the commit leaves only shard files no row refers to,
 * removed at the next start (cube/sweep.ts); a rerun resolves the same
 * items again and finds the committed ones present. The commit resolves
 * again under a lock and gives up (`stale`) if anything changed since step
 * 1 (another writer on a shared PostgreSQL); the caller then starts over.
 */
import { cubeStateOf, galaxiesByKeys, insertBatchReturning, updateGalaxyData, type CubeData, type NewGalaxy } from "../catalog/bulk-load.js";
import { matchPositions } from "../catalog/cross-match.js";
import { insertSources, recordedSources, sourceKeyOf, type NewSource } from "../catalog/sources.js";
import type { CubeLocation, CubeRecord, CubeStore } from "../cube/cube-store.js";
import { SHARD_ORDER, recordShard, shardName } from "../cube/manifest.js";
import { combineMeasured } from "../cube/rebin.js";
import type { Sql } from "../db/database.js";
import { degrade, nested29 } from "../sky/healpix.js";
import { randomBytes } from "node:crypto";

export interface LoadItem {
  galaxy: NewGalaxy;
  /** What the item brings, each recorded once for good (spectrum files, HiSS-Cube targets). */
  observations: NewSource[];
  /** Provenance recorded with the item's data when it is loaded (frames of its cutout). */
  provenance?: NewSource[];
  /** Files its spectrum is made from: combined into an existing spectrum only if none of them is recorded there. */
  spectrumFrom?: string[];
}

export type Resolution =
  | { kind: "new" }
  | { kind: "present"; galaxyId: string }
  | { kind: "merge"; galaxyId: string; cube: CubeLocation | null; hasImage: boolean; hasSpectrum: boolean; hasLabel: boolean; fresh: NewSource[]; recordedFiles: Set<string> };

const LOAD_LOCK = 7170295;

/**
 * Tests only (SKYCUBE_TEST_PAUSE_AFTER=shard-renamed): the process says so on
 * stderr and waits to be killed, with its shards published and not committed.
 */
function pausedForTest(point: string): Promise<never> {
  process.stderr.write(`SKYCUBE_TEST_PAUSED ${point}\n`);
  setInterval(() => {}, 1 << 30);
  return new Promise<never>(() => {});
}

/** Thrown inside the commit's transaction to roll it back when the resolution no longer holds. */
class StaleBatch extends Error {}

export async function resolveBatch(sql: Sql, items: readonly LoadItem[]): Promise<Resolution[]> {
  const recorded = await recordedSources(sql, items.flatMap((item) => item.observations));
  const byKey = await galaxiesByKeys(sql, items.map((item) => item.galaxy.sourceKey));
  const target: (string | null)[] = items.map((item) => item.observations.map((o) => recorded.get(sourceKeyOf(o))).find((id) => id !== undefined) ?? byKey.get(item.galaxy.sourceKey) ?? null);
  const unplaced = items.map((_, i) => i).filter((i) => target[i] === null);
  const matches = await matchPositions(sql, unplaced.map((i) => items[i].galaxy));
  unplaced.forEach((i, k) => (target[i] = matches[k]?.id ?? null));
  const states = await cubeStateOf(sql, [...new Set(target.filter((id): id is string => id !== null))]);
  return items.map((item, i) => {
    const galaxyId = target[i];
    if (galaxyId === null) return { kind: "new" };
    const fresh = item.observations.filter((o) => !recorded.has(sourceKeyOf(o)));
    if (fresh.length === 0) return { kind: "present", galaxyId };
    const state = states.get(galaxyId)!;
    const recordedFiles = new Set(item.observations.filter((o) => recorded.get(sourceKeyOf(o)) === galaxyId).map((o) => o.file));
    return { kind: "merge", galaxyId, ...state, fresh, recordedFiles };
  });
}

export interface BatchResult {
  /** Something changed between resolve and commit: resolve again. */
  stale: boolean;
  inserted: number;
  merged: number;
  present: number;
  /** New galaxy ids, in item order (null where not inserted). */
  ids: (string | null)[];
  /** What became of each item. */
  kinds: Resolution["kind"][];
  shards: number;
  bytes: number;
}

const sameResolution = (a: Resolution, b: Resolution) =>
  a.kind === b.kind && (a.kind === "new" || (a as { galaxyId: string }).galaxyId === (b as { galaxyId: string }).galaxyId);

/** What a merged galaxy holds after taking the item's data. `undefined`: nothing new for the cube. */
function mergedRecord(cube: CubeStore, item: LoadItem, resolution: Extract<Resolution, { kind: "merge" }>, data: CubeRecord): CubeRecord | undefined {
  const takesImage = data.image !== undefined && !resolution.hasImage;
  const overlaps = (item.spectrumFrom ?? []).some((file) => resolution.recordedFiles.has(file));
  const takesSpectrum = data.spectrum !== undefined && !overlaps;
  if (!takesImage && !takesSpectrum) return undefined;
  const existing = resolution.cube ? cube.readRecord(resolution.cube, { image: resolution.hasImage, spectrum: resolution.hasSpectrum }) : {};
  return {
    image: existing.image ?? data.image,
    spectrum: takesSpectrum && existing.spectrum ? combineMeasured([existing.spectrum, data.spectrum!]) : (existing.spectrum ?? data.spectrum),
  };
}

/**
 * Commits a resolved batch. `data[i]` is item i's zoom-0 data from its
 * fresh observations (ignored for `present` items).
 */
export async function commitBatch(sql: Sql, cube: CubeStore, items: readonly LoadItem[], resolutions: readonly Resolution[], data: readonly CubeRecord[]): Promise<BatchResult> {
  const result: BatchResult = { stale: false, inserted: 0, merged: 0, present: 0, ids: items.map(() => null), kinds: resolutions.map((r) => r.kind), shards: 0, bytes: 0 };
  // The cube data of every item that gets a row: new ones, and merges that change their galaxy's data.
  const records = new Map<number, CubeRecord>();
  await cube.verify(resolutions.flatMap((r) => (r.kind === "merge" && r.cube ? [r.cube] : [])));
  items.forEach((item, i) => {
    const r = resolutions[i];
    if (r.kind === "new") records.set(i, data[i]);
    else if (r.kind === "merge") {
      const merged = mergedRecord(cube, item, r, data[i]);
      if (merged) records.set(i, merged);
    }
  });
  // One shard per HEALPix cell of the batch.
  const batch = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const byCell = new Map<number, number[]>();
  for (const i of records.keys()) {
    const { raDeg, decDeg } = items[i].galaxy;
    const cell = Number(degrade(nested29(raDeg, decDeg), SHARD_ORDER));
    byCell.set(cell, [...(byCell.get(cell) ?? []), i]);
  }
  const written: { name: string; cell: number; members: number[]; rows: number; bytes: number; sha256: string }[] = [];
  // Whether the transaction may have committed: then an error (a connection lost at COMMIT) leaves the
  // shards for the start-up sweep to judge against the manifest, rather than removing data rows may refer to.
  let committing = false;
  try {
    for (const [cell, members] of byCell) {
      const shard = await cube.writeShard(shardName(cell, batch), members.map((i) => records.get(i)!));
      written.push({ ...shard, cell, members });
      result.bytes += shard.bytes;
    }
    result.shards = written.length;
    if (process.env.SKYCUBE_TEST_PAUSE_AFTER === "shard-renamed" && written.length > 0) await pausedForTest("shard-renamed");
    committing = true;
    await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      await t`SELECT pg_advisory_xact_lock(${LOAD_LOCK})`;
      const now = await resolveBatch(t, items);
      if (now.some((r, i) => !sameResolution(r, resolutions[i]))) throw new StaleBatch();
      const location = new Map<number, CubeData>();
      for (const shard of written) {
        const shardId = await recordShard(t, shard, shard.cell);
        shard.members.forEach((i, row) => {
          const record = records.get(i)!;
          location.set(i, { shardId, row, hasImage: record.image !== undefined, hasSpectrum: record.spectrum !== undefined });
        });
      }
      const fresh = items.map((_, i) => i).filter((i) => resolutions[i].kind === "new");
      const inserted = await insertBatchReturning(t, fresh.map((i) => ({ ...items[i].galaxy, cube: location.get(i) })));
      if (inserted.length !== fresh.length) throw new StaleBatch(); // a source key appeared meanwhile
      const idOfKey = new Map(inserted.map((row) => [row.sourceKey, row.id]));
      const sources: (NewSource & { galaxyId: string })[] = [];
      const updates: Parameters<typeof updateGalaxyData>[1][number][] = [];
      items.forEach((item, i) => {
        const r = resolutions[i];
        if (r.kind === "present") return void result.present++;
        const galaxyId = r.kind === "new" ? idOfKey.get(item.galaxy.sourceKey)! : r.galaxyId;
        const given = r.kind === "new" ? item.observations : r.fresh;
        for (const source of [...given, ...(records.has(i) ? (item.provenance ?? []) : [])]) sources.push({ ...source, galaxyId });
        if (r.kind === "new") {
          result.ids[i] = galaxyId;
          result.inserted++;
        } else {
          result.merged++;
          updates.push({ id: galaxyId, cube: location.get(i) ?? null, sfr: r.hasLabel ? undefined : item.galaxy.sfr });
        }
      });
      await updateGalaxyData(t, updates);
      await insertSources(t, sources);
    });
    // Tests and bench/ingest-kill.ts only: each commit said on stderr, so a kill can follow one.
    if (process.env.SKYCUBE_TEST_TRACE === "batches") process.stderr.write(`SKYCUBE_TEST_BATCH_COMMITTED ${result.inserted + result.merged}\n`);
    return result;
  } catch (error) {
    if (!committing || error instanceof StaleBatch) for (const shard of written) cube.storage.remove(shard.name);
    if (error instanceof StaleBatch) return { ...result, stale: true, inserted: 0, merged: 0, present: 0, ids: items.map(() => null) };
    throw error;
  }
}

/**
 * Resolves and commits one batch, reading the data of what needs it with
 * `read` (called with the items and their resolutions; returns data per
 * item). Starts over when a concurrent writer changed the catalogue.
 */
export async function loadBatch(
  sql: Sql,
  cube: CubeStore,
  items: readonly LoadItem[],
  read: (items: readonly LoadItem[], resolutions: readonly Resolution[]) => Promise<CubeRecord[]> | CubeRecord[],
): Promise<BatchResult> {
  for (let attempt = 0; ; attempt++) {
    const resolutions = await resolveBatch(sql, items);
    if (resolutions.every((r) => r.kind === "present")) {
      return { stale: false, inserted: 0, merged: 0, present: items.length, ids: items.map(() => null), kinds: resolutions.map((r) => r.kind), shards: 0, bytes: 0 };
    }
    const data = await read(items, resolutions);
    const result = await commitBatch(sql, cube, items, resolutions, data);
    if (!result.stale) return result;
    if (attempt >= 5) throw new Error("the catalogue kept changing under this ingest (another writer on the same objects); run it again");
  }
}
