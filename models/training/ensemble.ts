/**
 * A trained predictor: for each member (one learner on one feature set; two
 * for late fusion) the k models of its cross-validation folds. The
 * prediction is the weighted member average of the fold models' mean; its
 * uncertainty combines the fold models' spread (what the learner does not
 * know) with a noise term calibrated on the validation split (what the data
 * do not determine):
 *
 *   c_f   = Σ_m w_m p_{m,f}                 (fold f's fused prediction)
 *   value = mean_f c_f
 *   σ²    = var_f c_f + s²,   s² = max(0, q₀.₆₈₂₇ over validation of ((y − value)² − var_f c_f))
 *
 * so that ±σ covers 68.27 % of the validation galaxies exactly — a quantile,
 * not the mean squared error, because SFR residuals are heavy-tailed (a
 * variance-matched σ covers ~80 %). The test split then shows whether ±σ
 * covers ~68 % of galaxies the calibration never saw.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { FeatureSpec, Part } from "../features/feature-set.js";
import type { Hyperparameters, LearnerKind } from "./input.js";
import { learners, type Fitted, type MemberData } from "./learners.js";

export const ENSEMBLE_FORMAT = "skycube-ensemble";
export const ENSEMBLE_VERSION = 1;

export interface Member {
  kind: LearnerKind;
  parts: Part[];
  weight: number;
  hyperparameters: Hyperparameters;
  folds: Fitted[];
}

export interface Ensemble {
  spec: FeatureSpec;
  members: Member[];
  /** s², dex². */
  noiseVariance: number;
}

export interface Predicted {
  value: Float64Array;
  sigma: Float64Array;
  /** var_f c_f, before adding the noise term. */
  foldVariance: Float64Array;
}

/** `data[m]` holds member m's inputs. */
export async function predictEnsemble(ensemble: Ensemble, data: MemberData[], rows: readonly number[]): Promise<Predicted> {
  const n = rows.length;
  const k = ensemble.members[0].folds.length;
  const fused = Array.from({ length: k }, () => new Float64Array(n));
  for (const [m, member] of ensemble.members.entries()) {
    for (let f = 0; f < k; f++) {
      const p = await member.folds[f].predict(data[m], rows);
      for (let i = 0; i < n; i++) fused[f][i] += member.weight * p[i];
    }
  }
  const value = new Float64Array(n);
  const foldVariance = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let f = 0; f < k; f++) mean += fused[f][i];
    mean /= k;
    let v = 0;
    for (let f = 0; f < k; f++) v += (fused[f][i] - mean) ** 2;
    v = k > 1 ? v / (k - 1) : 0;
    value[i] = mean;
    foldVariance[i] = v;
    sigma[i] = Math.sqrt(v + ensemble.noiseVariance);
  }
  return { value, sigma, foldVariance };
}

/** One-sigma coverage of a Gaussian: P(|z| ≤ 1). */
export const ONE_SIGMA_COVERAGE = 0.682689492137086;

/** s² from validation galaxies (see the module head). */
export function calibrateNoise(truth: ArrayLike<number>, predicted: Predicted): number {
  const n = truth.length;
  if (n === 0) return 0;
  const excess = Float64Array.from({ length: n }, (_, i) => (truth[i] - predicted.value[i]) ** 2 - predicted.foldVariance[i]).sort();
  // The smallest s² with at least 68.27 % of galaxies inside ±σ.
  const k = Math.min(n - 1, Math.ceil(ONE_SIGMA_COVERAGE * n) - 1);
  return Math.max(0, excess[k]);
}

/** The bytes stored in `predictors.model` (gzip of versioned JSON). */
export async function serializeEnsemble(ensemble: Ensemble): Promise<Buffer> {
  const members = [];
  for (const m of ensemble.members) {
    members.push({ kind: m.kind, parts: m.parts, weight: m.weight, hyperparameters: m.hyperparameters, folds: await Promise.all(m.folds.map((f) => f.serialize())) });
  }
  const json = JSON.stringify({ format: ENSEMBLE_FORMAT, version: ENSEMBLE_VERSION, spec: ensemble.spec, noiseVariance: ensemble.noiseVariance, members });
  return gzipSync(json);
}

export async function deserializeEnsemble(bytes: Uint8Array): Promise<Ensemble> {
  const saved = JSON.parse(gunzipSync(bytes).toString("utf8"));
  if (saved.format !== ENSEMBLE_FORMAT || saved.version !== ENSEMBLE_VERSION) {
    throw new Error(`not a ${ENSEMBLE_FORMAT} v${ENSEMBLE_VERSION} model (format ${saved.format}, version ${saved.version})`);
  }
  const members: Member[] = [];
  for (const m of saved.members) {
    const learner = learners[m.kind as LearnerKind];
    members.push({ kind: m.kind, parts: m.parts, weight: m.weight, hyperparameters: m.hyperparameters, folds: await Promise.all(m.folds.map((f: unknown) => learner.load(f))) });
  }
  return { spec: saved.spec, members, noiseVariance: saved.noiseVariance };
}
