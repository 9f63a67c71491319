/** The galaxies a HiSS-Cube export writes: those with both an image and a spectrum, by id. */
import type { CubeLocation } from "../cube/cube-store.js";
import type { Sql } from "../db/database.js";

export interface ExportedGalaxy {
  id: string;
  ra: number;
  dec: number;
  redshift: number | null;
  plate: number | null;
  mjd: number | null;
  fiberid: number | null;
  objid: string | null;
  cube: CubeLocation;
}

export async function galaxiesForExport(sql: Sql): Promise<ExportedGalaxy[]> {
  const rows = await sql`
    SELECT g.id, g.ra, g.dec, g.redshift, g.plate, g.mjd, g.fiberid, g.objid, g.cube_row, s.name AS shard
    FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard
    WHERE g.has_image AND g.has_spectrum ORDER BY g.id`;
  return rows.map((r) => ({
    id: String(r.id),
    ra: r.ra as number,
    dec: r.dec as number,
    redshift: (r.redshift as number | null) ?? null,
    plate: (r.plate as number | null) ?? null,
    mjd: (r.mjd as number | null) ?? null,
    fiberid: (r.fiberid as number | null) ?? null,
    objid: r.objid === null ? null : String(r.objid),
    cube: { shard: r.shard as string, row: r.cube_row as number },
  }));
}
