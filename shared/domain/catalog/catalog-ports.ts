import type { StockLevel } from '../inventory/stock';
import type { Page, PageRequest } from '../pagination';
import type { ShippingMethod } from '../shipping/shipping-method';
import type { ProductRecord, Sellable, SkuRef, VariantRecord, VariantWithStock } from './product';

export interface ProductWithStock {
  product: ProductRecord;
  /** The product's own stock (a simple product's); null for a product with variants. */
  stock: StockLevel | null;
  /** Its variants with their stock, in `product.variantSkus` order (`[]` for a simple product). */
  variants: VariantWithStock[];
}

export interface CatalogRepository {
  /**
   * Creates the product with its variants and their (empty) stock, or its own empty stock when it
   * has none, in one transaction. @throws ProductExistsError naming a sku already taken by a product
   * or a variant.
   */
  create(product: ProductRecord, variants: VariantRecord[]): Promise<void>;
  /**
   * The product a sku names, with its stock and variants: the product's own sku, or one of its
   * variants' (`variantSku` then says which). `consistent` for read-your-writes (admin paths).
   */
  get(sku: string, options?: { consistent?: boolean }): Promise<(ProductWithStock & { variantSku?: string }) | null>;
  /** Replaces the record if its stored version is still `expectedVersion`; false otherwise. */
  replace(product: ProductRecord, expectedVersion: number): Promise<boolean>;
  /**
   * Adds a variant (with empty stock) and the product record that lists it, if the product's
   * stored version is still `expectedVersion` (false otherwise). @throws ProductExistsError when
   * the variant's sku is taken.
   */
  addVariant(product: ProductRecord, expectedVersion: number, variant: VariantRecord): Promise<boolean>;
  /**
   * Replaces a variant's own fields (not its stock) if its version is still `expectedVersion`;
   * `product` (as read) is told of in the change's `product.updated` event.
   */
  replaceVariant(variant: VariantRecord, expectedVersion: number, product: ProductRecord): Promise<boolean>;
  /**
   * The sellable units these skus name, by sku; unknown skus are left out. One BatchGetItem when the
   * refs carry the product of each variant (a cart's lines do), eventually consistent: for pricing
   * carts and checkouts, not for admin read-your-writes.
   */
  sellables(refs: SkuRef[]): Promise<Map<string, Sellable>>;
  /**
   * As {@link sellables}, with the shop's shipping methods in the same read: a checkout's, or a cart
   * quote's, one pricing read (decision 0017).
   */
  sellablesWithShipping(
    refs: SkuRef[],
  ): Promise<{ sellables: Map<string, Sellable>; shippingMethods: ShippingMethod[] }>;
  /**
   * The products of these skus that exist, each with its stock and variants, in no particular order;
   * unknown skus are left out. Eventually consistent unless asked (search results read it plain; the
   * search index worker, strongly consistent, after a change).
   */
  getManyWithStock(skus: string[], options?: { consistent?: boolean }): Promise<ProductWithStock[]>;
  /** Active products by sku, optionally of one category. */
  listActive(query: { category?: string } & PageRequest): Promise<Page<ProductWithStock>>;
}
