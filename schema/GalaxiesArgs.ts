import { ArgsType, Field } from "type-graphql";
import { PageArgs } from "./ConeSearchArgs.js";
import { GalaxyFilter } from "./GalaxyFilter.js";
import { PredictionFilterInput } from "./PredictionFilter.js";

@ArgsType()
export class GalaxiesArgs extends PageArgs {
  @Field(() => GalaxyFilter, { nullable: true })
  filter!: GalaxyFilter | null;

  @Field(() => PredictionFilterInput, { nullable: true, description: "Only galaxies whose prediction passes this filter." })
  prediction!: PredictionFilterInput | null;
}
