/**
 * The shard manifest (table cube_shards, migrations/005): which shard files
 * hold rows that galaxies refer to. A shard is recorded in the transaction
 * that inserts the rows referring to it.
 */
import type { Sql } from "../db/database.js";
import type { WrittenShard } from "./cube-store.js";

/** HEALPix order of the shard key: 192 cells of ~15° (docs/SCALE.md). */
export const SHARD_ORDER = 2;

/** Storage name of a new shard of `cell` written by batch `batch`. */
export function shardName(cell: number, batch: string): string {
  return `cube/shards/o${SHARD_ORDER}-${String(cell).padStart(4, "0")}/${batch}.h5`;
}

/** Records a published shard; returns its id. */
export async function recordShard(tx: Sql, shard: WrittenShard, cell: number | null, order: number | null = SHARD_ORDER): Promise<string> {
  const [row] = await tx`
    INSERT INTO cube_shards (name, cell_order, cell, row_count, bytes, sha256)
    VALUES (${shard.name}, ${cell === null ? null : order}, ${cell}, ${shard.rows}, ${shard.bytes}, ${shard.sha256})
    RETURNING id`;
  return String(row.id);
}

export interface ShardRecord {
  id: string;
  name: string;
  cellOrder: number | null;
  cell: number | null;
  rows: number | null;
  bytes: number | null;
  /** Galaxies that refer to it. */
  live: number;
  retiredAt: Date | null;
}

export async function listShards(sql: Sql): Promise<ShardRecord[]> {
  const rows = await sql`
    SELECT s.id, s.name, s.cell_order, s.cell, s.row_count, s.bytes, s.retired_at,
           (SELECT count(*)::int FROM galaxies g WHERE g.cube_shard = s.id) AS live
    FROM cube_shards s ORDER BY s.id`;
  return rows.map((r) => ({
    id: String(r.id),
    name: r.name as string,
    cellOrder: r.cell_order as number | null,
    cell: r.cell === null ? null : Number(r.cell),
    rows: r.row_count as number | null,
    bytes: r.bytes === null ? null : Number(r.bytes),
    live: r.live as number,
    retiredAt: (r.retired_at as Date | null) ?? null,
  }));
}

/** The manifest's digests of shards by name, for `CubeStore.verifyAgainst` (names the manifest lacks are absent). */
export function manifestDigests(sql: Sql): (names: readonly string[]) => Promise<Map<string, string | null>> {
  return async (names) => {
    if (names.length === 0) return new Map();
    const rows = await sql`SELECT name, sha256 FROM cube_shards WHERE name = ANY(${names as string[]}::text[])`;
    return new Map(rows.map((r) => [r.name as string, (r.sha256 as string | null) ?? null]));
  };
}
