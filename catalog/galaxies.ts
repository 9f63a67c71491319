/**
 * Reading galaxies by id and listing them with filters, keyset-paginated on id.
 */
import type { Sql } from "../db/database.js";
import { InputChecker } from "../errors/codes.js";
import { decodeCursor, encodeCursor, isIdString } from "./cursor.js";
import { galaxyColumns, toGalaxyRecord, type GalaxyRecord, type Survey } from "./galaxy-record.js";
import type { Page, PageLimits } from "./page.js";
import { checkPredictionFilter, predictionCondition, type PredictionFilter } from "./prediction-filter.js";

export interface GalaxyFilter {
  survey?: Survey | null;
  class?: string | null;
  redshiftMin?: number | null;
  redshiftMax?: number | null;
  /** true: only galaxies with a finite SFR label and flag 0 (what the predictors train on). */
  hasSfrLabel?: boolean | null;
}

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  filter?: GalaxyFilter | null;
  /** Only galaxies whose stored prediction passes (./prediction-filter.ts). */
  prediction?: PredictionFilter | null;
}

const ID_PATTERN = /^[1-9]\d{0,18}$/;

export function isGalaxyId(id: string): boolean {
  return ID_PATTERN.test(id) && BigInt(id) <= 9223372036854775807n;
}

/** Galaxies for the given ids, in the same order; null where none exists. */
export async function galaxiesByIds(sql: Sql, ids: readonly string[]): Promise<(GalaxyRecord | null)[]> {
  const valid = ids.filter(isGalaxyId);
  const rows = valid.length === 0 ? [] : await sql`SELECT ${galaxyColumns(sql)} FROM galaxies g WHERE g.id = ANY(${valid}::int8[])`;
  const byId = new Map(rows.map((row) => [String(row.id), toGalaxyRecord(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

function filterCondition(sql: Sql, filter: GalaxyFilter) {
  const parts = [sql`TRUE`];
  if (filter.survey != null) parts.push(sql`g.survey = ${filter.survey}`);
  if (filter.class != null) parts.push(sql`g.class = ${filter.class}`);
  if (filter.redshiftMin != null) parts.push(sql`g.redshift >= ${filter.redshiftMin}`);
  if (filter.redshiftMax != null) parts.push(sql`g.redshift <= ${filter.redshiftMax}`);
  if (filter.hasSfrLabel === true) parts.push(sql`g.sfr_flag = 0 AND g.sfr_avg IS NOT NULL AND g.sfr_avg <> 'NaN'::float8`);
  if (filter.hasSfrLabel === false) parts.push(sql`NOT (g.sfr_flag = 0 AND g.sfr_avg IS NOT NULL AND g.sfr_avg <> 'NaN'::float8)`);
  return parts.reduce((acc, part) => sql`${acc} AND ${part}`);
}

export function checkFirst(checker: InputChecker, first: number, limits: PageLimits): void {
  checker.check(Number.isInteger(first) && first >= 0 && first <= limits.maxPageSize, "first", `must be an integer in [0, ${limits.maxPageSize}]`);
}

export async function listGalaxies(sql: Sql, args: ListArgs, limits: PageLimits): Promise<Page<GalaxyRecord>> {
  const first = args.first ?? 50;
  const filter = args.filter ?? {};
  const checker = new InputChecker();
  checkFirst(checker, first, limits);
  checker.check(
    filter.redshiftMin == null || filter.redshiftMax == null || filter.redshiftMin <= filter.redshiftMax,
    "filter.redshiftMin",
    "must not exceed filter.redshiftMax",
  );
  checkPredictionFilter(checker, args.prediction);
  const afterId = args.after == null ? null : (decodeCursor(args.after, "galaxy", [isIdString])[0] as string);
  checker.throwIfAny();

  const where = sql`${filterCondition(sql, filter)} AND ${predictionCondition(sql, args.prediction, "g")}`;
  const keyset = afterId === null ? sql`TRUE` : sql`g.id > ${afterId}::int8`;
  const rows = await sql`
    SELECT ${galaxyColumns(sql)} FROM galaxies g
    WHERE ${where} AND ${keyset}
    ORDER BY g.id LIMIT ${first + 1}`;
  const nodes = rows.slice(0, first).map(toGalaxyRecord);
  return {
    nodes,
    cursorOf: (i) => encodeCursor("galaxy", [nodes[i].id]),
    hasNextPage: rows.length > first,
    hasPreviousPage: afterId !== null,
    totalCount: async () => {
      const [{ count }] = await sql`SELECT count(*)::int AS count FROM galaxies g WHERE ${where}`;
      return count as number;
    },
  };
}
