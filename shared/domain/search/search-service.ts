import type { CursorCodec } from '../../lib/cursor-codec';
import type { IndexedDocument } from './search-document';
import type { FacetCount, SearchFilters, SearchIndex, SearchSort } from './search-ports';
import { queryWords } from './search-text';

/** `GET /v1/search`'s query, validated by the route (q 1–200 characters, limit 1–100). */
export interface SearchQuery extends SearchFilters {
  q?: string;
  /** Default: `relevance` with a q, `newest` without. */
  sort?: SearchSort;
  limit: number;
  cursor?: string;
}

export interface SearchResult {
  /** The documents of the page's products, in order; the route turns them into `Product`s. */
  items: IndexedDocument[];
  nextCursor: string | null;
  total: number;
  facets: { category: FacetCount[] };
}

export type SearchService = ReturnType<typeof createSearchService>;

export interface SearchServiceDeps {
  index: SearchIndex;
  cursors: CursorCodec;
}

/**
 * A cursor belongs to the one search it came from: the words, filters and sort (not the limit,
 * which may change from page to page). Another search's cursor is refused as tampered.
 */
function cursorScope(query: SearchQuery, sort: SearchSort): string {
  const { category, minPrice, maxPrice, inStock } = query;
  return `search:${JSON.stringify([queryWords(query.q ?? ''), category, minPrice, maxPrice, inStock === true, sort])}`;
}

/** Relevance means nothing without words: browsing shows the newest first unless told otherwise. */
function effectiveSort(query: SearchQuery): SearchSort {
  if (queryWords(query.q ?? '').length > 0) return query.sort ?? 'relevance';
  return query.sort === undefined || query.sort === 'relevance' ? 'newest' : query.sort;
}

export function createSearchService({ index, cursors }: SearchServiceDeps) {
  return {
    /**
     * One page of products matching the words and filters, with the total and the category
     * facets of the whole match. @throws InvalidCursorError for a cursor of another search.
     */
    async search(query: SearchQuery): Promise<SearchResult> {
      const sort = effectiveSort(query);
      const scope = cursorScope(query, sort);
      const after = query.cursor ? await cursors.decode(query.cursor, scope) : undefined;
      const page = await index.search({
        q: query.q,
        category: query.category,
        minPrice: query.minPrice,
        maxPrice: query.maxPrice,
        inStock: query.inStock,
        sort,
        limit: query.limit,
        after,
      });
      return {
        items: page.hits.map((hit) => hit.document),
        nextCursor: page.next ? await cursors.encode(page.next, scope) : null,
        total: page.total,
        facets: page.facets,
      };
    },
  };
}
