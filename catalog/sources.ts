/** The files each galaxy came from (table galaxy_sources). */
import type { Sql } from "../db/database.js";

export interface SourceRecord {
  role: "SPECTRUM" | "FRAME" | "CUBE";
  file: string;
  plate: number | null;
  mjd: number | null;
  fiberid: number | null;
  run: number | null;
  camcol: number | null;
  field: number | null;
  band: string | null;
}

/** Sources of each galaxy id, in the order asked (one query for all). */
export async function sourcesByGalaxyIds(sql: Sql, ids: readonly string[]): Promise<SourceRecord[][]> {
  const rows = await sql`
    SELECT galaxy_id, role, file, plate, mjd, fiberid, run, camcol, field, band FROM galaxy_sources
    WHERE galaxy_id = ANY(${[...ids]}::int8[]) ORDER BY galaxy_id, role DESC, file`;
  const byId = new Map<string, SourceRecord[]>();
  for (const row of rows) {
    const list = byId.get(String(row.galaxy_id)) ?? [];
    const { galaxy_id: _, ...source } = row;
    list.push(source as unknown as SourceRecord);
    byId.set(String(row.galaxy_id), list);
  }
  return ids.map((id) => byId.get(id) ?? []);
}

/** A source row to record (galaxy_sources without the galaxy). */
export type NewSource = SourceRecord;

export const sourceKeyOf = (s: Pick<SourceRecord, "role" | "file">) => `${s.role} ${s.file}`;

/** Which of these observations (role + file) some galaxy already has: "role file" → galaxy id. */
export async function recordedSources(sql: Sql, sources: readonly Pick<SourceRecord, "role" | "file">[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const CHUNK = 5000;
  for (let start = 0; start < sources.length; start += CHUNK) {
    const chunk = sources.slice(start, start + CHUNK);
    // One index probe per source (OFFSET 0 keeps the planner from turning the
    // lookup into a join over the whole table: a merge or hash join reads
    // every recorded source, a cost that grows with the catalogue, not with
    // the batch — 0.1 s at 2,000 galaxies, 0.8 s at 10,000 on PGlite).
    const rows = await sql`
      SELECT s.galaxy_id, u.role, u.file
      FROM unnest(${chunk.map((c) => c.file)}::text[], ${chunk.map((c) => c.role)}::text[]) AS u(file, role)
      CROSS JOIN LATERAL (SELECT s.galaxy_id FROM galaxy_sources s WHERE s.file = u.file AND s.role = u.role OFFSET 0) s`;
    for (const row of rows) found.set(sourceKeyOf(row as unknown as SourceRecord), String(row.galaxy_id));
  }
  return found;
}

/** Records sources of galaxies (one statement of arrays; already recorded ones are left as they are). */
export async function insertSources(tx: Sql, rows: readonly (NewSource & { galaxyId: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(pick: (r: NewSource & { galaxyId: string }) => T) => rows.map(pick);
  await tx`
    INSERT INTO galaxy_sources (galaxy_id, role, file, plate, mjd, fiberid, run, camcol, field, band)
    SELECT * FROM unnest(${col((r) => r.galaxyId)}::int8[], ${col((r) => r.role)}::text[], ${col((r) => r.file)}::text[],
      ${col((r) => r.plate)}::int4[], ${col((r) => r.mjd)}::int4[], ${col((r) => r.fiberid)}::int4[],
      ${col((r) => r.run)}::int4[], ${col((r) => r.camcol)}::int4[], ${col((r) => r.field)}::int4[], ${col((r) => r.band)}::text[])
    ON CONFLICT DO NOTHING`;
}
