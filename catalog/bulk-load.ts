/**
 * Loading many galaxies at once: one INSERT … SELECT FROM unnest(arrays) per
 * batch, the HEALPix index computed here, and ON CONFLICT (source_key) DO
 * NOTHING so that loading the same source twice changes nothing.
 */
import type { Sql } from "../db/database.js";
import { nested29 } from "../sky/healpix.js";
import type { SfrLabel, Survey } from "./galaxy-record.js";

export interface NewGalaxy {
  sourceKey: string;
  survey: Survey;
  objid?: string | null;
  specobjid?: string | null;
  plate?: number | null;
  mjd?: number | null;
  fiberid?: number | null;
  raDeg: number;
  decDeg: number;
  redshift?: number | null;
  class?: string | null;
  sfr?: Partial<SfrLabel>;
  /** Where its image and spectrum are in the cube (shard id from the manifest, row). */
  cube?: CubeData;
}

export interface CubeData {
  shardId: string;
  row: number;
  hasImage: boolean;
  hasSpectrum: boolean;
}

const BATCH = 5000;

/** Inserts galaxies in batches inside one transaction; returns how many were new. */
export async function insertGalaxies(
  sql: Sql,
  galaxies: Iterable<NewGalaxy>,
  onProgress?: (done: number) => void,
): Promise<number> {
  return sql.begin(async (tx) => {
    let inserted = 0;
    let done = 0;
    let batch: NewGalaxy[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      inserted += await insertBatch(tx as unknown as Sql, batch);
      done += batch.length;
      batch = [];
      onProgress?.(done);
    };
    for (const galaxy of galaxies) {
      batch.push(galaxy);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return inserted;
  });
}

async function insertBatch(sql: Sql, batch: NewGalaxy[]): Promise<number> {
  return (await insertBatchReturning(sql, batch)).length;
}

/** Inserts one batch; returns the rows that were new (id and source key). */
export async function insertBatchReturning(sql: Sql, batch: NewGalaxy[]): Promise<{ id: string; sourceKey: string }[]> {
  const col = <T>(pick: (g: NewGalaxy) => T) => batch.map(pick);
  const result = await sql`
    INSERT INTO galaxies (source_key, survey, objid, specobjid, plate, mjd, fiberid, ra, dec, healpix29,
      redshift, class, sfr_avg, sfr_median, sfr_p2p5, sfr_p16, sfr_p84, sfr_p97p5, sfr_flag,
      cube_shard, cube_row, has_image, has_spectrum)
    SELECT k, survey, objid, specobjid, plate, mjd, fiberid, ra, dec, hp, z, class, avg, median, p2p5, p16, p84, p97p5, flag,
      shard, row, has_image = 1, has_spectrum = 1
    FROM unnest(
      ${col((g) => g.sourceKey)}::text[], ${col((g) => g.survey)}::text[],
      ${col((g) => g.objid ?? null)}::int8[], ${col((g) => g.specobjid ?? null)}::numeric[],
      ${col((g) => g.plate ?? null)}::int4[], ${col((g) => g.mjd ?? null)}::int4[], ${col((g) => g.fiberid ?? null)}::int4[],
      ${col((g) => g.raDeg)}::float8[], ${col((g) => g.decDeg)}::float8[],
      ${col((g) => nested29(g.raDeg, g.decDeg).toString())}::int8[],
      ${col((g) => g.redshift ?? null)}::float8[], ${col((g) => g.class ?? null)}::text[],
      ${col((g) => g.sfr?.avg ?? null)}::float8[], ${col((g) => g.sfr?.median ?? null)}::float8[],
      ${col((g) => g.sfr?.p2p5 ?? null)}::float8[], ${col((g) => g.sfr?.p16 ?? null)}::float8[],
      ${col((g) => g.sfr?.p84 ?? null)}::float8[], ${col((g) => g.sfr?.p97p5 ?? null)}::float8[],
      ${col((g) => g.sfr?.flag ?? null)}::int4[],
      ${col((g) => g.cube?.shardId ?? null)}::int8[], ${col((g) => g.cube?.row ?? null)}::int4[],
      ${col((g) => (g.cube?.hasImage ? 1 : 0))}::int4[], ${col((g) => (g.cube?.hasSpectrum ? 1 : 0))}::int4[])
      AS u(k, survey, objid, specobjid, plate, mjd, fiberid, ra, dec, hp, z, class, avg, median, p2p5, p16, p84, p97p5, flag, shard, row, has_image, has_spectrum)
    ON CONFLICT (source_key) DO NOTHING
    RETURNING id, source_key`;
  return result.map((row) => ({ id: String(row.id), sourceKey: row.source_key as string }));
}

/**
 * Points galaxies at new cube data (a merged observation moved them to a
 * newer shard) and fills a missing SFR label; one statement of arrays. New
 * cube data forgets the stored source count (computed again when needed).
 */
export async function updateGalaxyData(tx: Sql, updates: readonly { id: string; cube: CubeData | null; sfr?: Partial<SfrLabel> }[]): Promise<void> {
  if (updates.length === 0) return;
  const col = <T>(pick: (u: (typeof updates)[number]) => T) => updates.map(pick);
  await tx`
    UPDATE galaxies g SET
      cube_shard = COALESCE(u.shard, g.cube_shard), cube_row = COALESCE(u.row, g.cube_row),
      source_count = CASE WHEN u.shard IS NULL THEN g.source_count END,
      has_image = g.has_image OR u.has_image = 1, has_spectrum = g.has_spectrum OR u.has_spectrum = 1,
      sfr_avg = COALESCE(g.sfr_avg, u.avg), sfr_median = CASE WHEN g.sfr_avg IS NULL THEN u.median ELSE g.sfr_median END,
      sfr_p2p5 = CASE WHEN g.sfr_avg IS NULL THEN u.p2p5 ELSE g.sfr_p2p5 END, sfr_p16 = CASE WHEN g.sfr_avg IS NULL THEN u.p16 ELSE g.sfr_p16 END,
      sfr_p84 = CASE WHEN g.sfr_avg IS NULL THEN u.p84 ELSE g.sfr_p84 END, sfr_p97p5 = CASE WHEN g.sfr_avg IS NULL THEN u.p97p5 ELSE g.sfr_p97p5 END,
      sfr_flag = CASE WHEN g.sfr_avg IS NULL THEN u.flag ELSE g.sfr_flag END
    FROM unnest(${col((u) => u.id)}::int8[], ${col((u) => u.cube?.shardId ?? null)}::int8[], ${col((u) => u.cube?.row ?? null)}::int4[],
      ${col((u) => (u.cube?.hasImage ? 1 : 0))}::int4[], ${col((u) => (u.cube?.hasSpectrum ? 1 : 0))}::int4[],
      ${col((u) => u.sfr?.avg ?? null)}::float8[], ${col((u) => u.sfr?.median ?? null)}::float8[], ${col((u) => u.sfr?.p2p5 ?? null)}::float8[],
      ${col((u) => u.sfr?.p16 ?? null)}::float8[], ${col((u) => u.sfr?.p84 ?? null)}::float8[], ${col((u) => u.sfr?.p97p5 ?? null)}::float8[],
      ${col((u) => u.sfr?.flag ?? null)}::int4[])
      AS u(id, shard, row, has_image, has_spectrum, avg, median, p2p5, p16, p84, p97p5, flag)
    WHERE g.id = u.id`;
}

/** Galaxies by source key (the idempotency key of a new galaxy): key → id. */
export async function galaxiesByKeys(sql: Sql, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await sql`SELECT id, source_key FROM galaxies WHERE source_key = ANY(${keys as string[]}::text[])`;
  return new Map(rows.map((r) => [r.source_key as string, String(r.id)]));
}

/** Cube location and data flags of galaxies: id → state. */
export async function cubeStateOf(sql: Sql, ids: readonly string[]): Promise<Map<string, { cube: { shard: string; row: number } | null; hasImage: boolean; hasSpectrum: boolean; hasLabel: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql`
    SELECT g.id, g.cube_row, s.name AS shard, g.has_image, g.has_spectrum, g.sfr_avg IS NOT NULL AS has_label
    FROM galaxies g LEFT JOIN cube_shards s ON s.id = g.cube_shard WHERE g.id = ANY(${ids as string[]}::int8[])`;
  return new Map(rows.map((r) => [String(r.id), {
    cube: r.shard == null ? null : { shard: r.shard as string, row: r.cube_row as number },
    hasImage: r.has_image as boolean,
    hasSpectrum: r.has_spectrum as boolean,
    hasLabel: r.has_label as boolean,
  }]));
}

export async function countGalaxies(sql: Sql): Promise<number> {
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM galaxies`;
  return count as number;
}
