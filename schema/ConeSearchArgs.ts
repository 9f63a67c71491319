import { ArgsType, Field, Float, Int } from "type-graphql";
import { PredictionFilterInput } from "./PredictionFilter.js";

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: "Page size, at most MAX_PAGE_SIZE (500 by default)." })
  first!: number;

  @Field(() => String, { nullable: true, description: "endCursor of the previous page." })
  after!: string | null;
}

@ArgsType()
export class ConeSearchArgs extends PageArgs {
  @Field(() => Float, { description: "Centre right ascension, ICRS degrees in [0, 360)." })
  ra!: number;

  @Field(() => Float, { description: "Centre declination, ICRS degrees in [-90, 90]." })
  dec!: number;

  @Field(() => Float, { description: "Radius, degrees, in (0, MAX_CONE_RADIUS_DEG] (10 by default)." })
  radius!: number;

  @Field(() => PredictionFilterInput, { nullable: true, description: "Only galaxies whose prediction passes this filter." })
  prediction!: PredictionFilterInput | null;
}
