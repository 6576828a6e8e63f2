import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ProductExistsError } from '../../domain/catalog/catalog-errors';
import type { CatalogRepository, ProductWithStock } from '../../domain/catalog/catalog-ports';
import {
  type ProductRecord,
  type Sellable,
  type SkuRef,
  simpleSellable,
  type VariantRecord,
  type VariantWithStock,
  variantSellable,
} from '../../domain/catalog/product';
import { productCreatedEvent, productUpdatedEvent } from '../../domain/events/domain-event';
import type { StockLevel } from '../../domain/inventory/stock';
import { batchGetItems } from './batch-get';
import { cancellationCodes, committedUnlessRefused } from './dynamo-client';
import { eventRecordPut } from './dynamo-event-records';
import { toShippingMethodSet } from './dynamo-shipping-method-repository';
import { GSI1, GSI2, keys, stockKey } from './keys';
import { queryAllItems } from './query-all';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const VARIANT_FIELDS = [
  'sku',
  'productSku',
  'options',
  'price',
  'weight',
  'active',
  'createdAt',
  'updatedAt',
  'version',
];

function productItem(product: ProductRecord): Item {
  return {
    ...keys.product(product.sku),
    ...(product.active
      ? { ...keys.categoryIndex(product.category, product.sku), ...keys.catalogIndex(product.sku) }
      : {}),
    type: 'Product',
    ...product,
  };
}

export function toProductRecord(item: Item): ProductRecord {
  return {
    sku: item.sku as string,
    name: item.name as string,
    description: (item.description as string | undefined) ?? null,
    price: item.price as number,
    currency: item.currency as string,
    category: item.category as string,
    imageUrl: (item.imageUrl as string | undefined) ?? null,
    active: item.active as boolean,
    // Products stored before variants existed are simple, weigh nothing known and are taxed at the standard rate.
    options: (item.options as ProductRecord['options'] | undefined) ?? [],
    variantSkus: (item.variantSkus as string[] | undefined) ?? [],
    weight: (item.weight as number | null | undefined) ?? null,
    taxClass: (item.taxClass as ProductRecord['taxClass'] | undefined) ?? 'standard',
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    version: item.version as number,
  };
}

export function toStockLevel(item: Item): StockLevel {
  return {
    sku: item.sku as string,
    onHand: item.onHand as number,
    reserved: item.reserved as number,
    available: item.available as number,
  };
}

function toVariantRecord(item: Item): VariantRecord {
  return {
    sku: item.sku as string,
    productSku: item.productSku as string,
    options: item.options as VariantRecord['options'],
    price: (item.price as number | null | undefined) ?? null,
    weight: (item.weight as number | null | undefined) ?? null,
    active: item.active as boolean,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    version: item.version as number,
  };
}

const toVariantWithStock = (item: Item): VariantWithStock => ({
  variant: toVariantRecord(item),
  stock: toStockLevel(item),
});

const emptyCounters = { onHand: 0, reserved: 0, available: 0 };

/** Puts an item only where none is: the sku's claim fails when a product or variant has it. */
const putNew = (tableName: string, Item: Item): TransactItem => ({
  Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' },
});

/** The items that create a variant: its sku's claim, and the variant with its empty stock. */
function variantItems(tableName: string, variant: VariantRecord): TransactItem[] {
  return [
    putNew(tableName, {
      ...keys.product(variant.sku),
      type: 'VariantRef',
      sku: variant.sku,
      productSku: variant.productSku,
    }),
    putNew(tableName, {
      ...keys.variant(variant.productSku, variant.sku),
      type: 'Variant',
      ...variant,
      ...emptyCounters,
    }),
  ];
}

/**
 * Which product owns each variant sku seen by this instance. A variant never moves to another
 * product and its sku is never reused, so what is learnt stays true; bounded, oldest forgotten first.
 */
const MAX_KNOWN_OWNERS = 20_000;
const knownOwners = new Map<string, string>();

