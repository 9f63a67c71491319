/**
 * Which catalogued galaxy, if any, is each of many positions: the nearest
 * within `radiusArcsec` (sky/cross-match.ts's "same object"). One query per
 * chunk of positions: each position's disc is covered by a few order-15
 * HEALPix ranges, joined to the healpix29 b-tree, and the exact distance
 * decides. The statement's size grows with the chunk, never with the
 * catalogue or the input.
 */
import type { Sql } from "../db/database.js";
import { angularDistanceDeg } from "../sky/angles.js";
import { coverDisc } from "../sky/cone-coverage.js";
import { SAME_OBJECT_ARCSEC } from "../sky/cross-match.js";

export interface CatalogueMatch {
  id: string;
  raDeg: number;
  decDeg: number;
  separationArcsec: number;
}

const CHUNK = 2000;

export async function matchPositions(sql: Sql, positions: readonly { raDeg: number; decDeg: number }[], radiusArcsec = SAME_OBJECT_ARCSEC): Promise<(CatalogueMatch | null)[]> {
  const out: (CatalogueMatch | null)[] = new Array(positions.length).fill(null);
  for (let start = 0; start < positions.length; start += CHUNK) {
    const index: number[] = [];
    const lows: string[] = [];
    const highs: string[] = [];
    positions.slice(start, start + CHUNK).forEach((p, k) => {
      const ranges = coverDisc(p.raDeg, p.decDeg, radiusArcsec / 3600);
      ranges.first.forEach((lo, r) => {
        index.push(start + k);
        lows.push(String(lo));
        highs.push(String(ranges.last[r]));
      });
    });
    if (index.length === 0) continue;
    const rows = await sql`
      SELECT r.i, g.id, g.ra, g.dec
      FROM unnest(${index}::int4[], ${lows}::int8[], ${highs}::int8[]) AS r(i, lo, hi)
      JOIN galaxies g ON g.healpix29 >= r.lo AND g.healpix29 < r.hi`;
    for (const row of rows) {
      const i = row.i as number;
      const separationArcsec = angularDistanceDeg(positions[i].raDeg, positions[i].decDeg, row.ra as number, row.dec as number) * 3600;
      if (separationArcsec > radiusArcsec) continue;
      const best = out[i];
      if (!best || separationArcsec < best.separationArcsec || (separationArcsec === best.separationArcsec && BigInt(row.id) < BigInt(best.id))) {
        out[i] = { id: String(row.id), raDeg: row.ra as number, decDeg: row.dec as number, separationArcsec };
      }
    }
  }
  return out;
}
