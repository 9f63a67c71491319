/**
 * The galaxies a VO query selects: inside a cone (HEALPix ranges → b-tree →
 * exact haversine distance, as catalog/cone-search.ts does it), or all of
 * them, optionally only those with an image or a spectrum, nearest first,
 * at most `limit` of them plus one row to tell whether there were more.
 */
import { distanceSql } from "../catalog/cone-search.js";
import { galaxyColumns, toGalaxyRecord, type GalaxyRecord } from "../catalog/galaxy-record.js";
import type { Sql } from "../db/database.js";
import { coverDisc } from "../sky/cone-coverage.js";

export interface Cone {
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
}

export interface GalaxySelection {
  cone: Cone | null;
  need?: "image" | "spectrum";
  /** Galaxy ids to restrict to (from ID / publisher DID constraints). */
  ids?: string[];
  /** Surveys to restrict to (SDSS, SYNTHETIC, HISSCUBE). */
  surveys?: string[];
  /** Inclusive MJD range the galaxy's spectrum must fall in (SSA TIME). */
  mjd?: [number, number];
  limit: number;
}

export interface SelectedGalaxies {
  galaxies: GalaxyRecord[];
  /** More galaxies matched than `limit`. */
  overflow: boolean;
}

export async function selectGalaxies(sql: Sql, selection: GalaxySelection): Promise<SelectedGalaxies> {
  const conditions = [sql`TRUE`];
  if (selection.need === "image") conditions.push(sql`g.has_image AND g.cube_shard IS NOT NULL`);
  if (selection.need === "spectrum") conditions.push(sql`g.has_spectrum AND g.cube_shard IS NOT NULL`);
  if (selection.ids) conditions.push(sql`g.id = ANY(${selection.ids}::int8[])`);
  if (selection.surveys) conditions.push(sql`g.survey = ANY(${selection.surveys}::text[])`);
  if (selection.mjd) conditions.push(sql`g.mjd BETWEEN ${selection.mjd[0]}::float8 AND ${selection.mjd[1]}::float8`);
  const where = conditions.reduce((acc, part) => sql`${acc} AND ${part}`);
  const limit = selection.limit + 1;
  let rows;
  if (selection.cone) {
    const { raDeg, decDeg, radiusDeg } = selection.cone;
    const ranges = coverDisc(raDeg, decDeg, radiusDeg);
    rows = await sql`
      SELECT * FROM (
        SELECT ${galaxyColumns(sql)}, ${distanceSql(sql, raDeg, decDeg)} AS distance_deg
        FROM unnest(${ranges.first.map(String)}::int8[], ${ranges.last.map(String)}::int8[]) AS r(lo, hi)
        JOIN galaxies g ON g.healpix29 >= r.lo AND g.healpix29 < r.hi
        WHERE ${where}
        OFFSET 0) c
      WHERE c.distance_deg <= ${radiusDeg}::float8
      ORDER BY c.distance_deg, c.id LIMIT ${limit}`;
  } else {
    rows = await sql`SELECT ${galaxyColumns(sql)} FROM galaxies g WHERE ${where} ORDER BY g.id LIMIT ${limit}`;
  }
  return { galaxies: rows.slice(0, selection.limit).map(toGalaxyRecord), overflow: rows.length > selection.limit };
}
