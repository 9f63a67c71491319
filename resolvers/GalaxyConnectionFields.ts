import { FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import type { Page } from "../catalog/page.js";
import { GalaxyConnection, GalaxyEdge, PageInfo } from "../schema/GalaxyConnection.js";
import { pageInfoOf } from "./connection.js";

@Resolver(() => GalaxyConnection)
export class GalaxyConnectionFields {
  @FieldResolver(() => [GalaxyEdge])
  edges(@Root() page: Page<GalaxyRecord>) {
    return page.nodes.map((node, i) => ({
      node,
      distanceDeg: node.distanceDeg ?? null,
      get cursor() {
        return page.cursorOf(i);
      },
    }));
  }

  @FieldResolver(() => PageInfo)
  pageInfo(@Root() page: Page<GalaxyRecord>) {
    return pageInfoOf(page);
  }

  @FieldResolver(() => Int)
  totalCount(@Root() page: Page<GalaxyRecord>): Promise<number> {
    return page.totalCount();
  }
}
