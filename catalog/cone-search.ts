/**
 * Cone search: HEALPix coverage of the disc → contiguous order-29 index
 * ranges → one SQL query over those ranges (b-tree on healpix29) → exact
 * angular distance (haversine, in degrees) → sorted by (distance, id).
 */
import type { Sql } from "../db/database.js";
import { InputChecker } from "../errors/codes.js";
import { coverDisc } from "../sky/cone-coverage.js";
import { decodeCursor, encodeCursor, isFiniteNumber, isIdString } from "./cursor.js";
import { checkFirst } from "./galaxies.js";
import { galaxyColumnsFor, toGalaxyRecord, type GalaxyPart, type GalaxyRecord } from "./galaxy-record.js";
import type { Page, PageLimits } from "./page.js";
import { checkPredictionFilter, predictionCondition, type PredictionFilter } from "./prediction-filter.js";

export interface ConeArgs {
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
  first?: number | null;
  after?: string | null;
  /** Only galaxies whose stored prediction passes (./prediction-filter.ts). */
  prediction?: PredictionFilter | null;
  /** Read only these parts of each row (id and distance always); undefined: the full record. */
  parts?: ReadonlySet<GalaxyPart>;
}

export interface ConeLimits extends PageLimits {
  maxConeRadiusDeg: number;
}

/** Every problem with a cone's centre and radius (degrees). */
export function checkCone(checker: InputChecker, raDeg: number, decDeg: number, radiusDeg: number, maxRadiusDeg: number): void {
  checker
    .check(Number.isFinite(raDeg) && raDeg >= 0 && raDeg < 360, "ra", "must be in [0, 360) degrees")
    .check(Number.isFinite(decDeg) && decDeg >= -90 && decDeg <= 90, "dec", "must be in [-90, 90] degrees")
    .check(Number.isFinite(radiusDeg) && radiusDeg > 0 && radiusDeg <= maxRadiusDeg, "radius", `must be in (0, ${maxRadiusDeg}] degrees`);
}

/** SQL for the haversine distance in degrees from (ra, dec) of alias g to a centre (the same formula as sky/angles.ts). */
export function distanceSql(sql: Sql, raDeg: number, decDeg: number) {
  return sql`degrees(2 * asin(least(1, sqrt(
    power(sin(radians(g.dec - ${decDeg}::float8) / 2), 2)
    + cos(radians(g.dec)) * cos(radians(${decDeg}::float8)) * power(sin(radians(g.ra - ${raDeg}::float8) / 2), 2)))))`;
}

export async function coneSearch(sql: Sql, args: ConeArgs, limits: ConeLimits): Promise<Page<GalaxyRecord>> {
  const first = args.first ?? 50;
  const checker = new InputChecker();
  checkCone(checker, args.raDeg, args.decDeg, args.radiusDeg, limits.maxConeRadiusDeg);
  checkFirst(checker, first, limits);
  checkPredictionFilter(checker, args.prediction);
  const after = args.after == null ? null : decodeCursor(args.after, "cone", [isFiniteNumber, isIdString]);
  checker.throwIfAny();

  const ranges = coverDisc(args.raDeg, args.decDeg, args.radiusDeg);
  const lows = ranges.first.map(String);
  const highs = ranges.last.map(String);
  const distance = distanceSql(sql, args.raDeg, args.decDeg);
  const candidates = sql`
    SELECT ${galaxyColumnsFor(sql, args.parts)}, ${distance} AS distance_deg
    FROM unnest(${lows}::int8[], ${highs}::int8[]) AS r(lo, hi)
    JOIN galaxies g ON g.healpix29 >= r.lo AND g.healpix29 < r.hi
    OFFSET 0`; // a fence: keeps the distance filter from being pushed into a table scan
  const keyset = after === null ? sql`TRUE` : sql`(c.distance_deg, c.id) > (${after[0] as number}::float8, ${after[1] as string}::int8)`;
  const predicted = predictionCondition(sql, args.prediction, "c");
  const rows = await sql`
    SELECT * FROM (${candidates}) c
    WHERE c.distance_deg <= ${args.radiusDeg}::float8 AND ${predicted} AND ${keyset}
    ORDER BY c.distance_deg, c.id LIMIT ${first + 1}`;
  const nodes = rows.slice(0, first).map(toGalaxyRecord);
  return {
    nodes,
    cursorOf: (i) => encodeCursor("cone", [nodes[i].distanceDeg as number, nodes[i].id]),
    hasNextPage: rows.length > first,
    hasPreviousPage: after !== null,
    totalCount: async () => {
      const [{ count }] = await sql`SELECT count(*)::int AS count FROM (${candidates}) c WHERE c.distance_deg <= ${args.radiusDeg}::float8 AND ${predicted}`;
      return count as number;
    },
  };
}

/** A galaxy of a bulk selection: its id and where the cube holds its data. */
export interface PlacedId {
  id: string;
  cube: { shard: string; row: number } | null;
  hasImage: boolean;
  hasSpectrum: boolean;
}

/**
 * Every galaxy within the cone that has an image (`kind` "image") or a
 * spectrum, nearest first then by id (coneSearch's order), at most
 * `limit + 1` of them: one more than the caller accepts tells it the cone
 * holds too many. Only ids and cube locations are read.
 */
export async function conePlacedIds(
  sql: Sql,
  cone: { raDeg: number; decDeg: number; radiusDeg: number },
  kind: "image" | "spectrum",
  limit: number,
  limits: { maxConeRadiusDeg: number },
): Promise<PlacedId[]> {
  const checker = new InputChecker();
  checkCone(checker, cone.raDeg, cone.decDeg, cone.radiusDeg, limits.maxConeRadiusDeg);
  checker.throwIfAny();
  const ranges = coverDisc(cone.raDeg, cone.decDeg, cone.radiusDeg);
  const distance = distanceSql(sql, cone.raDeg, cone.decDeg);
  const has = kind === "image" ? sql`g.has_image` : sql`g.has_spectrum`;
  const rows = await sql`
    SELECT * FROM (
      SELECT g.id, g.cube_row, g.has_image, g.has_spectrum, (SELECT s.name FROM cube_shards s WHERE s.id = g.cube_shard) AS shard, ${distance} AS distance_deg
      FROM unnest(${ranges.first.map(String)}::int8[], ${ranges.last.map(String)}::int8[]) AS r(lo, hi)
      JOIN galaxies g ON g.healpix29 >= r.lo AND g.healpix29 < r.hi
      WHERE ${has}
      OFFSET 0) c
    WHERE c.distance_deg <= ${cone.radiusDeg}::float8
    ORDER BY c.distance_deg, c.id LIMIT ${limit + 1}`;
  return rows.map((r) => ({
    id: String(r.id),
    cube: r.shard == null || r.cube_row == null ? null : { shard: r.shard as string, row: r.cube_row as number },
    hasImage: r.has_image === true,
    hasSpectrum: r.has_spectrum === true,
  }));
}
