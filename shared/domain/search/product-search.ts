import type { Product } from '../catalog/product';
import type { FacetCount } from './search-ports';
import type { SearchQuery, SearchService } from './search-service';

/** `GET /v1/search`'s answer: the page's products as the catalog shows them to anyone. */
export interface ProductSearchResult {
  items: Product[];
  nextCursor: string | null;
  total: number;
  facets: { category: FacetCount[] };
}

export interface ProductSearchDeps {
  search: Pick<SearchService, 'search'>;
  /** The catalog's public view of some skus, in their order, inactive and unknown ones left out. */
  products: { activeInOrder(skus: string[]): Promise<Product[]> };
}

export type ProductSearch = ReturnType<typeof createProductSearch>;

/**
 * The search as a shopper sees it: the index finds and orders the products, counts them and their
 * categories; the page's products are then read from the catalog, so each one is shown as
 * `GET /v1/products/{sku}` shows it now (price, stock, name), not as the snapshot knew it. A product
 * deactivated or removed since the snapshot is left out of the page (the page may then hold fewer
 * than `limit`, as the contract allows); `total` and `facets` are the index's until it catches up.
 */
export function createProductSearch({ search, products }: ProductSearchDeps) {
  return {
    /** One page of matching products. @throws InvalidCursorError for a tampered cursor or one of another search. */
    async search(query: SearchQuery): Promise<ProductSearchResult> {
      const found = await search.search(query);
      return {
        items: await products.activeInOrder(found.items.map((document) => document.id)),
        nextCursor: found.nextCursor,
        total: found.total,
        facets: found.facets,
      };
    },
  };
}
