import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ShippingMethodRepository, ShippingMethodSet } from '../../domain/shipping/shipping-method';
import { applied } from './dynamo-client';
import { keys } from './keys';

/** The shop's shipping methods as stored: one item, `{ methods, version }`. */
export function toShippingMethodSet(item: Record<string, unknown> | undefined): ShippingMethodSet {
  if (!item) return { methods: [], version: 0 };
  return { methods: (item.methods as ShippingMethodSet['methods']) ?? [], version: item.version as number };
}

export function createDynamoShippingMethodRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): ShippingMethodRepository {
  return {
    async get({ consistent = false } = {}) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.shippingMethods(), ConsistentRead: consistent }),
      );
      return toShippingMethodSet(result.Item);
    },

    save(methods, expectedVersion) {
      return applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.shippingMethods(), type: 'ShippingMethods', methods, version: expectedVersion + 1 },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : '#version = :expected',
            ...(expectedVersion !== 0 && {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
          }),
        ),
      );
    },
  };
}
