import { Field, Int, ObjectType } from "type-graphql";
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
