/**
 * `cube compact`: merges the small shards of each sky cell (and shards
 * whose rows were superseded by merged observations) into fuller ones,
 * without changing any served value: every moved galaxy's zoom-0 data are
 * copied exactly and its zoom levels recomputed by the same deterministic
 * rules, so every zoom reads back bit for bit. New shards are written and
 * committed like an ingest's; the old ones are retired in the same
 * transaction and deleted by the sweep once no reader can still use them.
 */
import { galaxiesInShards, moveGalaxies } from "../catalog/cube-locations.js";
import type { Sql } from "../db/database.js";
import type { CubeRecord, CubeStore } from "../cube/cube-store.js";
import { listShards, recordShard, SHARD_ORDER, shardName, type ShardRecord } from "../cube/manifest.js";
import { randomBytes } from "node:crypto";
import { degrade } from "../sky/healpix.js";

export interface CompactOptions {
  /** Rows per merged shard (default 1000); a shard with fewer live rows is small. */
  targetRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CompactReport {
  cells: number;
  shardsBefore: number;
  shardsAfter: number;
  moved: number;
  retired: number;
}

export async function compactCube(sql: Sql, cube: CubeStore, options: CompactOptions = {}): Promise<CompactReport> {
  const targetRows = options.targetRows ?? 1000;
  const shards = (await listShards(sql)).filter((s) => s.retiredAt === null);
  const report: CompactReport = { cells: 0, shardsBefore: shards.length, shardsAfter: shards.length, moved: 0, retired: 0 };
  // Candidates: shards with fewer live rows than the target, or with dead rows; grouped by cell
  // (the pre-shard cube, which has no cell, is split into cells by compaction too).
  const byCell = new Map<string, ShardRecord[]>();
  for (const shard of shards) {
    if (shard.live >= targetRows && shard.live === shard.rows) continue;
    const key = shard.cell === null ? "legacy" : `${shard.cellOrder}/${shard.cell}`;
    byCell.set(key, [...(byCell.get(key) ?? []), shard]);
  }
  const work = [...byCell.values()].filter((group) => group.length > 1 || group.some((s) => s.live < (s.rows ?? 0) || s.cell === null));
  let done = 0;
  for (const group of work) {
    report.cells++;
    const galaxies = await galaxiesInShards(sql, group.map((s) => s.id));
    const batch = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    // Rows go to shards of their own cell (the pre-shard cube holds every cell).
    const cells = new Map<number, typeof galaxies>();
    for (const g of galaxies) {
      const cell = Number(degrade(BigInt(g.healpix29), SHARD_ORDER));
      cells.set(cell, [...(cells.get(cell) ?? []), g]);
    }
    for (const [cell, members] of cells) {
      for (let start = 0; start < members.length; start += targetRows) {
        const chunk = members.slice(start, start + targetRows);
        await cube.verify(chunk.map((g) => g.cube));
        const records: CubeRecord[] = chunk.map((g) => cube.readRecord(g.cube, { image: g.hasImage, spectrum: g.hasSpectrum }));
        const written = await cube.writeShard(shardName(cell, `${batch}-${start / targetRows}`), records);
        try {
          await sql.begin(async (tx) => {
            const t = tx as unknown as Sql;
            const shardId = await recordShard(t, written, cell);
            report.moved += await moveGalaxies(t, chunk.map((g, row) => ({ id: g.id, from: g.cube, row })), shardId);
          });
        } catch (error) {
          cube.storage.remove(written.name);
          throw error;
        }
        report.shardsAfter++;
      }
    }
    const retired = await sql`
      UPDATE cube_shards s SET retired_at = now()
      WHERE s.id = ANY(${group.map((s) => s.id)}::int8[]) AND NOT EXISTS (SELECT 1 FROM galaxies g WHERE g.cube_shard = s.id)
      RETURNING s.name`;
    for (const r of retired) cube.forget(r.name as string);
    report.retired += retired.length;
    report.shardsAfter -= retired.length;
    options.onProgress?.(++done, work.length);
  }
  return report;
}
