import { registerEnumType } from "type-graphql";
import { learners } from "../models/training/learners.js";

export enum PredictorKind {
  DECISION_TREE = "DECISION_TREE",
  GBDT = "GBDT",
  CNN = "CNN",
  CONSTANT = "CONSTANT",
  LINEAR = "LINEAR",
}
registerEnumType(PredictorKind, {
  name: "PredictorKind",
  description: "The learner.",
  // One sentence per learner, from its registry entry (models/training/learners.ts).
  valuesConfig: Object.fromEntries(Object.values(learners).map((l) => [l.kind, { description: l.doc }])),
});

export enum Modality {
  IMAGE = "IMAGE",
  SPECTRUM = "SPECTRUM",
  EARLY_FUSION = "EARLY_FUSION",
  LATE_FUSION = "LATE_FUSION",
}
registerEnumType(Modality, {
  name: "Modality",
  description: "What the predictor sees.",
  valuesConfig: {
    IMAGE: { description: "The five-band cutout only." },
    SPECTRUM: { description: "The spectrum only." },
    EARLY_FUSION: { description: "One learner on image and spectrum features together (CNN: two branches joined before the head)." },
    LATE_FUSION: { description: "An image-only and a spectrum-only learner, their predictions averaged (see fusionWeighting)." },
  },
});

export enum FeatureSet {
  RAW = "RAW",
  ENGINEERED = "ENGINEERED",
}
registerEnumType(FeatureSet, {
  name: "FeatureSet",
  description: "How galaxies become features.",
  valuesConfig: {
    RAW: { description: "Flattened pixels (band, row, column) and spectral fluxes at the chosen zooms, as in the thesis." },
    ENGINEERED: { description: "Magnitudes, colours, half-light radius, concentration, asymmetry; rest-frame line fluxes, equivalent widths, Hα luminosity, Balmer decrement, D4000 (README)." },
  },
});

export enum FusionWeighting {
  EQUAL = "EQUAL",
  VALIDATION = "VALIDATION",
}
registerEnumType(FusionWeighting, {
  name: "FusionWeighting",
  description: "Late fusion: how the two members' predictions are averaged.",
  valuesConfig: {
    EQUAL: { description: "Plain mean." },
    VALIDATION: { description: "Weights proportional to 1 / validation MSE of each member." },
  },
});

export enum CnnFusion {
  CONCAT = "CONCAT",
  GATED = "GATED",
}
registerEnumType(CnnFusion, {
  name: "CnnFusion",
  description: "How an EARLY_FUSION CNN joins its image and spectrum branches.",
  valuesConfig: {
    CONCAT: { description: "The two embeddings side by side before the head (default; the study's early fusion)." },
    GATED: { description: "Each embedding projected to a common width and normalised; a small gate network gives per-galaxy softmax weights over the two, and the head reads their weighted sum. Trained end to end; the weights on the test galaxies are in TrainingRun.fusionWeights." },
  },
});

export enum RunStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}
registerEnumType(RunStatus, { name: "RunStatus", description: "Lifecycle of a training run: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED." });

export enum PredictionTarget {
  SFR = "SFR",
  REDSHIFT = "REDSHIFT",
  CLASS = "CLASS",
}
registerEnumType(PredictionTarget, {
  name: "PredictionTarget",
  description: "What a predictor learns to predict (models/training/target.ts).",
  valuesConfig: {
    SFR: { description: "The MPA-JHU log10 SFR label (filtered by labelFilter): a regression. The default." },
    REDSHIFT: { description: "The catalogue redshift: a regression; ENGINEERED spectrum features (all derived from the redshift) are left out." },
    CLASS: { description: "The catalogue class GALAXY / QSO / STAR: a classification; predictions are class probabilities. Every learner: DECISION_TREE (a Gini tree), GBDT (softmax boosting), CNN (softmax head), CONSTANT (class priors), LINEAR (multinomial logistic regression)." },
  },
});

export enum ClassWeighting {
  BALANCED = "BALANCED",
  NONE = "NONE",
}
registerEnumType(ClassWeighting, {
  name: "ClassWeighting",
  description: "How a classifier weighs its training galaxies.",
  valuesConfig: {
    BALANCED: { description: "Class k's galaxies weigh n / (K · n_k) (scikit-learn's class_weight=\"balanced\"), so rare classes count as much as common ones. The default." },
    NONE: { description: "Every galaxy weighs 1." },
  },
});
