/**
 * A trained classifier: for each member (two for late fusion) the k models
 * of its cross-validation folds. A galaxy's class probabilities are the
 * weighted member average of the fold models' mean probabilities (each row
 * still sums to 1); the predicted class is the most probable.
 *
 * Saved in the ensemble format (./ensemble.ts, same name and version) with
 * `task: "classification"` and the class names; `deserializeModel` reads
 * either kind.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { FeatureSpec, Part } from "../features/feature-set.js";
import type { FittedClassifier } from "../learner.js";
import { deserializeEnsemble, ENSEMBLE_FORMAT, ENSEMBLE_VERSION, type Ensemble } from "./ensemble.js";
import type { Hyperparameters, LearnerKind } from "./input.js";
import { learners, type MemberData } from "./learners.js";

export interface ClassifierMember {
  kind: LearnerKind;
  parts: Part[];
  weight: number;
  hyperparameters: Hyperparameters;
  folds: FittedClassifier[];
}

export interface ClassifierEnsemble {
  task: "classification";
  spec: FeatureSpec;
  /** Class names in the order of the probability vectors. */
  classes: string[];
  members: ClassifierMember[];
}

/** rows × K probabilities; `data[m]` holds member m's inputs. */
export async function predictClassifierEnsemble(ensemble: ClassifierEnsemble, data: MemberData[], rows: readonly number[]): Promise<Float64Array> {
  const out = new Float64Array(rows.length * ensemble.classes.length);
  for (const [m, member] of ensemble.members.entries()) {
    for (const fold of member.folds) {
      const p = await fold.predictProbabilities(data[m], rows);
      const w = member.weight / member.folds.length;
      for (let i = 0; i < out.length; i++) out[i] += w * p[i];
    }
  }
  return out;
}

export async function serializeClassifierEnsemble(ensemble: ClassifierEnsemble): Promise<Buffer> {
  const members = [];
  for (const m of ensemble.members) {
    members.push({ kind: m.kind, parts: m.parts, weight: m.weight, hyperparameters: m.hyperparameters, folds: await Promise.all(m.folds.map((f) => f.serialize())) });
  }
  return gzipSync(JSON.stringify({ format: ENSEMBLE_FORMAT, version: ENSEMBLE_VERSION, task: "classification", spec: ensemble.spec, classes: ensemble.classes, noiseVariance: 0, members }));
}

/** A stored model of either kind: a regression Ensemble, or a ClassifierEnsemble. */
export async function deserializeModel(bytes: Uint8Array): Promise<Ensemble | ClassifierEnsemble> {
  const saved = JSON.parse(gunzipSync(bytes).toString("utf8"));
  if (saved.task !== "classification") return deserializeEnsemble(bytes);
  if (saved.format !== ENSEMBLE_FORMAT || saved.version !== ENSEMBLE_VERSION) throw new Error(`not a ${ENSEMBLE_FORMAT} v${ENSEMBLE_VERSION} model`);
  const members: ClassifierMember[] = [];
  for (const m of saved.members) {
    const classifier = learners[m.kind as LearnerKind].classifier;
    if (!classifier) throw new Error(`${m.kind} cannot classify; the stored classifier is damaged`);
    members.push({ kind: m.kind, parts: m.parts, weight: m.weight, hyperparameters: m.hyperparameters, folds: await Promise.all(m.folds.map((f: unknown) => classifier.load(f))) });
  }
  return { task: "classification", spec: saved.spec, classes: saved.classes, members };
}

export function isClassifierEnsemble(model: Ensemble | ClassifierEnsemble): model is ClassifierEnsemble {
  return (model as ClassifierEnsemble).task === "classification";
}
