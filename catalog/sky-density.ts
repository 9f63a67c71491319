/**
 * Galaxies per HEALPix cell at a coarse order: one GROUP BY on the nested
 * index (the order-k cell is healpix29 >> 2(29 − k)), optionally for one
 * survey. Only cells that hold galaxies are returned, in index order.
 */
import type { Sql } from "../db/database.js";
import { InputChecker } from "../errors/codes.js";
import { cellCentreDeg } from "../sky/healpix-centre.js";
import type { Survey } from "./galaxy-record.js";

/** Highest order asked for: 786,432 cells of ~0.23° (each fits a GraphQL Int). */
export const MAX_DENSITY_ORDER = 8;

export interface SkyDensity {
  order: number;
  /** Cells holding galaxies: nested index, galaxies in it, its centre (ICRS degrees). */
  cells: { pixel: number; count: number; ra: number; dec: number }[];
  total: number;
}

export async function skyDensity(sql: Sql, order: number, survey: Survey | null = null): Promise<SkyDensity> {
  new InputChecker().check(Number.isInteger(order) && order >= 0 && order <= MAX_DENSITY_ORDER, "order", `must be an integer in [0, ${MAX_DENSITY_ORDER}]`).throwIfAny();
  const shift = 2 * (29 - order);
  // Grouped on the bigint shift (a hash aggregate over the index-only scan), cast after:
  // grouping on the int cast made PostgreSQL sort all rows (1M galaxies, loaded machine: 281/242 ms sorted, 227/167 ms hashed).
  const rows = await sql`
    SELECT pixel::int AS pixel, count::int AS count FROM (
      SELECT healpix29 >> ${shift}::int AS pixel, count(*) AS count FROM galaxies
      WHERE ${survey === null ? sql`TRUE` : sql`survey = ${survey}`}
      GROUP BY 1) cells
    ORDER BY pixel`;
  const cells = rows.map((row) => {
    const centre = cellCentreDeg(order, row.pixel as number);
    return { pixel: row.pixel as number, count: row.count as number, ra: centre.raDeg, dec: centre.decDeg };
  });
  return { order, cells, total: cells.reduce((sum, cell) => sum + cell.count, 0) };
}
