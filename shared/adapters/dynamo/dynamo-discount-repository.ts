import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Discount } from '../../domain/discounts/discount';
import { DiscountExistsError } from '../../domain/discounts/discount-errors';
import type { DiscountRepository } from '../../domain/discounts/discount-ports';
import { isConditionFailure } from './dynamo-client';
import { GSI1, keys } from './keys';

type Item = Record<string, unknown>;

/**
 * Unset limits are left out of the item rather than stored as null, so that checkout's
 * redemption condition can read `attribute_not_exists(maxRedemptions) OR redemptions < maxRedemptions`.
 */
function discountItem(discount: Discount): Item {
  const set = Object.fromEntries(Object.entries(discount).filter(([, value]) => value !== null));
  return { ...keys.discount(discount.code), ...keys.discountIndex(discount.code), type: 'Discount', ...set };
}

function toDiscount(item: Item): Discount {
  return {
    code: item.code as string,
    percentOff: (item.percentOff as number | undefined) ?? null,
    amountOff: (item.amountOff as number | undefined) ?? null,
    validFrom: (item.validFrom as string | undefined) ?? null,
    validUntil: (item.validUntil as string | undefined) ?? null,
    maxRedemptions: (item.maxRedemptions as number | undefined) ?? null,
    maxRedemptionsPerCustomer: (item.maxRedemptionsPerCustomer as number | undefined) ?? null,
    redemptions: item.redemptions as number,
    createdAt: item.createdAt as string,
  };
}

export function createDynamoDiscountRepository(db: DynamoDBDocumentClient, tableName: string): DiscountRepository {
  return {
    async create(discount) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: discountItem(discount),
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) {
          throw new DiscountExistsError(discount.code);
        }
        throw error;
      }
    },

    async get(code) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.discount(code), ConsistentRead: true }),
      );
      return result.Item ? toDiscount(result.Item) : null;
    },

    async list({ limit, after }) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.discountIndex('').GSI1PK },
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      );
      return {
        items: (result.Items ?? []).map(toDiscount),
        next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null,
      };
    },
  };
}
