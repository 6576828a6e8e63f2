import type { IndexedDocument, SearchDocument } from './search-document';

/** The name the product search index's snapshots are kept under (docs/data-model.md, "Search snapshots"). */
export const PRODUCT_SEARCH_INDEX = 'products';

export const SEARCH_SORTS = ['relevance', 'price-asc', 'price-desc', 'newest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** The filters of `GET /v1/search` besides the text. Prices in minor units, both bounds inclusive. */
export interface SearchFilters {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  /** true: only products with `available > 0`. false or absent: no filter on stock. */
  inStock?: boolean;
}

/** One page of a search, as the index is asked for it. */
export interface IndexQuery extends SearchFilters {
  /** The text; absent (or without a word) browses by the filters alone. */
  q?: string;
  sort: SearchSort;
  limit: number;
  /** Where the page starts: the index's own position token from an earlier page (opaque to the domain). */
  after?: Record<string, unknown>;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchHit {
  document: IndexedDocument;
  /** The engine's relevance score (0 when browsing); for information, never compared across queries. */
  score: number;
}

export interface IndexPage {
  hits: SearchHit[];
  /** Position after the last hit, or null at the end. */
  next: Record<string, unknown> | null;
  /** How many products match the text and every filter. */
  total: number;
  /**
   * Per category, how many products match the text and the other filters (all but `category`
   * itself, so a shopper who picked one category still sees how many the others hold), most first.
   */
  facets: { category: FacetCount[] };
}

/**
 * The search side of a product search engine: an embedded index in the function (the default), or a
 * search service (OpenSearch, Typesense, Meilisearch) for a shop that outgrows one. Matching follows
 * search-text.ts: case and accents folded, every word required, the last also as a prefix, one typo
 * for words of five letters or more, a name match ranked above a description match, inactive
 * products never found. Paging is by position, so a page never repeats or skips a product that
 * stayed put while the shopper paged.
 */
export interface SearchIndex {
  /** The version of the catalog snapshot this index answers from (increases with every rebuild or change). */
  readonly version: number;
  /** @throws InvalidCursorError when `after` is not a position this index gave out. */
  search(query: IndexQuery): Promise<IndexPage>;
}

/** The write side, for whatever keeps the index in step with the catalog (the index worker). */
export interface SearchIndexWriter {
  /** Adds or replaces a product's document; an inactive one is removed instead. */
  upsert(document: SearchDocument): Promise<void>;
  /** Removes a product's document; unknown ids are ignored. */
  remove(id: string): Promise<void>;
}

/** A stored snapshot of the search index: its version and its bytes (the adapter's own encoding). */
export interface StoredSnapshot {
  version: number;
  bytes: Buffer;
}

/**
 * Where the index worker keeps the search index for the search functions: versioned snapshots, of
 * which one is current. A search function loads the current one at cold start and again when
 * `currentVersion` moves on.
 */
export interface SearchSnapshotReader {
  /** The current snapshot's version, or null when none was saved yet (one small read). */
  currentVersion(): Promise<number | null>;
  /** The current snapshot, whole and checked, or null when none was saved yet. */
  load(): Promise<StoredSnapshot | null>;
}

/** {@link SearchSnapshotReader} and the writes of the index worker. */
export interface SearchSnapshotStore extends SearchSnapshotReader {
  /**
   * Stores a snapshot and makes it current, unless a snapshot of this version or a newer one is
   * current already ('stale': nothing is kept of this one). Readers of the snapshot it replaces
   * can still finish reading it for a while.
   */
  save(snapshot: StoredSnapshot): Promise<'saved' | 'stale'>;
}
