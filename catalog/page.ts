/** One page of a keyset-paginated list. */
export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counted only when asked for: it costs a second query. */
  totalCount: () => Promise<number>;
}

export interface PageLimits {
  /** Cap on `first`. */
  maxPageSize: number;
}
