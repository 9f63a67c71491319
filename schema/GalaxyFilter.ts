import { Field, Float, InputType } from "type-graphql";
import { Survey } from "./Survey.js";

@InputType({ description: "Conditions a galaxy must meet; all given conditions must hold." })
export class GalaxyFilter {
  @Field(() => Survey, { nullable: true })
  survey?: Survey | null;

  @Field(() => String, { nullable: true, description: "Spectroscopic class, e.g. GALAXY." })
  class?: string | null;

  @Field(() => Float, { nullable: true, description: "Smallest redshift, inclusive." })
  redshiftMin?: number | null;

  @Field(() => Float, { nullable: true, description: "Largest redshift, inclusive." })
  redshiftMax?: number | null;

  @Field(() => Boolean, { nullable: true, description: "true: only galaxies with a finite SFR label and FLAG 0; false: only the others." })
  hasSfrLabel?: boolean | null;
}
