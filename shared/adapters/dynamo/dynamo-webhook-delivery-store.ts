import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookDelivery, WebhookDeliveryStore } from '../../domain/webhooks/webhook-delivery';
import { applied, conditionFailureItem, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

/** How long a delivery's record (and its copy of the event) is kept after its last change. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

const FIELDS = [
  'endpointId',
  'eventId',
  'eventType',
  'status',
  'attempts',
  'round',
  'firstAttemptAt',
  'nextAttemptAt',
  'createdAt',
  'updatedAt',
] as const;

const toDelivery = (item: Record<string, unknown>): WebhookDelivery => {
  const delivery = Object.fromEntries(FIELDS.map((field) => [field, item[field] ?? null]));
  return { ...delivery, event: JSON.parse(item.body as string) } as unknown as WebhookDelivery;
};

const expiry = (at: string) => Math.floor(Date.parse(at) / 1000) + DELIVERY_RETENTION_SECONDS;

/**
 * Deliveries in the endpoint's partition (`WEBHOOKENDPOINT#<id>` / `DELIVERY#<eventId>`, event ids
 * sort by time), so one Query lists them newest first. The lease (`leaseUntil`) makes sure one
 * attempt at a time: a duplicate message finds the delivery busy, or done.
 */
export function createDynamoWebhookDeliveryStore(db: DynamoDBDocumentClient, tableName: string): WebhookDeliveryStore {
  const update = (
    ref: { endpointId: string; eventId: string },
    input: Omit<UpdateCommand['input'], 'TableName' | 'Key'>,
  ) =>
    db.send(
      new UpdateCommand({ TableName: tableName, Key: keys.webhookDelivery(ref.endpointId, ref.eventId), ...input }),
    );

  async function release(ref: { endpointId: string; eventId: string }): Promise<void> {
    await applied(update(ref, { UpdateExpression: 'REMOVE leaseUntil', ConditionExpression: 'attribute_exists(PK)' }));
  }

  return {
    async claim({ endpointId, event }, { now, leaseUntil }) {
      try {
        const { Attributes } = await update(
          { endpointId, eventId: event.id },
          {
            UpdateExpression:
              'SET #type = :type, endpointId = :endpointId, eventId = :eventId, eventType = :eventType, ' +
              '#body = if_not_exists(#body, :body), #status = if_not_exists(#status, :pending), ' +
              'attempts = if_not_exists(attempts, :none), createdAt = if_not_exists(createdAt, :now), ' +
              'updatedAt = if_not_exists(updatedAt, :now), #round = if_not_exists(#round, :zero), ' +
              'leaseUntil = :leaseUntil, expiresAt = :expiresAt',
            // Not while another attempt holds it, nor before its next attempt is due (a duplicate
            // message keeps to the backoff).
            ConditionExpression:
              'attribute_not_exists(PK) OR ((#status = :pending OR #status = :retrying) AND ' +
              '(attribute_not_exists(leaseUntil) OR leaseUntil <= :now) AND ' +
              '(attribute_not_exists(nextAttemptAt) OR attribute_type(nextAttemptAt, :null) OR nextAttemptAt <= :now))',
            ExpressionAttributeNames: { '#type': 'type', '#body': 'body', '#status': 'status', '#round': 'round' },
            ExpressionAttributeValues: {
              ':type': 'WebhookDelivery',
              ':endpointId': endpointId,
              ':eventId': event.id,
              ':eventType': event.type,
              // The event as JSON text, so every attempt sends the same bytes.
              ':body': JSON.stringify(event),
              ':pending': 'PENDING',
              ':retrying': 'RETRYING',
              ':zero': 0,
              ':null': 'NULL',
              ':none': [],
              ':now': now,
              ':leaseUntil': leaseUntil,
              ':expiresAt': expiry(now),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        );
        return { state: 'claimed', delivery: toDelivery(Attributes ?? {}) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const old = conditionFailureItem(error);
        const status = old?.status?.S;
        if (status === 'SUCCEEDED' || status === 'FAILED') return { state: 'done' };
        const until = [old?.leaseUntil?.S, old?.nextAttemptAt?.S]
          .filter((at): at is string => at !== undefined)
          .map((at) => Date.parse(at));
        return { state: 'busy', untilMs: Math.max(Date.parse(now) + 1000, ...until) };
      }
    },

    async recordAttempt(ref, attempts, { status, nextAttemptAt, firstAttemptAt }) {
      const at = attempts.at(-1)?.at ?? firstAttemptAt;
      const stored = await applied(
        update(ref, {
          UpdateExpression:
            'SET attempts = :attempts, #status = :status, nextAttemptAt = :next, firstAttemptAt = :first, ' +
            'updatedAt = :at, expiresAt = :expiresAt REMOVE leaseUntil',
          // Only in the round it was claimed in: a manual retry meanwhile starts over.
          ConditionExpression: '#round = :round',
          ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
          ExpressionAttributeValues: {
            ':attempts': attempts,
            ':status': status,
            ':next': nextAttemptAt,
            ':first': firstAttemptAt,
            ':at': at,
            ':expiresAt': expiry(at),
            ':round': ref.round,
          },
        }),
      );
      if (!stored) await release(ref);
      return stored;
    },

    release,

    async get(ref) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.webhookDelivery(ref.endpointId, ref.eventId),
          ConsistentRead: true,
        }),
      );
      return Item ? toDelivery(Item) : null;
    },

    async list(endpointId, { limit, after }) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :delivery)',
          ExpressionAttributeValues: {
            ':pk': keys.webhookDelivery(endpointId, '').PK,
            ':delivery': keys.webhookDeliveryPrefix,
          },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      );
      return {
        items: (result.Items ?? []).map(toDelivery),
        next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null,
      };
    },

    async restart(ref, now) {
      try {
        const { Attributes } = await update(ref, {
          // A new round: an attempt of the old one still in flight stores nothing (recordAttempt).
          UpdateExpression:
            'SET #status = :pending, updatedAt = :now, expiresAt = :expiresAt ADD #round :one ' +
            'REMOVE firstAttemptAt, nextAttemptAt',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':now': now, ':expiresAt': expiry(now), ':one': 1 },
          ReturnValues: 'ALL_NEW',
        });
        return toDelivery(Attributes ?? {});
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },
  };
}
