import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Test metrics of one bin of galaxies (dex of log10 SFR)." })
export class EvaluationBin {
  @Field(() => Float, { nullable: true, description: "Lower edge, inclusive (null: unbounded; HEALPix bins: null)." })
  min!: number | null;

  @Field(() => Float, { nullable: true, description: "Upper edge, exclusive (null: unbounded; HEALPix bins: null)." })
  max!: number | null;

  @Field(() => Int, { nullable: true, description: "HEALPix nested cell at `healpixOrder` (HEALPix bins only)." })
  cell?: number | null;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true, description: "R² within the bin (null for one galaxy or constant labels)." })
  r2!: number | null;

  @Field(() => Float, { description: "mean(predicted − label), dex." })
  bias!: number;

  @Field(() => Float, { description: "NMAD of predicted − label, dex." })
  scatter!: number;
}

@ObjectType({ description: "Where and for which galaxies the model is good: test metrics per redshift bin, r-band asinh magnitude bin and coarse HEALPix cell." })
export class SkyEvaluation {
  @Field(() => [EvaluationBin])
  redshift!: EvaluationBin[];

  @Field(() => [EvaluationBin], { description: "Empty when the predictor reads no image (no r magnitude measured)." })
  rMagnitude!: EvaluationBin[];

  @Field(() => Int)
  healpixOrder!: number;

  @Field(() => [EvaluationBin])
  healpix!: EvaluationBin[];
}

@ObjectType({ description: "What a run was trained on." })
export class TrainingDataset {
  @Field(() => String, { description: "SHA-256 (hex) of the ordered labelled galaxy ids with their label values (and the cube shards' content hashes): equal digests = same data." })
  digest!: string;

  @Field(() => Int, { description: "Galaxies with the data the modality needs (all get predictions)." })
  galaxies!: number;

  @Field(() => Int, { description: "Of them, labelled ones passing labelFilter (split into train/validation/test)." })
  labelled!: number;

  @Field(() => Float, { nullable: true })
  redshiftMin!: number | null;

  @Field(() => Float, { nullable: true })
  redshiftMax!: number | null;

  @Field(() => Float, { nullable: true, description: "Smallest label, log10 Msun/yr." })
  labelMin!: number | null;

  @Field(() => Float, { nullable: true, description: "Largest label, log10 Msun/yr." })
  labelMax!: number | null;

  @Field(() => String, { description: "Sky footprint of the labelled galaxies, MOC 2.0 ASCII at order 6." })
  footprintMoc!: string;
}
