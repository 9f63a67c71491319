/** One page of a keyset-paginated list. */
export interface Page<T> {
  nodes: T[];
  /** The opaque cursor of nodes[i] (made on demand: most clients ask for few). */
  cursorOf: (i: number) => string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counted only when asked for: it costs a second query. */
  totalCount: () => Promise<number>;
}

export interface PageLimits {
  /** Cap on `first`. */
  maxPageSize: number;
}
