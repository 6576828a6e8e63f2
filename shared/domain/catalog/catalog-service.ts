import { ContentionError, PreconditionFailedError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import { strongEtag } from '../../lib/etag';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { ListResult } from '../pagination';
import { ProductNotFoundError } from './catalog-errors';
import type { CatalogRepository } from './catalog-ports';
import { type NewProduct, type Product, type ProductChanges, type ProductRecord, toProduct } from './product';

const MAX_ATTEMPTS = 12;

export interface CatalogServiceDeps {
  catalog: CatalogRepository;
  cursors: CursorCodec;
  clock: Clock;
  currency: string;
}

/** A product representation with its strong ETag. */
export interface TaggedProduct {
  product: Product;
  etag: string;
}

const tag = (product: Product): TaggedProduct => ({ product, etag: strongEtag(product) });

export type CatalogService = ReturnType<typeof createCatalogService>;

export function createCatalogService({ catalog, cursors, clock, currency }: CatalogServiceDeps) {
  return {
    /** Creates a product with no stock. @throws ProductExistsError */
    async create(input: NewProduct): Promise<TaggedProduct> {
      const now = clock.now().toISOString();
      const record: ProductRecord = {
        sku: input.sku,
        name: input.name,
        description: input.description ?? null,
        price: input.price,
        currency,
        category: input.category,
        imageUrl: input.imageUrl ?? null,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await catalog.create(record);
      return tag(toProduct(record, null));
    },

    /**
     * One product. The public sees active products only (an inactive one is 404);
     * admins see every product.
     */
    async get(sku: string, viewer: { admin: boolean }): Promise<TaggedProduct> {
      const found = await catalog.get(sku, { consistent: viewer.admin });
      if (!found || (!found.product.active && !viewer.admin)) throw new ProductNotFoundError(sku);
      return tag(toProduct(found.product, found.stock));
    },

    /**
     * The public view of these products, in the order of `skus`: what `get` answers anyone, for
     * each sku that still names an active product (the others are left out). Eventually consistent.
     */
    async activeInOrder(skus: string[]): Promise<Product[]> {
      if (skus.length === 0) return [];
      const found = new Map((await catalog.getManyWithStock(skus)).map((entry) => [entry.product.sku, entry]));
      return skus.flatMap((sku) => {
        const entry = found.get(sku);
        return entry?.product.active ? [toProduct(entry.product, entry.stock)] : [];
      });
    },

    /** Active products by sku, optionally of one category. */
    async listActive(query: { category?: string; limit: number; cursor?: string }): Promise<ListResult<Product>> {
      const scope = `products:${query.category ?? '*'}`;
      const after = query.cursor ? await cursors.decode(query.cursor, scope) : undefined;
      const page = await catalog.listActive({ category: query.category, limit: query.limit, after });
      return {
        items: page.items.map(({ product, stock }) => toProduct(product, stock)),
        nextCursor: page.next ? await cursors.encode(page.next, scope) : null,
      };
    },

    /**
     * Applies a partial update. With `ifMatch`, only if the product's current ETag is exactly
     * that value (412 otherwise); without it, concurrent edits are merged by retrying.
     */
    async update(sku: string, changes: ProductChanges, options: { ifMatch?: string } = {}): Promise<TaggedProduct> {
      return retryOnConflict(
        async () => {
          const found = await catalog.get(sku, { consistent: true });
          if (!found) throw new ProductNotFoundError(sku);
          if (options.ifMatch !== undefined && options.ifMatch !== strongEtag(toProduct(found.product, found.stock))) {
            throw new PreconditionFailedError();
          }
          const next: ProductRecord = {
            ...found.product,
            ...changes,
            updatedAt: clock.now().toISOString(),
            version: found.product.version + 1,
          };
          if (await catalog.replace(next, found.product.version)) return tag(toProduct(next, found.stock));
          if (options.ifMatch !== undefined) throw new PreconditionFailedError();
          return CONFLICT;
        },
        {
          attempts: MAX_ATTEMPTS,
          backoff: {},
          exhausted: () => {
            throw new ContentionError(`Product ${sku} is being edited concurrently; try again.`);
          },
        },
      );
    },
  };
}
