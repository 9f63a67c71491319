import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Star-formation-rate label (MPA-JHU DR7 total SFR convention), log10 of solar masses per year." })
export class SfrLabel {
  @Field(() => Float, { nullable: true, description: "AVG: mean of the SFR likelihood, log10(Msun/yr); null when there is no label (AVG = -99 or NaN in the source)." })
  avg!: number | null;

  @Field(() => Float, { nullable: true, description: "MEDIAN, log10(Msun/yr)." })
  median!: number | null;

  @Field(() => Float, { nullable: true, description: "P2P5: 2.5th percentile, log10(Msun/yr)." })
  p2p5!: number | null;

  @Field(() => Float, { nullable: true, description: "P16: 16th percentile, log10(Msun/yr)." })
  p16!: number | null;

  @Field(() => Float, { nullable: true, description: "P84: 84th percentile, log10(Msun/yr)." })
  p84!: number | null;

  @Field(() => Float, { nullable: true, description: "P97P5: 97.5th percentile, log10(Msun/yr)." })
  p97p5!: number | null;

  @Field(() => Int, { nullable: true, description: "FLAG: 0 means a good estimate." })
  flag!: number | null;
}
