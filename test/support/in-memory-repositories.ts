import { ProductExistsError } from '../../shared/domain/catalog/catalog-errors';
import type { CatalogRepository } from '../../shared/domain/catalog/catalog-ports';
import {
  type ProductRecord,
  type Sellable,
  simpleSellable,
  type VariantRecord,
  variantSellable,
} from '../../shared/domain/catalog/product';
import type { InventoryRepository } from '../../shared/domain/inventory/inventory-ports';
import { emptyStock, type StockAdjustment, type StockLevel } from '../../shared/domain/inventory/stock';
import type { Page, PageRequest } from '../../shared/domain/pagination';

function paginate<T>(sorted: T[], key: (item: T) => string, { limit, after }: PageRequest): Page<T> {
  const start = after ? sorted.findIndex((item) => key(item) === after.key) + 1 : 0;
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  return { items, next: last && start + limit < sorted.length ? { key: key(last) } : null };
}

/** In-memory stand-ins for the DynamoDB repositories, for fast domain tests. */
export function inMemoryStore() {
  const products = new Map<string, ProductRecord>();
  const stock = new Map<string, StockLevel>();
  const adjustments: StockAdjustment[] = [];

  const variants = new Map<string, VariantRecord>();
  const variantsOf = (product: ProductRecord) =>
    product.variantSkus.flatMap((sku) => {
      const variant = variants.get(sku);
      return variant ? [{ variant: { ...variant }, stock: { ...(stock.get(sku) ?? emptyStock(sku)) } }] : [];
    });
  const withStock = (product: ProductRecord) => ({
    product: { ...product },
    stock: product.options.length === 0 ? { ...(stock.get(product.sku) ?? emptyStock(product.sku)) } : null,
    variants: variantsOf(product),
  });
  const taken = (sku: string) => products.has(sku) || variants.has(sku);

  const catalog: CatalogRepository = {
    async create(product, created) {
      for (const sku of [product.sku, ...created.map((variant) => variant.sku)])
        if (taken(sku)) throw new ProductExistsError(sku);
      products.set(product.sku, { ...product });
      if (created.length === 0) stock.set(product.sku, emptyStock(product.sku));
      for (const variant of created) {
        variants.set(variant.sku, { ...variant });
        stock.set(variant.sku, emptyStock(variant.sku));
      }
    },
    async get(sku) {
      const variant = variants.get(sku);
      const product = products.get(variant?.productSku ?? sku);
      if (!product) return null;
      return variant ? { ...withStock(product), variantSku: sku } : withStock(product);
    },
    async replace(product, expectedVersion) {
      if (products.get(product.sku)?.version !== expectedVersion) return false;
      products.set(product.sku, { ...product });
      return true;
    },
    async addVariant(product, expectedVersion, variant) {
      if (taken(variant.sku)) throw new ProductExistsError(variant.sku);
      if (products.get(product.sku)?.version !== expectedVersion) return false;
      products.set(product.sku, { ...product });
      variants.set(variant.sku, { ...variant });
      stock.set(variant.sku, emptyStock(variant.sku));
      return true;
    },
    async replaceVariant(variant, expectedVersion) {
      if (variants.get(variant.sku)?.version !== expectedVersion) return false;
      variants.set(variant.sku, { ...variant });
      return true;
    },
    async sellables(refs) {
      const found = new Map<string, Sellable>();
      for (const { sku } of refs) {
        const variant = variants.get(sku);
        const product = products.get(variant?.productSku ?? sku);
        if (product) found.set(sku, variant ? variantSellable(product, variant) : simpleSellable(product));
      }
      return found;
    },
    async sellablesWithShipping(refs) {
      return { sellables: await this.sellables(refs), shippingMethods: [] };
    },
    async getManyWithStock(skus) {
      return [...new Set(skus)].flatMap((sku) => {
        const product = products.get(sku);
        return product ? [withStock(product)] : [];
      });
    },
    async listActive({ category, ...page }) {
      const active = [...products.values()]
        .filter((p) => p.active && (category === undefined || p.category === category))
        .sort((a, b) => a.sku.localeCompare(b.sku));
      const result = paginate(active, (p) => p.sku, page);
      return { items: result.items.map(withStock), next: result.next };
    },
  };

  const thresholds = new Map<string, number | null>();
  const inventory: InventoryRepository = {
    async get(sku) {
      const level = stock.get(sku);
      return level ? { ...level } : null;
    },
    async applyAdjustment(adjustment) {
      const level = stock.get(adjustment.sku);
      if (!level || level.onHand !== adjustment.onHandBefore || level.reserved > adjustment.onHandAfter) return false;
      stock.set(adjustment.sku, {
        ...level,
        onHand: adjustment.onHandAfter,
        available: adjustment.onHandAfter - level.reserved,
      });
      adjustments.push(adjustment);
      return true;
    },
    async setLowStockThreshold(sku, threshold) {
      const level = stock.get(sku);
      if (!level) return null;
      thresholds.set(sku, threshold);
      return { sku, lowStockThreshold: threshold, available: Math.max(0, level.available) };
    },
    async listAdjustments(sku, page) {
      const mine = adjustments.filter((a) => a.sku === sku).reverse();
      return paginate(mine, (a) => a.adjustmentId, page);
    },
  };

  return { catalog, inventory, products, variants, stock, adjustments };
}
