/**
 * Where a predictor may be asked: its applicability domain, measured on the
 * galaxies its fold models were fitted to (the training part of the split),
 * and the calibration of its predictive distribution. Decided per galaxy
 * and stored with each prediction; out-of-domain predictions are kept (the
 * user may want them) but flagged with the reasons.
 *
 * A galaxy is out of the domain when any of these holds:
 *  1. its `class` is set and is not one of the training galaxies' classes;
 *  2. its redshift lies outside the training redshifts' 0.5–99.5 percentile range;
 *  3. at least max(2, 10 %) of its measured ENGINEERED features lie outside
 *     their training 0.5–99.5 percentile ranges (one feature out of range is
 *     expected of ~1 in 100 training-like galaxies per feature, so a single
 *     one is not flagged; RAW pixels and fluxes are not range-checked —
 *     rules 1, 2 and 4 still apply);
 *  4. more than half of the values of a part it needs (image pixels, spectrum
 *     bins) are masked.
 *
 * The predictive distribution (see ./ensemble.ts for value and σ) is taken
 * as symmetric about `value`: Gaussian within ±σ (p16, p84 = value ∓ 0.9945σ;
 * σ is calibrated so ±σ covers 68.27 % of the validation galaxies), with the
 * 2.5 and 97.5 percentiles at value ∓ k₉₅σ, k₉₅ the smallest factor for which
 * ±k₉₅σ covers 95 % of the validation galaxies (1.96 for a Gaussian; larger
 * for the heavy tails of SFR residuals). The calibration is **honest** when
 * on the test part, which nothing was fitted or calibrated on, [p16, p84]
 * covers 68 % ± max(0.1, 2 binomial errors) and [p2.5, p97.5] at least
 * 95 % − max(0.05, 2 binomial errors); `reliable` = in domain ∧ honest.
 */
import type { Part, PartData } from "../features/feature-set.js";

/** Φ⁻¹(0.84): the 16th and 84th percentiles of a Gaussian are μ ∓ this σ. */
export const Z84 = 0.994457883209753;
/** Φ⁻¹(0.975). */
export const Z975 = 1.959963984540054;
/** A part with more masked values than this fraction is "mostly masked". */
export const MAX_MASKED_FRACTION = 0.5;
export const LOW_PERCENTILE = 0.5;
export const HIGH_PERCENTILE = 99.5;

export interface Calibration {
  /** Half-width of the central 95 % interval in units of σ. */
  k95: number;
  /** Test-part coverage of [p16, p84] and [p2.5, p97.5]. */
  testCoverage68: number;
  testCoverage95: number;
  testCount: number;
  honest: boolean;
}

export interface FeatureRanges {
  part: Part;
  names: string[];
  /** Per feature, the training 0.5 and 99.5 percentiles (null: never measured). */
  low: (number | null)[];
  high: (number | null)[];
}

export interface ApplicabilityDomain {
  classes: string[];
  redshift: { low: number; high: number } | null;
  features: FeatureRanges[];
  parts: Part[];
  calibration: Calibration;
}

/** What is known of one galaxy when it is assessed. */
export interface GalaxyFacts {
  class: string | null;
  redshift: number | null;
  /** Per part the galaxy needs: the fraction of masked values, and the tabular feature row (ENGINEERED only). */
  parts: { part: Part; maskedFraction: number; features?: ArrayLike<number> }[];
}

/** Percentile p (0..100) of the finite values, linear between order statistics; null when there are none. */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  const sorted = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  if (sorted.length === 0) return null;
  const at = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

export function featureRanges(part: Part, names: string[], values: Float32Array, cols: number, rows: readonly number[]): FeatureRanges {
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  const column = new Float64Array(rows.length);
  for (let c = 0; c < cols; c++) {
    rows.forEach((r, i) => (column[i] = values[r * cols + c]));
    low.push(percentile(column, LOW_PERCENTILE));
    high.push(percentile(column, HIGH_PERCENTILE));
  }
  return { part, names, low, high };
}

