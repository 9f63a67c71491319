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
      redshift, class, sfr_avg, sfr_median, sfr_p2p5, sfr_p16, sfr_p84, sfr_p97p5, sfr_flag)
    SELECT * FROM unnest(
      ${col((g) => g.sourceKey)}::text[], ${col((g) => g.survey)}::text[],
      ${col((g) => g.objid ?? null)}::int8[], ${col((g) => g.specobjid ?? null)}::numeric[],
      ${col((g) => g.plate ?? null)}::int4[], ${col((g) => g.mjd ?? null)}::int4[], ${col((g) => g.fiberid ?? null)}::int4[],
      ${col((g) => g.raDeg)}::float8[], ${col((g) => g.decDeg)}::float8[],
      ${col((g) => nested29(g.raDeg, g.decDeg).toString())}::int8[],
      ${col((g) => g.redshift ?? null)}::float8[], ${col((g) => g.class ?? null)}::text[],
      ${col((g) => g.sfr?.avg ?? null)}::float8[], ${col((g) => g.sfr?.median ?? null)}::float8[],
      ${col((g) => g.sfr?.p2p5 ?? null)}::float8[], ${col((g) => g.sfr?.p16 ?? null)}::float8[],
      ${col((g) => g.sfr?.p84 ?? null)}::float8[], ${col((g) => g.sfr?.p97p5 ?? null)}::float8[],
      ${col((g) => g.sfr?.flag ?? null)}::int4[])
    ON CONFLICT (source_key) DO NOTHING
    RETURNING id, source_key`;
  return result.map((row) => ({ id: String(row.id), sourceKey: row.source_key as string }));
}

export async function countGalaxies(sql: Sql): Promise<number> {
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM galaxies`;
  return count as number;
}
