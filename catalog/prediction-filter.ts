/**
 * The prediction filter of `coneSearch` and `galaxies`: keep galaxies whose
 * stored prediction by one predictor lies in [min, max] (log10 Msun/yr),
 * has sigma ≤ maxSigma (dex) and, with `inDomainOnly`, lies in the
 * predictor's applicability domain. One EXISTS on the `predictions` primary
 * key (predictor_id, galaxy_id) per candidate, inside the page's own SQL
 * query; the index predictions (predictor_id, value) serves it when the
 * planner starts from the predictions side (a narrow value range).
 *
 * It sees stored predictions: a galaxy ingested after training passes once
 * its prediction is stored (on first read, or with `predict`).
 *
 * Kept apart from the cone and listing queries (one call in each) so they
 * can change around it.
 */
import type { Sql } from "../db/database.js";
import type { InputChecker } from "../errors/codes.js";

export interface PredictionFilter {
  /** The predictor's id (the resolver turns `name@alias` references into ids). */
  predictorId: string;
  min?: number | null;
  max?: number | null;
  maxSigma?: number | null;
  inDomainOnly?: boolean | null;
}

/** Every problem with the filter's numbers (the predictor's existence is the resolver's). */
export function checkPredictionFilter(checker: InputChecker, filter: PredictionFilter | null | undefined, argument = "prediction"): void {
  if (!filter) return;
  const { min, max, maxSigma } = filter;
  checker
    .check(min == null || Number.isFinite(min), `${argument}.min`, "must be a finite number (log10 Msun/yr)")
    .check(max == null || Number.isFinite(max), `${argument}.max`, "must be a finite number (log10 Msun/yr)")
    .check(min == null || max == null || min <= max, `${argument}.min`, `must not exceed ${argument}.max`)
    .check(maxSigma == null || (Number.isFinite(maxSigma) && maxSigma >= 0), `${argument}.maxSigma`, "must be a number ≥ 0 (dex)");
}

/** SQL condition on the galaxy id column of alias `alias` (`g` or `c`); TRUE without a filter. */
export function predictionCondition(sql: Sql, filter: PredictionFilter | null | undefined, alias: "g" | "c") {
  if (!filter) return sql`TRUE`;
  const galaxyId = alias === "g" ? sql`g.id` : sql`c.id`;
  return sql`EXISTS (SELECT 1 FROM predictions p WHERE p.predictor_id = ${filter.predictorId}::int8 AND p.galaxy_id = ${galaxyId}
    ${filter.min == null ? sql`` : sql`AND p.value >= ${filter.min}::float8`}
    ${filter.max == null ? sql`` : sql`AND p.value <= ${filter.max}::float8`}
    ${filter.maxSigma == null ? sql`` : sql`AND p.sigma <= ${filter.maxSigma}::float8`}
    ${filter.inDomainOnly ? sql`AND p.in_domain` : sql``})`;
}
