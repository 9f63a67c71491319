import { ArgsType, Field } from "type-graphql";
import { PageArgs } from "./ConeSearchArgs.js";
import { GalaxyFilter } from "./GalaxyFilter.js";

@ArgsType()
export class GalaxiesArgs extends PageArgs {
  @Field(() => GalaxyFilter, { nullable: true })
  filter!: GalaxyFilter | null;
}
