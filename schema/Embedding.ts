import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { FeatureSet, Modality } from "./PredictorEnums.js";

export enum EmbeddingMethod {
  PCA = "PCA",
  TSNE = "TSNE",
  UMAP = "UMAP",
}
registerEnumType(EmbeddingMethod, {
  name: "EmbeddingMethod",
  description: "How the standardised feature matrix is brought to two dimensions.",
  valuesConfig: {
    PCA: { description: "Principal components (ml-pca; checked against scikit-learn up to the sign of each axis)." },
    TSNE: { description: "Exact t-SNE (tsne-js), seeded; at most 500 galaxies." },
    UMAP: { description: "UMAP (umap-js), seeded." },
  },
});

export enum EmbeddingStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
registerEnumType(EmbeddingStatus, { name: "EmbeddingStatus", description: "QUEUED → RUNNING → SUCCEEDED | FAILED (a FAILED one is computed again when asked again)." });

@InputType({ description: "An embedding of the first `first` labelled galaxies (by id) that have the data `modality` needs." })
export class EmbeddingInput {
  @Field(() => EmbeddingMethod)
  method!: EmbeddingMethod;

  @Field(() => Modality, { defaultValue: Modality.EARLY_FUSION, description: "IMAGE, SPECTRUM or EARLY_FUSION (both side by side); not LATE_FUSION." })
  modality!: Modality;

  @Field(() => Int, { defaultValue: 3, description: "Zoom level of the image and of the spectrum (0..4)." })
  zoom!: number;

  @Field(() => FeatureSet, { defaultValue: FeatureSet.ENGINEERED, description: "ENGINEERED, or RAW pixels and fluxes (at most 1,024 columns)." })
  features!: FeatureSet;

  @Field(() => Int, { defaultValue: 500, description: "Galaxies: 20..2000 (TSNE: 20..500)." })
  first!: number;

  @Field(() => Int, { defaultValue: 0, description: "Seed of t-SNE's start and UMAP's sampling (PCA is deterministic)." })
  seed!: number;
}

@ObjectType({ description: "One galaxy's 2-D coordinates and its label (log10 SFR)." })
export class EmbeddingPoint {
  @Field(() => ID)
  galaxyId!: string;

  @Field(() => Float)
  x!: number;

  @Field(() => Float)
  y!: number;

  @Field(() => Float)
  label!: number;
}

@ObjectType({ description: "Pearson's r of each embedding axis with the label (the study's table)." })
export class AxisCorrelation {
  @Field(() => Float, { nullable: true })
  x!: number | null;

  @Field(() => Float, { nullable: true })
  y!: number | null;
}

@ObjectType({ description: "A 2-D embedding, computed as a job and cached by its input and the dataset digest of its galaxies: ask again until SUCCEEDED." })
export class Embedding {
  @Field(() => ID)
  id!: string;

  @Field(() => EmbeddingStatus)
  status!: EmbeddingStatus;

  @Field(() => EmbeddingMethod)
  method!: EmbeddingMethod;

  @Field(() => Modality)
  modality!: Modality;

  @Field(() => Int)
  zoom!: number;

  @Field(() => FeatureSet)
  features!: FeatureSet;

  @Field(() => Int)
  first!: number;

  @Field(() => Int)
  seed!: number;

  @Field(() => String, { description: "SHA-256 of the galaxies, labels and cube shards it reads (as a model card's)." })
  datasetDigest!: string;

  @Field(() => Int, { nullable: true, description: "Galaxies embedded, once SUCCEEDED." })
  count!: number | null;

  @Field(() => Int, { nullable: true, description: "Feature columns of the matrix, once SUCCEEDED." })
  columns!: number | null;

  @Field(() => [EmbeddingPoint], { description: "Empty until SUCCEEDED; in galaxy id order." })
  points!: EmbeddingPoint[];

  @Field(() => AxisCorrelation, { nullable: true, description: "Once SUCCEEDED." })
  correlation!: AxisCorrelation | null;

  @Field(() => [Float], { nullable: true, description: "PCA: fraction of the standardised total variance along x and y." })
  explainedVariance!: number[] | null;

  @Field(() => Float, { nullable: true })
  seconds!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Date)
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
