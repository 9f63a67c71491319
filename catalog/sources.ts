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
