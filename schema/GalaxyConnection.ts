import { Field, Float, Int, ObjectType } from "type-graphql";
import { Galaxy } from "./Galaxy.js";

@ObjectType({ description: "Relay page information." })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page." })
  endCursor!: string | null;
}

@ObjectType()
export class GalaxyEdge {
  @Field(() => String, { description: "Opaque keyset cursor." })
  cursor!: string;

  @Field(() => Galaxy)
  node!: Galaxy;

  @Field(() => Float, { name: "distance", nullable: true, description: "Angular distance of the node from the cone-search centre, degrees; null in other connections." })
  distanceDeg!: number | null;
}

@ObjectType({ description: "A page of galaxies (Relay cursor connection)." })
export class GalaxyConnection {
  @Field(() => [GalaxyEdge])
  edges!: GalaxyEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Number of galaxies matching, over all pages (costs one extra query)." })
  totalCount!: number;
}
