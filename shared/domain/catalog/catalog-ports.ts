import type { StockLevel } from '../inventory/stock';
import type { Page, PageRequest } from '../pagination';
import type { ProductRecord } from './product';

export interface ProductWithStock {
  product: ProductRecord;
  stock: StockLevel | null;
}

export interface CatalogRepository {
  /** Creates the product and its (empty) stock; throws ProductExistsError if the sku is taken. */
  create(product: ProductRecord): Promise<void>;
  /** One product with its stock; `consistent` for read-your-writes (admin paths). */
  get(sku: string, options?: { consistent?: boolean }): Promise<ProductWithStock | null>;
  /** Replaces the record if its stored version is still `expectedVersion`; false otherwise. */
  replace(product: ProductRecord, expectedVersion: number): Promise<boolean>;
  /**
   * The products (without stock) of these skus that exist, in no particular order; unknown skus
   * are left out. Eventually consistent: for pricing carts, not for admin read-your-writes.
   */
  getMany(skus: string[]): Promise<ProductRecord[]>;
  /**
   * The products of these skus that exist, each with its stock, in no particular order; unknown
   * skus are left out. One BatchGetItem of both items per 50 skus, eventually consistent unless
   * asked (search results read it plain; the search index worker, strongly consistent, after a change).
   */
  getManyWithStock(skus: string[], options?: { consistent?: boolean }): Promise<ProductWithStock[]>;
  /** Active products by sku, optionally of one category. */
  listActive(query: { category?: string } & PageRequest): Promise<Page<ProductWithStock>>;
}
