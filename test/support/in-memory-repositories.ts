import { ProductExistsError } from '../../shared/domain/catalog/catalog-errors';
import type { CatalogRepository } from '../../shared/domain/catalog/catalog-ports';
import type { ProductRecord } from '../../shared/domain/catalog/product';
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

  const catalog: CatalogRepository = {
    async create(product) {
      if (products.has(product.sku)) throw new ProductExistsError(product.sku);
      products.set(product.sku, { ...product });
      stock.set(product.sku, emptyStock(product.sku));
    },
    async get(sku) {
      const product = products.get(sku);
      return product ? { product: { ...product }, stock: { ...(stock.get(sku) ?? emptyStock(sku)) } } : null;
    },
    async replace(product, expectedVersion) {
      if (products.get(product.sku)?.version !== expectedVersion) return false;
      products.set(product.sku, { ...product });
      return true;
    },
    async getMany(skus) {
      return [...new Set(skus)].flatMap((sku) => {
        const product = products.get(sku);
        return product ? [{ ...product }] : [];
      });
    },
    async getManyWithStock(skus) {
      return [...new Set(skus)].flatMap((sku) => {
        const product = products.get(sku);
        return product ? [{ product: { ...product }, stock: { ...(stock.get(sku) ?? emptyStock(sku)) } }] : [];
      });
    },
    async listActive({ category, ...page }) {
      const active = [...products.values()]
        .filter((p) => p.active && (category === undefined || p.category === category))
        .sort((a, b) => a.sku.localeCompare(b.sku));
      const result = paginate(active, (p) => p.sku, page);
      return { items: result.items.map((p) => ({ product: p, stock: stock.get(p.sku) ?? null })), next: result.next };
    },
  };

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
    async listAdjustments(sku, page) {
      const mine = adjustments.filter((a) => a.sku === sku).reverse();
      return paginate(mine, (a) => a.adjustmentId, page);
    },
  };

  return { catalog, inventory, products, stock, adjustments };
}