function learnOwner(sku: string, productSku: string): void {
  if (knownOwners.has(sku)) return;
  if (knownOwners.size >= MAX_KNOWN_OWNERS) knownOwners.delete(knownOwners.keys().next().value as string);
  knownOwners.set(sku, productSku);
}

/** A product's variants in the order the product lists them. */
function inListedOrder(product: ProductRecord, found: Item[]): VariantWithStock[] {
  const bySku = new Map(found.map((item) => [item.sku as string, item]));
  return product.variantSkus.flatMap((sku) => {
    const item = bySku.get(sku);
    return item ? [toVariantWithStock(item)] : [];
  });
}

export function createDynamoCatalogRepository(db: DynamoDBDocumentClient, tableName: string): CatalogRepository {
  /** Every item of a product's collection but its audit trail: the product, its stock or its variants. */
  async function collection(sku: string, consistent: boolean): Promise<Item[]> {
    return queryAllItems(db, {
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :hash)',
      ExpressionAttributeValues: { ':pk': keys.product(sku).PK, ':hash': '#' },
      ConsistentRead: consistent,
    });
  }

  function assemble(items: Item[]): ProductWithStock | null {
    const productItem = items.find((item) => item.type === 'Product');
    if (!productItem) return null;
    const product = toProductRecord(productItem);
    const stock = items.find((item) => item.type === 'Stock');
    return {
      product,
      stock: stock ? toStockLevel(stock) : null,
      variants: inListedOrder(
        product,
        items.filter((item) => item.type === 'Variant'),
      ),
    };
  }

  /**
   * The stock of simple products and the variants of the others, read by key (BatchGetItem): a
   * page of products from an index, or products read by sku, completed.
   */
  async function withStock(products: ProductRecord[], consistent: boolean): Promise<ProductWithStock[]> {
    const keyList = products.flatMap((product) =>
      product.options.length === 0
        ? [keys.stock(product.sku)]
        : product.variantSkus.map((sku) => keys.variant(product.sku, sku)),
    );
    const items = await batchGetItems(db, tableName, keyList, { consistent });
    const stock = new Map<string, Item>();
    const variants = new Map<string, Item[]>();
    for (const item of items) {
      if (item.type === 'Stock') stock.set(item.sku as string, item);
      else variants.set(item.productSku as string, [...(variants.get(item.productSku as string) ?? []), item]);
    }
    return products.map((product) => {
      const level = stock.get(product.sku);
      return {
        product,
        stock: level ? toStockLevel(level) : null,
        variants: inListedOrder(product, variants.get(product.sku) ?? []),
      };
    });
  }

  /**
   * The sellable units of `refs`, and the items of `alsoRead` in the same first BatchGetItem (a
   * checkout's one pricing read takes the shop's shipping methods with its prices).
   */
  async function readSellables(refs: SkuRef[], alsoRead: Item[] = []) {
    const owners = new Map<string, string>();
    for (const { sku, productSku } of refs) {
      const owner = productSku ?? knownOwners.get(sku);
      if (owner && owner !== sku) owners.set(sku, owner);
    }
    const found = new Map<string, Sellable>();
    let unresolved = [...new Set(refs.map((ref) => ref.sku))];
    let extra: Item[] = [];
    // Twice at most: a variant sku not known yet reads its claim first, then its product and itself.
    for (let round = 0; round < 2 && (unresolved.length > 0 || (round === 0 && alsoRead.length > 0)); round++) {
      const keyList = new Map<string, Item>();
      if (round === 0) for (const key of alsoRead) keyList.set(`${key.PK}|${key.SK}`, key);
      for (const sku of unresolved) {
        const owner = owners.get(sku);
        const wanted = owner ? [keys.product(owner), keys.variant(owner, sku)] : [keys.product(sku)];
        for (const key of wanted) keyList.set(`${key.PK}|${key.SK}`, key);
      }
      const items = await batchGetItems(db, tableName, [...keyList.values()]);
      if (round === 0) extra = items.filter((item) => alsoRead.some((key) => key.PK === item.PK && key.SK === item.SK));
      const products = new Map(
        items.filter((item) => item.type === 'Product').map((item) => [item.sku as string, toProductRecord(item)]),
      );
      const variants = new Map(
        items.filter((item) => item.type === 'Variant').map((item) => [item.sku as string, item]),
      );
      const next: string[] = [];
      for (const sku of unresolved) {
        const owner = owners.get(sku);
        if (owner) {
          const product = products.get(owner);
          const variant = variants.get(sku);
          if (product && variant) found.set(sku, variantSellable(product, toVariantRecord(variant)));
          continue;
        }
        const product = products.get(sku);
        if (product) {
          found.set(sku, simpleSellable(product));
          continue;
        }
        const claim = items.find((item) => item.type === 'VariantRef' && item.sku === sku);
        if (claim) {
          learnOwner(sku, claim.productSku as string);
          owners.set(sku, claim.productSku as string);
          next.push(sku);
        }
      }
      unresolved = next;
    }
    return { found, extra };
  }

  return {
    async create(product, variants) {
      const items: TransactItem[] = [
        putNew(tableName, productItem(product)),
        ...(variants.length === 0
          ? [putNew(tableName, { ...keys.stock(product.sku), type: 'Stock', sku: product.sku, ...emptyCounters })]
          : variants.flatMap((variant) => variantItems(tableName, variant))),
        // Last, so a refused claim's index still says which variant (and 1 + 2 × 49 + 1 ≤ 100 items).
        eventRecordPut(tableName, productCreatedEvent(product, variants)),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        const codes = cancellationCodes(error);
        const taken = codes?.indexOf('ConditionalCheckFailed') ?? -1;
        if (taken < 0) throw error;
        // The product's item, or a variant's claim (each variant's two items: claim, then variant).
        throw new ProductExistsError(
          taken === 0 || variants.length === 0
            ? product.sku
            : (variants[Math.floor((taken - 1) / 2)]?.sku ?? product.sku),
        );
      }
    },

    async get(sku, { consistent = false } = {}) {
      const items = await collection(sku, consistent);
      const head = items.find((item) => item.SK === keys.product(sku).SK);
      if (head?.type !== 'VariantRef') return assemble(items);
      learnOwner(sku, head.productSku as string);
      const owner = assemble(await collection(head.productSku as string, consistent));
      return owner ? { ...owner, variantSku: sku } : null;
    },

    async replace(product, expectedVersion) {
      return committedUnlessRefused(db, [
        {
          Put: {
            TableName: tableName,
            Item: productItem(product),
            ConditionExpression: 'attribute_exists(PK) AND version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        eventRecordPut(tableName, productUpdatedEvent(product, null, product.updatedAt)),
      ]);
    },

    async addVariant(product, expectedVersion, variant) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: productItem(product),
                  ConditionExpression: 'attribute_exists(PK) AND version = :expected',
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                },
              },
              ...variantItems(tableName, variant),
              eventRecordPut(tableName, productUpdatedEvent(product, variant, product.updatedAt)),
            ],
          }),
        );
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[1] === 'ConditionalCheckFailed') throw new ProductExistsError(variant.sku);
        if (codes[0] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) return false;
        throw error;
      }
    },

    async replaceVariant(variant, expectedVersion, product) {
      // The variant's own fields only: its stock counters, in the same item, move with checkouts meanwhile.
      const fields = VARIANT_FIELDS.filter((field) => field !== 'sku' && field !== 'productSku');
      return committedUnlessRefused(db, [
        {
          Update: {
            TableName: tableName,
            Key: keys.variant(variant.productSku, variant.sku),
            UpdateExpression: `SET ${fields.map((field) => `#${field} = :${field}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
            ExpressionAttributeNames: Object.fromEntries(fields.map((field) => [`#${field}`, field])),
            ExpressionAttributeValues: {
              ...Object.fromEntries(fields.map((field) => [`:${field}`, variant[field as keyof VariantRecord]])),
              ':expected': expectedVersion,
            },
          },
        },
        eventRecordPut(tableName, productUpdatedEvent(product, variant, variant.updatedAt)),
      ]);
    },

    async sellables(refs) {
      return (await readSellables(refs)).found;
    },

    async sellablesWithShipping(refs) {
      const { found, extra } = await readSellables(refs, [keys.shippingMethods()]);
      return { sellables: found, shippingMethods: toShippingMethodSet(extra[0]).methods };
    },

    async getManyWithStock(skus, { consistent = false } = {}) {
      // Each product with its own stock item in one read (a simple product's is all there is), then
      // the variants of the products that have them.
      const items = await batchGetItems(
        db,
        tableName,
        [...new Set(skus)].flatMap((sku) => [keys.product(sku), keys.stock(sku)]),
        { consistent },
      );
      const stock = new Map(items.filter((item) => item.type === 'Stock').map((item) => [item.sku as string, item]));
      const products = items.filter((item) => item.type === 'Product').map(toProductRecord);
      const withVariants = await withStock(
        products.filter((product) => product.options.length > 0),
        consistent,
      );
      const completed = new Map(withVariants.map((entry) => [entry.product.sku, entry]));
      return products.map((product) => {
        const level = stock.get(product.sku);
        return completed.get(product.sku) ?? { product, stock: level ? toStockLevel(level) : null, variants: [] };
      });
    },

    async listActive({ category, limit, after }) {
      const byCategory = category !== undefined;
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: byCategory ? GSI1 : GSI2,
          KeyConditionExpression: byCategory ? 'GSI1PK = :pk' : 'GSI2PK = :pk',
          ExpressionAttributeValues: {
            ':pk': byCategory ? keys.categoryIndex(category, '').GSI1PK : keys.catalogIndex('').GSI2PK,
          },
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      );
      const items = await withStock((result.Items ?? []).map(toProductRecord), false);
      return { items, next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null };
    },
  };
}

