import { Field, Float, ID, InputType } from "type-graphql";

@InputType({
  description:
    "Keep galaxies whose stored prediction by one predictor passes every given condition (applied in the page's SQL query; a galaxy ingested after training passes once its prediction is stored — on first read or with `predict`).",
})
export class PredictionFilterInput {
  @Field(() => ID, { description: "The predictor: an id, `name@version` or `name@alias`." })
  predictor!: string;

  @Field(() => Float, { nullable: true, description: "Smallest predicted log10 SFR (Msun/yr), inclusive." })
  min?: number | null;

  @Field(() => Float, { nullable: true, description: "Largest predicted log10 SFR (Msun/yr), inclusive." })
  max?: number | null;

  @Field(() => Float, { nullable: true, description: "Largest 1-sigma uncertainty, dex, inclusive." })
  maxSigma?: number | null;

  @Field(() => Boolean, { defaultValue: false, description: "Only predictions in the predictor's applicability domain." })
  inDomainOnly!: boolean;
}
