import type { CatalogRepository } from '../catalog/catalog-ports';
import type { PricedProduct, ProductPricing } from './order-ports';

/** Checkout's prices are the catalog's current ones: one batch read of the product records. */
export function catalogPricing(catalog: Pick<CatalogRepository, 'getMany'>): ProductPricing {
  return {
    async priceOf(skus) {
      const products = await catalog.getMany(skus);
      return new Map<string, PricedProduct>(
        products.map(({ sku, name, price, active }) => [sku, { sku, name, price, active }]),
      );
    },
  };
}
