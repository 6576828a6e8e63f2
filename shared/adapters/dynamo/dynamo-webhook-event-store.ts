import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProcessedWebhookEvents } from '../../domain/payments/payment-webhook-service';
import type { Clock } from '../../lib/clock';
import { applied } from './dynamo-client';
import { keys } from './keys';

export interface WebhookEventStoreOptions {
  /** How long an applied event id is remembered (gateways redeliver for up to a few days). */
  retentionSeconds: number;
}

/**
 * Applied webhook event ids, one item per id (`WEBHOOK#<id>`), deleted by TTL after the retention.
 * An item past `expiresAt` that TTL has not removed yet still counts: re-applying would be harmless,
 * but there is no reason to.
 */
export function createDynamoWebhookEventStore(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  options: WebhookEventStoreOptions,
): ProcessedWebhookEvents {
  return {
    async seen(eventId) {
      const result = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.webhookEvent(eventId),
          ProjectionExpression: 'PK',
          ConsistentRead: true,
        }),
      );
      return result.Item !== undefined;
    },

    async remember({ id, type, orderId }) {
      const now = clock.now();
      return applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.webhookEvent(id),
              type: 'WebhookEvent',
              eventType: type,
              orderId,
              processedAt: now.toISOString(),
              expiresAt: Math.floor(now.getTime() / 1000) + options.retentionSeconds,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
    },
  };
}
