/**
 * Galaxy.sourceCount (and the generated `blended`): computed from the cube
 * the first time it is needed and stored (migration 010). `sourceCounts`
 * returns the stored counts of the galaxies asked for, computing (in
 * batches) those that have an image and none yet; galaxies without an image
 * have none (null).
 */
import type { Sql } from "../../db/database.js";
import type { CubeStore } from "../../cube/cube-store.js";
import { BAND_NAMES } from "../../cube/layout.js";
import { imageSize } from "../../cube/zoom.js";
import { countSources } from "../features/source-detection.js";

const R_BAND = BAND_NAMES.indexOf("r");
const BATCH = 500;

export async function sourceCounts(sql: Sql, cube: CubeStore, ids: readonly string[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  const rows = await sql`SELECT g.id, g.source_count, g.has_image, g.cube_row, s.name AS shard FROM galaxies g LEFT JOIN cube_shards s ON s.id = g.cube_shard
    WHERE g.id = ANY(${ids as string[]}::int8[])`;
  const missing: { id: string; shard: string; row: number }[] = [];
  for (const r of rows) {
    const id = String(r.id);
    if (r.source_count !== null) out.set(id, Number(r.source_count));
    else if (r.has_image && r.shard) missing.push({ id, shard: r.shard as string, row: r.cube_row as number });
    else out.set(id, null);
  }
  const size = imageSize(0);
  const band = size * size;
  for (let start = 0; start < missing.length; start += BATCH) {
    const batch = missing.slice(start, start + BATCH);
    const locations = batch.map((m) => ({ shard: m.shard, row: m.row }));
    await cube.verify(locations);
    const { flux, sigma, mask } = cube.readRows("image", locations, 0, ["flux", "sigma", "mask"]);
    const width = BAND_NAMES.length * band;
    const counts = batch.map((_, k) => {
      const at = k * width + R_BAND * band;
      return countSources(flux.subarray(at, at + band), sigma.subarray(at, at + band), mask.subarray(at, at + band), size);
    });
    await sql`UPDATE galaxies g SET source_count = v.count FROM unnest(${batch.map((m) => m.id)}::int8[], ${counts}::int[]) AS v(id, count)
      WHERE g.id = v.id AND g.source_count IS NULL`;
    batch.forEach((m, k) => out.set(m.id, counts[k]));
  }
  return out;
}
