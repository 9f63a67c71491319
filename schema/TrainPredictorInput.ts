import { Field, Float, InputType, Int } from "type-graphql";
import { learners } from "../models/training/learners.js";
import { ClassWeighting, CnnFusion, FeatureSet, FusionWeighting, Modality, PredictionTarget, PredictorKind } from "./PredictorEnums.js";
import { HyperparameterGrid, HyperparameterGridInput, type HyperparameterGridValue } from "./Hyperparameters.js";

export { HyperparameterGridInput };

/** "ENGINEERED for DECISION_TREE, GBDT, …; RAW for CNN", from the registry. */
function featureDefaults(): string {
  const by = new Map<string, string[]>();
  for (const l of Object.values(learners)) by.set(l.defaultFeatures, [...(by.get(l.defaultFeatures) ?? []), l.kind]);
  return [...by].map(([f, kinds]) => `${f} for ${kinds.join(", ")}`).join("; ");
}

@InputType({ description: "Which MPA-JHU labels to train and evaluate on (always: AVG finite and not -99)." })
export class LabelFilterInput {
  @Field(() => Int, { nullable: true, defaultValue: 0, description: "Keep only this FLAG (0 = good); null keeps every flag." })
  flag!: number | null;

  @Field(() => Float, { nullable: true, description: "Keep labels with AVG ≥ this (log10 Msun/yr)." })
  minAvg?: number | null;

  @Field(() => Float, { nullable: true, description: "Keep labels with AVG ≤ this (log10 Msun/yr)." })
  maxAvg?: number | null;
}

@InputType({ description: "What to train: a learner, what it sees, its hyperparameter grid and the evaluation protocol." })
export class TrainPredictorInput {
  @Field(() => String, { nullable: true, description: "A name for the predictor (default: kind, modality, features and run id)." })
  name?: string | null;

  @Field(() => PredictorKind)
  kind!: PredictorKind;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => FeatureSet, {
    nullable: true,
    description: `What the learner sees. Default: ${featureDefaults()} (trees tried on the demo: R² 0.90 in 17 s with ENGINEERED against 0.71 in 409 s with RAW, which stays available).`,
  })
  features?: FeatureSet | null;

  @Field(() => Int, { defaultValue: 3, description: "Image zoom level 0..4 (64, 32, 16, 8, 4 px). Default 3 (8 px, the thesis)." })
  imageZoom!: number;

  @Field(() => Int, { defaultValue: 3, description: "Spectrum zoom level 0..4 (4620, 2310, 1155, 577, 288 bins). Default 3 (577 bins, the thesis)." })
  spectrumZoom!: number;

  @Field(() => HyperparameterGrid, { nullable: true, description: "The hyperparameter grid, of the run's kind: `{ gbdt: { numIterations: [200, 500] } }` (default: every registry default)." })
  grid?: HyperparameterGridValue | null;

  @Field(() => HyperparameterGridInput, { nullable: true, deprecationReason: "Use grid (one input per learner, @oneOf), where another learner's parameters cannot be given." })
  hyperparameters?: Record<string, (number | string)[] | null | undefined> | null;

  @Field(() => Int, { defaultValue: 5, description: "Cross-validation folds on the training part (2..20); the fold models form the served ensemble." })
  folds!: number;

  @Field(() => Int, { defaultValue: 0, description: "Seed of the split, folds and learners: same seed and data → same metrics." })
  seed!: number;

  @Field(() => LabelFilterInput, { nullable: true })
  labelFilter?: LabelFilterInput | null;

  @Field(() => FusionWeighting, { defaultValue: FusionWeighting.EQUAL, description: "LATE_FUSION only." })
  fusionWeighting!: FusionWeighting;

  @Field(() => CnnFusion, { defaultValue: CnnFusion.CONCAT, description: "CNN with EARLY_FUSION only (GATED with another kind or modality is BAD_USER_INPUT): how the two branches are joined." })
  fusion!: CnnFusion;
  @Field(() => PredictionTarget, { defaultValue: PredictionTarget.SFR, description: "What to predict: the SFR label (default), the catalogue REDSHIFT, or the catalogue CLASS (a classifier; DECISION_TREE, GBDT, CONSTANT or LINEAR)." })
  target!: PredictionTarget;

  @Field(() => ClassWeighting, { nullable: true, description: "CLASS target only (else BAD_USER_INPUT): how training galaxies are weighed; default BALANCED." })
  classWeights?: ClassWeighting | null;

  @Field(() => Boolean, { defaultValue: false, description: "Leave galaxies whose cutout holds more than one source (Galaxy.blended) out of training and evaluation; they still get predictions. Galaxies without an image are kept (their count is unknown)." })
  excludeBlended!: boolean;
}
