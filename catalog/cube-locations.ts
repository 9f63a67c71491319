/** Galaxies by where their cube data are: what compaction moves. */
import type { CubeLocation } from "../cube/cube-store.js";
import type { Sql } from "../db/database.js";

export interface PlacedGalaxy {
  id: string;
  cube: CubeLocation;
  hasImage: boolean;
  hasSpectrum: boolean;
  /** Nested HEALPix index at order 29 (decimal). */
  healpix29: string;
}

/** The galaxies whose data are in these shards (by shard id), in shard then row order. */
export async function galaxiesInShards(sql: Sql, shardIds: readonly string[]): Promise<PlacedGalaxy[]> {
  if (shardIds.length === 0) return [];
  const rows = await sql`
    SELECT g.id, g.cube_row, s.name, g.has_image, g.has_spectrum, g.healpix29 FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard
    WHERE g.cube_shard = ANY(${shardIds as string[]}::int8[]) ORDER BY g.cube_shard, g.cube_row`;
  return rows.map((r) => ({ id: String(r.id), cube: { shard: r.name as string, row: r.cube_row as number }, hasImage: r.has_image as boolean, hasSpectrum: r.has_spectrum as boolean, healpix29: String(r.healpix29) }));
}

/**
 * Points galaxies at their rows in `shardId`, each only if it is still
 * where it was read from (a concurrent merge may have moved it since);
 * returns how many moved.
 */
export async function moveGalaxies(tx: Sql, moves: readonly { id: string; from: CubeLocation; row: number }[], shardId: string): Promise<number> {
  if (moves.length === 0) return 0;
  const result = await tx`
    UPDATE galaxies g SET cube_shard = ${shardId}::int8, cube_row = u.row
    FROM unnest(${moves.map((m) => m.id)}::int8[], ${moves.map((m) => m.from.shard)}::text[], ${moves.map((m) => m.from.row)}::int4[], ${moves.map((m) => m.row)}::int4[])
      AS u(id, from_shard, from_row, row), cube_shards s
    WHERE g.id = u.id AND s.id = g.cube_shard AND s.name = u.from_shard AND g.cube_row = u.from_row`;
  return result.count;
}
