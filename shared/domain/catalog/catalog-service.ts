import { ContentionError, PreconditionFailedError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import { strongEtag } from '../../lib/etag';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { emptyStock } from '../inventory/stock';
import type { ListResult } from '../pagination';
import { ProductNotFoundError, VariantNotFoundError } from './catalog-errors';
import type { CatalogRepository, ProductWithStock } from './catalog-ports';
import {
  type NewProduct,
  type NewVariant,
  type Product,
  type ProductChanges,
  type ProductRecord,
  toProduct,
  type VariantChanges,
  type VariantRecord,
} from './product';
import { assertValidProductShape, assertVariantFits, canonicalValues, withValues } from './variant-rules';

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

/** What an admin sees of a product: every variant, active or not. */
const adminView = ({ product, stock, variants }: ProductWithStock) =>
  toProduct(product, stock, variants, { allVariants: true });

export type CatalogService = ReturnType<typeof createCatalogService>;

function newVariant(product: ProductRecord, input: NewVariant, now: string): VariantRecord {
  return {
    sku: input.sku,
    productSku: product.sku,
    options: canonicalValues(product.options, input.options),
    price: input.price ?? null,
    weight: input.weight ?? null,
    active: input.active ?? true,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

const withEmptyStock = (variant: VariantRecord) => ({ variant, stock: emptyStock(variant.sku) });

const contention = (sku: string): never => {
  throw new ContentionError(`Product ${sku} is being edited concurrently; try again.`);
};

export function createCatalogService({ catalog, cursors, clock, currency }: CatalogServiceDeps) {
  return {
    /**
     * Creates a product with no stock: a simple one, or one with options and its first variants.
     * @throws ValidationError when options and variants do not fit; ProductExistsError for a taken sku
     */
    async create(input: NewProduct): Promise<TaggedProduct> {
      const options = input.options ?? [];
      const wanted = input.variants ?? [];
      assertValidProductShape({ sku: input.sku, options, variants: wanted });
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
        options,
        variantSkus: wanted.map((variant) => variant.sku),
        weight: input.weight ?? null,
        taxClass: input.taxClass ?? 'standard',
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const variants = wanted.map((variant) => newVariant(record, variant, now));
      await catalog.create(record, variants);
      return tag(adminView({ product: record, stock: null, variants: variants.map(withEmptyStock) }));
    },

    /**
     * One product. The public sees active products only (an inactive one is 404);
     * admins see every product.
     */
    async get(sku: string, viewer: { admin: boolean }): Promise<TaggedProduct> {
      const found = await catalog.get(sku, { consistent: viewer.admin });
      if (!found || (!found.product.active && !viewer.admin)) throw new ProductNotFoundError(sku);
      // A link to a variant shows its product, while the variant is sold.
      const variant = found.variants.find((entry) => entry.variant.sku === found.variantSku);
      if (found.variantSku !== undefined && !variant?.variant.active && !viewer.admin)
        throw new ProductNotFoundError(sku);
      return tag(viewer.admin ? adminView(found) : toProduct(found.product, found.stock, found.variants));
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
        return entry?.product.active ? [toProduct(entry.product, entry.stock, entry.variants)] : [];
      });
    },

    /** Active products by sku, optionally of one category. */
    async listActive(query: { category?: string; limit: number; cursor?: string }): Promise<ListResult<Product>> {
      const scope = `products:${query.category ?? '*'}`;
      const after = query.cursor ? await cursors.decode(query.cursor, scope) : undefined;
      const page = await catalog.listActive({ category: query.category, limit: query.limit, after });
      return {
        items: page.items.map(({ product, stock, variants }) => toProduct(product, stock, variants)),
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
          if (!found || found.variantSku !== undefined) throw new ProductNotFoundError(sku);
          if (options.ifMatch !== undefined && options.ifMatch !== strongEtag(adminView(found))) {
            throw new PreconditionFailedError();
          }
          const next: ProductRecord = {
            ...found.product,
            ...changes,
            updatedAt: clock.now().toISOString(),
            version: found.product.version + 1,
          };
          if (await catalog.replace(next, found.product.version)) return tag(adminView({ ...found, product: next }));
          if (options.ifMatch !== undefined) throw new PreconditionFailedError();
          return CONFLICT;
        },
        {
          attempts: MAX_ATTEMPTS,
          backoff: {},
          exhausted: () => contention(sku),
        },
      );
    },

    /**
     * Adds a variant (no stock yet) to a product with options; a value an option does not list yet
     * is added to it. @throws ProductNotFoundError; PRODUCT_HAS_NO_OPTIONS, VARIANT_EXISTS or
     * TOO_MANY_VARIANTS (409); ProductExistsError when the variant's sku is taken
     */
    async addVariant(productSku: string, input: NewVariant): Promise<TaggedProduct> {
      return retryOnConflict(
        async () => {
          const found = await catalog.get(productSku, { consistent: true });
          if (!found || found.variantSku !== undefined) throw new ProductNotFoundError(productSku);
          const { product } = found;
          assertVariantFits(
            { sku: product.sku, options: product.options, variantCount: product.variantSkus.length },
            found.variants.map((entry) => entry.variant.options),
            input,
          );
          const now = clock.now().toISOString();
          const next: ProductRecord = {
            ...product,
            options: withValues(product.options, input.options),
            variantSkus: [...product.variantSkus, input.sku],
            updatedAt: now,
            version: product.version + 1,
          };
          const variant = newVariant(next, input, now);
          if (!(await catalog.addVariant(next, product.version, variant))) return CONFLICT;
          return tag(adminView({ ...found, product: next, variants: [...found.variants, withEmptyStock(variant)] }));
        },
        { attempts: MAX_ATTEMPTS, backoff: {}, exhausted: () => contention(productSku) },
      );
    },

    /** Changes a variant's price (null: the product's), weight or active flag. */
    async updateVariant(productSku: string, sku: string, changes: VariantChanges): Promise<TaggedProduct> {
      return retryOnConflict(
        async () => {
          const found = await catalog.get(productSku, { consistent: true });
          if (!found || found.variantSku !== undefined) throw new ProductNotFoundError(productSku);
          const current = found.variants.find((entry) => entry.variant.sku === sku);
          if (!current) throw new VariantNotFoundError(productSku, sku);
          const next: VariantRecord = {
            ...current.variant,
            ...changes,
            updatedAt: clock.now().toISOString(),
            version: current.variant.version + 1,
          };
          if (!(await catalog.replaceVariant(next, current.variant.version, found.product))) return CONFLICT;
          const variants = found.variants.map((entry) =>
            entry.variant.sku === sku ? { ...entry, variant: next } : entry,
          );
          return tag(adminView({ ...found, variants }));
        },
        { attempts: MAX_ATTEMPTS, backoff: {}, exhausted: () => contention(productSku) },
      );
    },
  };
}
