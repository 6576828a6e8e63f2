import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ProductExistsError } from '../../domain/catalog/catalog-errors';
import type { CatalogRepository, ProductWithStock } from '../../domain/catalog/catalog-ports';
import type { ProductRecord } from '../../domain/catalog/product';
import type { StockLevel } from '../../domain/inventory/stock';
import { batchGetItems } from './batch-get';
import { applied, cancellationCodes } from './dynamo-client';
import { GSI1, GSI2, keys } from './keys';

type Item = Record<string, unknown>;

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

export function createDynamoCatalogRepository(db: DynamoDBDocumentClient, tableName: string): CatalogRepository {
  async function stockFor(skus: string[]): Promise<Map<string, StockLevel>> {
    const items = await batchGetItems(
      db,
      tableName,
      skus.map((sku) => keys.stock(sku)),
    );
    return new Map(items.map((item) => [item.sku as string, toStockLevel(item)]));
  }

  return {
    async create(product) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: productItem(product),
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.stock(product.sku),
                    type: 'Stock',
                    sku: product.sku,
                    onHand: 0,
                    reserved: 0,
                    available: 0,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw new ProductExistsError(product.sku);
        throw error;
      }
    },

    async get(sku, options = {}) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :hash)',
          ExpressionAttributeValues: { ':pk': keys.product(sku).PK, ':hash': '#' },
          ConsistentRead: options.consistent ?? false,
        }),
      );
      const items = result.Items ?? [];
      const product = items.find((item) => item.SK === keys.product(sku).SK);
      if (!product) return null;
      const stock = items.find((item) => item.SK === keys.stock(sku).SK);
      return { product: toProductRecord(product), stock: stock ? toStockLevel(stock) : null };
    },

    async replace(product, expectedVersion) {
      return applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: productItem(product),
            ConditionExpression: 'attribute_exists(PK) AND version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        ),
      );
    },

    async getMany(skus) {
      // BatchGetItem refuses duplicate keys.
      const items = await batchGetItems(
        db,
        tableName,
        [...new Set(skus)].map((sku) => keys.product(sku)),
      );
      return items.map(toProductRecord);
    },

    async getManyWithStock(skus, { consistent = false } = {}) {
      const distinct = [...new Set(skus)];
      const items = await batchGetItems(
        db,
        tableName,
        distinct.flatMap((sku) => [keys.product(sku), keys.stock(sku)]),
        { consistent },
      );
      const stock = new Map(items.filter((item) => item.type === 'Stock').map((item) => [item.sku as string, item]));
      return items
        .filter((item) => item.type === 'Product')
        .map((item) => {
          const product = toProductRecord(item);
          const level = stock.get(product.sku);
          return { product, stock: level ? toStockLevel(level) : null };
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
      const products = (result.Items ?? []).map(toProductRecord);
      const stock = await stockFor(products.map((product) => product.sku));
      const items: ProductWithStock[] = products.map((product) => ({ product, stock: stock.get(product.sku) ?? null }));
      return { items, next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null };
    },
  };
}

/** Reads one stock item (strongly consistent). */
export async function getStockItem(
  db: DynamoDBDocumentClient,
  tableName: string,
  sku: string,
): Promise<StockLevel | null> {
  const result = await db.send(new GetCommand({ TableName: tableName, Key: keys.stock(sku), ConsistentRead: true }));
  return result.Item ? toStockLevel(result.Item) : null;
}
