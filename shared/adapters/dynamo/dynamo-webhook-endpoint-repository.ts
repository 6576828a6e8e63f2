import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { WebhookEndpoint, WebhookEndpointRepository } from '../../domain/webhooks/webhook-endpoint';
import { ContentionError } from '../../errors';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { cancellationCodes } from './dynamo-client';
import { keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const toEndpoint = ({ id, url, events, description, createdAt }: Record<string, unknown>) =>
  ({ id, url, events, description, createdAt }) as WebhookEndpoint;

/**
 * The shop's webhook endpoints: a few items in one partition (read whole, by every delivery), and a
 * count beside them that the create and the delete keep in their transactions, so the limit holds
 * under concurrent creates.
 */
export function createDynamoWebhookEndpointRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): WebhookEndpointRepository {
  const count = keys.webhookEndpointCount();

  /**
   * One transaction: true when it committed, false when its first item's condition refused it, and
   * CONFLICT when another transaction on the count got there first (worth trying again).
   */
  async function commit(items: TransactItem[]): Promise<boolean | typeof CONFLICT> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return false;
      if (codes?.includes('TransactionConflict') || (error as Error).name === 'TransactionConflictException')
        return CONFLICT;
      throw error;
    }
  }

  /** Changes at once contend for the count: a transaction that lost the race is tried again. */
  const withRetries = (items: () => TransactItem[]) =>
    retryOnConflict(() => commit(items()), {
      attempts: 8,
      backoff: { baseMs: 10, capMs: 200 },
      exhausted: () => {
        throw new ContentionError('Too many webhook endpoints are being changed at once; try again in a moment.');
      },
    });

  return {
    create: (endpoint, max) =>
      withRetries(() => [
        {
          Update: {
            TableName: tableName,
            Key: count,
            UpdateExpression: 'SET endpoints = if_not_exists(endpoints, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(endpoints) OR endpoints < :max',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': max },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...keys.webhookEndpoint(endpoint.id), type: 'WebhookEndpoint', ...endpoint },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]),

    async get(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.webhookEndpoint(id), ConsistentRead: true }),
      );
      return Item ? toEndpoint(Item) : null;
    },

    async list() {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :endpoint)',
          ExpressionAttributeValues: {
            ':pk': keys.webhookEndpoint('').PK,
            ':endpoint': keys.webhookEndpoint('').SK,
          },
          ConsistentRead: true,
        }),
      );
      return (result.Items ?? [])
        .map(toEndpoint)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },

    delete: (id) =>
      withRetries(() => [
        {
          Delete: { TableName: tableName, Key: keys.webhookEndpoint(id), ConditionExpression: 'attribute_exists(PK)' },
        },
        {
          Update: {
            TableName: tableName,
            Key: count,
            UpdateExpression: 'SET endpoints = endpoints - :one',
            ConditionExpression: 'endpoints > :zero',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
          },
        },
      ]),
  };
}