/** Where a sku's stock is kept: its own stock item, its variant's item, or nowhere it may be changed. */
export type StockLocation =
  | { kind: 'stock'; key: { PK: string; SK: string }; level: StockLevel | null }
  | { kind: 'variant-required' }
  | { kind: 'none' };

/**
 * The key of a sku's stock, if this instance has learnt which product the sku belongs to (itself for
 * a simple product): a simple product never gains variants and a variant never changes product, so
 * the key, once known, stays right.
 */
export function knownStockKey(sku: string): { PK: string; SK: string } | undefined {
  const owner = knownOwners.get(sku);
  return owner ? stockKey({ sku, productSku: owner }) : undefined;
}

/**
 * Finds a sku's stock, strongly consistent, with the stock as it is now: a simple product's own
 * stock item (read with its product in one call the first time) or a variant's item. A product with
 * variants has none of its own (`variant-required`).
 */
export async function locateStock(db: DynamoDBDocumentClient, tableName: string, sku: string): Promise<StockLocation> {
  let key = knownStockKey(sku);
  if (!key) {
    const items = await batchGetItems(db, tableName, [keys.product(sku), keys.stock(sku)], { consistent: true });
    const head = items.find((item) => item.SK === keys.product(sku).SK);
    if (!head) return { kind: 'none' };
    if (head.type === 'Product') {
      if (toProductRecord(head).options.length > 0) return { kind: 'variant-required' };
      learnOwner(sku, sku);
      const stock = items.find((item) => item.type === 'Stock');
      return { kind: 'stock', key: keys.stock(sku), level: stock ? toStockLevel(stock) : null };
    }
    learnOwner(sku, head.productSku as string);
    key = knownStockKey(sku) as { PK: string; SK: string };
  }
  const result = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return result.Item ? { kind: 'stock', key, level: toStockLevel(result.Item) } : { kind: 'none' };
}