/** Notes on why a galaxy is out of the domain; empty = in domain. */
export function assessDomain(domain: ApplicabilityDomain, facts: GalaxyFacts): string[] {
  const notes: string[] = [];
  if (facts.class !== null && domain.classes.length > 0 && !domain.classes.includes(facts.class)) {
    notes.push(`class ${facts.class} was not trained on (trained on: ${domain.classes.join(", ")})`);
  }
  if (domain.redshift && facts.redshift !== null && Number.isFinite(facts.redshift)) {
    const { low, high } = domain.redshift;
    if (facts.redshift < low || facts.redshift > high) {
      notes.push(`redshift ${round(facts.redshift)} is outside the training range ${round(low)}–${round(high)} (0.5–99.5 percentiles)`);
    }
  }
  for (const need of domain.parts) {
    const part = facts.parts.find((p) => p.part === need);
    if (!part) {
      notes.push(`the ${need} this predictor needs is missing`);
      continue;
    }
    if (part.maskedFraction > MAX_MASKED_FRACTION) notes.push(`the ${need} is mostly masked (${Math.round(part.maskedFraction * 100)} % of its values)`);
    const ranges = domain.features.find((f) => f.part === need);
    if (!ranges || !part.features) continue;
    const outside: string[] = [];
    let measured = 0;
    for (let c = 0; c < ranges.names.length; c++) {
      const v = part.features[c];
      const lo = ranges.low[c];
      const hi = ranges.high[c];
      if (!Number.isFinite(v) || lo === null || hi === null) continue;
      measured++;
      if (v < lo || v > hi) outside.push(ranges.names[c]);
    }
    if (outside.length >= Math.max(2, Math.ceil(0.1 * measured))) {
      notes.push(`${outside.length} of ${measured} ${need} features are outside their training 0.5–99.5 percentile ranges (${outside.slice(0, 6).join(", ")}${outside.length > 6 ? ", …" : ""})`);
    }
  }
  return notes;
}

/** The facts of row `row` of the loaded parts (features only for ENGINEERED, whose columns have ranges). */
export function galaxyFacts(parts: readonly PartData[], row: number, galaxyClass: string | null, redshift: number | null, engineered: boolean): GalaxyFacts {
  return {
    class: galaxyClass,
    redshift,
    parts: parts.map((p) => {
      const width = p.tabular.rows > 0 ? p.raw.length / p.tabular.rows : 0;
      const cols = p.tabular.cols;
      return {
        part: p.part,
        maskedFraction: maskedFraction(p.raw.subarray(row * width, (row + 1) * width)),
        features: engineered ? p.tabular.values.subarray(row * cols, (row + 1) * cols) : undefined,
      };
    }),
  };
}

/** Fraction of NaN (masked) values in a row. */
export function maskedFraction(values: ArrayLike<number>): number {
  if (values.length === 0) return 1;
  let masked = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) masked++;
  return masked / values.length;
}

/** The smallest k with |y − value| ≤ kσ for at least `coverage` of the galaxies. */
export function coverageFactor(truth: ArrayLike<number>, value: ArrayLike<number>, sigma: ArrayLike<number>, coverage: number): number {
  const z = Float64Array.from({ length: truth.length }, (_, i) => (sigma[i] > 0 ? Math.abs(truth[i] - value[i]) / sigma[i] : Infinity)).sort();
  if (z.length === 0) return Z975;
  const k = z[Math.min(z.length - 1, Math.ceil(coverage * z.length) - 1)];
  return Number.isFinite(k) ? k : Z975;
}

/** Calibration of the predictive distribution: k₉₅ from validation, coverages and the honesty rule from test. */
export function calibrate(
  validation: { truth: ArrayLike<number>; value: ArrayLike<number>; sigma: ArrayLike<number> },
  test: { truth: ArrayLike<number>; value: ArrayLike<number>; sigma: ArrayLike<number> },
): Calibration {
  const k95 = coverageFactor(validation.truth, validation.value, validation.sigma, 0.95);
  const n = test.truth.length;
  let in68 = 0;
  let in95 = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs(test.truth[i] - test.value[i]);
    if (e <= Z84 * test.sigma[i]) in68++;
    if (e <= k95 * test.sigma[i]) in95++;
  }
  const c68 = n ? in68 / n : NaN;
  const c95 = n ? in95 / n : NaN;
  const tol68 = Math.max(0.1, 2 * Math.sqrt((0.68 * 0.32) / Math.max(n, 1)));
  const tol95 = Math.max(0.05, 2 * Math.sqrt((0.95 * 0.05) / Math.max(n, 1)));
  return { k95, testCoverage68: c68, testCoverage95: c95, testCount: n, honest: n > 0 && Math.abs(c68 - 0.68) <= tol68 && c95 >= 0.95 - tol95 };
}

/** p2.5, p16, p50, p84, p97.5 of the predictive distribution described in the module head. */
export function percentilesOf(value: number, sigma: number, k95: number) {
  return { p2p5: value - k95 * sigma, p16: value - Z84 * sigma, p50: value, p84: value + Z84 * sigma, p97p5: value + k95 * sigma };
}

function round(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
