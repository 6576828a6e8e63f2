import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderAnonymiser } from '../../domain/customers/erasure-ports';
import { applied, isConditionFailure } from './dynamo-client';
import { toOrder } from './dynamo-order-repository';
import { keys } from './keys';
import { queryAllItems } from './query-all';

/**
 * Anonymises orders in place (decision 0005). The personal fields become null rather than absent:
 * the contract shows unset fields as null, and the order reads back through the repository's
 * `toOrder` unchanged. The customer-orders index keys go (a sparse index: the order leaves the
 * customer's list), the status index stays (the shop still counts and lists the order). The order's
 * returns lose their customer and reason too.
 */
export function createDynamoOrderErasure(db: DynamoDBDocumentClient, tableName: string): OrderAnonymiser {
  return {
    async anonymise(order, at) {
      // First the order's returns (their customer and free-text reason), so an order is never
      // anonymised with returns that still name the customer; doing it again is harmless.
      const returns = await queryAllItems(db, {
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.orderReturnsIndex(order.orderId, '', '').GSI1PK },
        ProjectionExpression: 'PK, SK',
      });
      await Promise.all(
        returns.map(({ PK, SK }) =>
          db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { PK, SK },
              UpdateExpression: 'SET #userId = :null, #reason = :erased',
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeNames: { '#userId': 'userId', '#reason': 'reason' },
              ExpressionAttributeValues: { ':null': null, ':erased': '(erased)' },
            }),
          ),
        ),
      );
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.order(order.orderId),
            UpdateExpression:
              'SET #userId = :null, #email = :null, #shippingAddress = :null, #anonymisedAt = :at, #updatedAt = :at ' +
              'REMOVE #gsi1pk, #gsi1sk',
            // As read: a transition that landed since (same-status ones included) makes the caller re-read.
            ConditionExpression: 'attribute_exists(PK) AND #status = :status AND #updatedAt = :seen',
            ExpressionAttributeNames: {
              '#userId': 'userId',
              '#email': 'email',
              '#shippingAddress': 'shippingAddress',
              '#anonymisedAt': 'anonymisedAt',
              '#updatedAt': 'updatedAt',
              '#status': 'status',
              '#gsi1pk': 'GSI1PK',
              '#gsi1sk': 'GSI1SK',
            },
            ExpressionAttributeValues: { ':null': null, ':at': at, ':status': order.status, ':seen': order.updatedAt },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return result.Attributes ? toOrder(result.Attributes) : null;
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },

    async forgetEmptyHolds(sub) {
      const redemptions = await queryAllItems(db, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.profile(sub).PK, ':prefix': keys.customerRedemptionsPrefix },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
      });
      const holds = [keys.pendingOrders(sub), ...redemptions.map(({ PK, SK }) => ({ PK, SK }))];
      await Promise.all(
        holds.map((Key) =>
          // An empty set is no attribute at all in DynamoDB: the record names no order.
          applied(
            db.send(
              new DeleteCommand({ TableName: tableName, Key, ConditionExpression: 'attribute_not_exists(orderIds)' }),
            ),
          ),
        ),
      );
    },
  };
}
