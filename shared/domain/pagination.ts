/** Where a page starts: the repository's own position token (opaque to the domain). */
export interface PageRequest {
  limit: number;
  after?: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  /** Position after the last item, or null at the end. */
  next: Record<string, unknown> | null;
}

/** A page as clients see it. */
export interface ListResult<T> {
  items: T[];
  nextCursor: string | null;
}
