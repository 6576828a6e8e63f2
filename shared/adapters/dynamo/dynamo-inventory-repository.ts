import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VariantRequiredError } from '../../domain/catalog/catalog-errors';
import type { InventoryRepository } from '../../domain/inventory/inventory-ports';
import type { StockAdjustment } from '../../domain/inventory/stock';
import { ContentionError } from '../../errors';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { knownStockKey, locateStock } from './dynamo-catalog-repository';
import { cancellationCodes, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

function toAdjustment(item: Record<string, unknown>): StockAdjustment {
  return {
    adjustmentId: item.adjustmentId as string,
    sku: item.sku as string,
    kind: item.kind as StockAdjustment['kind'],
    delta: item.delta as number,
    reason: (item.reason as string | undefined) ?? null,
    onHandBefore: item.onHandBefore as number,
    onHandAfter: item.onHandAfter as number,
    actor: item.actor as string,
    at: item.at as string,
  };
}

export function createDynamoInventoryRepository(db: DynamoDBDocumentClient, tableName: string): InventoryRepository {
  async function located(sku: string) {
    const location = await locateStock(db, tableName, sku);
    if (location.kind === 'variant-required') throw new VariantRequiredError(sku);
    return location.kind === 'stock' ? location : null;
  }

  return {
    async get(sku) {
      return (await located(sku))?.level ?? null;
    },

    async applyAdjustment(adjustment) {
      // The service read the stock first, so its key is known without another read.
      const key = knownStockKey(adjustment.sku) ?? (await located(adjustment.sku))?.key;
      if (!key) return false;
      const ofVariant = key.SK.startsWith(keys.variantPrefix);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: key,
                  // `available` moves with on-hand; reservations made meanwhile stay intact.
                  // A variant's item has its own updatedAt (its fields'); its stock's time is kept beside it.
                  UpdateExpression: `SET onHand = :after, available = :after - reserved, ${ofVariant ? 'stockUpdatedAt' : 'updatedAt'} = :at`,
                  ConditionExpression: 'attribute_exists(PK) AND onHand = :before AND reserved <= :after',
                  ExpressionAttributeValues: {
                    ':after': adjustment.onHandAfter,
                    ':before': adjustment.onHandBefore,
                    ':at': adjustment.at,
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.adjustment(adjustment.sku, adjustment.at, adjustment.adjustmentId),
                    type: 'StockAdjustment',
                    ...adjustment,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.includes('ConditionalCheckFailed') || codes?.includes('TransactionConflict')) return false;
        throw error;
      }
    },

    async setLowStockThreshold(sku, threshold) {
      const key = (await located(sku))?.key;
      if (!key) return null;
      // The item is the one checkouts reserve on: an edit that meets their transaction is tried again.
      return retryOnConflict(
        async () => {
          try {
            const { Attributes } = await db.send(
              new UpdateCommand({
                TableName: tableName,
                Key: key,
                UpdateExpression:
                  threshold === null ? 'REMOVE lowStockThreshold' : 'SET lowStockThreshold = :threshold',
                ConditionExpression: 'attribute_exists(PK)',
                ...(threshold !== null && { ExpressionAttributeValues: { ':threshold': threshold } }),
                ReturnValues: 'ALL_NEW',
              }),
            );
            return {
              sku,
              lowStockThreshold: (Attributes?.lowStockThreshold as number | undefined) ?? null,
              available: Math.max(0, (Attributes?.available as number | undefined) ?? 0),
            };
          } catch (error) {
            if (isConditionFailure(error)) return null;
            if ((error as Error).name === 'TransactionConflictException') return CONFLICT;
            throw error;
          }
        },
        {
          attempts: 8,
          backoff: { baseMs: 10, capMs: 200 },
          exhausted: () => {
            throw new ContentionError(`Stock of ${sku} is changing too fast to set its threshold; try again.`);
          },
        },
      );
    },

    async listAdjustments(sku, { limit, after }) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.stock(sku).PK, ':prefix': keys.adjustmentPrefix },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      );
      return {
        items: (result.Items ?? []).map(toAdjustment),
        next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null,
      };
    },
  };
}
