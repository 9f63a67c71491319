/** Shared helpers for connection fields. */
import type { Page } from "../catalog/page.js";

/** Cost of a connection field: its children once per requested row. */
export function connectionComplexity({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number {
  const first = typeof args.first === "number" ? args.first : 50;
  return 1 + childComplexity * Math.max(1, first);
}

export function pageInfoOf<T>(page: Page<T>) {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.nodes.length > 0 ? page.cursorOf(0) : null,
    endCursor: page.nodes.length > 0 ? page.cursorOf(page.nodes.length - 1) : null,
  };
}

/**
 * A connection object for the default field resolvers: cursors made on
 * demand, `totalCount` a getter (read, and counted, only when asked for).
 */
export function toConnection<T, N>(page: Page<T>, toNode: (record: T) => N) {
  return {
    edges: page.nodes.map((record, i) => ({
      node: toNode(record),
      get cursor() {
        return page.cursorOf(i);
      },
    })),
    pageInfo: pageInfoOf(page),
    get totalCount() {
      return page.totalCount();
    },
  };
}
