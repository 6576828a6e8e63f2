import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { IdempotencyRecordEraser } from '../../domain/customers/erasure-ports';
import type { IdempotencyLease, IdempotencyStore, StoredResponse } from '../../domain/idempotency/idempotency';
import type { Clock } from '../../lib/clock';
import { applied, conditionFailureItem, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

/**
 * The write that completes a claim with its response, conditional on the claim still being ours.
 * Sent alone (a refused checkout) or as one item of the order's transaction.
 */
export function completionUpdate(tableName: string, lease: IdempotencyLease, response: StoredResponse) {
  return {
    TableName: tableName,
    Key: keys.idempotency(lease.scope, lease.key),
    UpdateExpression: 'SET #status = :completed, #response = :response REMOVE lockedUntil',
    ConditionExpression: '#status = :inProgress AND #token = :token',
    ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
    ExpressionAttributeValues: {
      ':completed': 'COMPLETED',
      ':inProgress': 'IN_PROGRESS',
      ':token': lease.token,
      ':response': response,
    },
  };
}

export interface IdempotencyOptions {
  /** How long a key is remembered (the contract: at least 24 h). */
  retentionSeconds: number;
  /** How long a claim blocks the key; longer than any request can run, so a live request is never overtaken. */
  lockSeconds: number;
}

/**
 * Idempotency records in the single table, in the customer's item collection (`CUSTOMER#<sub>`):
 * spread like the customers, and found by customer when they are erased.
 * A claim is a conditional put; a crashed request's claim expires after `lockSeconds`, and only
 * a request with the same body may take it over.
 */
export function createDynamoIdempotencyStore(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  options: IdempotencyOptions,
): IdempotencyStore {
  return {
    async begin(scope, key, fingerprint) {
      const now = clock.now().getTime();
      const token = randomUUID();
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.idempotency(scope, key),
              type: 'Idempotency',
              status: 'IN_PROGRESS',
              fingerprint,
              token,
              lockedUntil: now + options.lockSeconds * 1000,
              createdAt: new Date(now).toISOString(),
              expiresAt: Math.floor(now / 1000) + options.retentionSeconds,
            },
            // Free, expired (TTL deletion lags), or a crashed claim on the same body.
            ConditionExpression:
              'attribute_not_exists(PK) OR expiresAt < :nowSeconds OR ' +
              '(#status = :inProgress AND lockedUntil < :now AND fingerprint = :fingerprint)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':nowSeconds': Math.floor(now / 1000),
              ':now': now,
              ':inProgress': 'IN_PROGRESS',
              ':fingerprint': fingerprint,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { outcome: 'acquired', lease: { scope, key, token } };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const raw = conditionFailureItem(error);
        const existing: Record<string, unknown> = raw ? unmarshall(raw) : {};
        if (existing.fingerprint !== fingerprint) return { outcome: 'mismatch' };
        if (existing.status === 'COMPLETED')
          return { outcome: 'replay', response: existing.response as StoredResponse };
        return { outcome: 'in-progress' };
      }
    },

    async complete(lease, response) {
      await db.send(new UpdateCommand(completionUpdate(tableName, lease, response)));
    },

    async release(lease) {
      // Refused when it is someone else's record by now (our claim expired and was taken over).
      await applied(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.idempotency(lease.scope, lease.key),
            ConditionExpression: '#status = :inProgress AND #token = :token',
            ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
            ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':token': lease.token },
          }),
        ),
      );
    },
  };
}

/** Conditional deletes in flight at once while erasing a customer's records. */
const ERASE_CONCURRENCY = 16;

/**
 * Erasure of a customer's stored checkout responses (decision 0005), over one strongly consistent
 * Query of the customer's item collection for the idempotency records (paginated). `survey` reads
 * the records created at or before the request; `deleteCompleted` deletes each completed one,
 * conditional on it being COMPLETED and created at or before the erasure was requested. The
 * condition is checked again at the delete: a record that expired and was claimed anew by a later
 * checkout in the meantime is not ours to delete. A refused condition is skipped.
 */
export function createDynamoIdempotencyEraser(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  options: { pageSize?: number } = {},
): IdempotencyRecordEraser {
  /** Every page of the customer's records matching `filter` (names and values as the query's). */
  async function* recordsOf(
    sub: string,
    filter: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
    projection: string,
  ) {
    let position: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: filter.expression,
          ProjectionExpression: projection,
          ExpressionAttributeNames: { ...filter.names, '#pk': 'PK', '#sk': 'SK' },
          ExpressionAttributeValues: {
            ...filter.values,
            ':pk': keys.idempotency(sub, '').PK,
            ':prefix': keys.idempotencyPrefix,
          },
          // A checkout completed just before the request must be seen.
          ConsistentRead: true,
          // Unset: DynamoDB's 1 MB pages (tests set a small page to walk several).
          ...(options.pageSize ? { Limit: options.pageSize } : {}),
          ExclusiveStartKey: position,
        }),
      );
      yield page.Items ?? [];
      position = page.LastEvaluatedKey;
    } while (position);
  }

  // Same format as the records' `createdAt` (toISOString), so the strings compare as times.
  const createdUpTo = (at: string) => ({
    names: { '#createdAt': 'createdAt' },
    values: { ':upTo': new Date(at).toISOString() },
  });

  return {
    async survey(sub, upTo) {
      const created = createdUpTo(upTo);
      const now = clock.now().getTime();
      const survey = { completed: [] as StoredResponse[], running: 0 };
      const pages = recordsOf(
        sub,
        {
          expression: '#createdAt <= :upTo',
          names: { ...created.names, '#status': 'status', '#response': 'response' },
          values: created.values,
        },
        '#status, lockedUntil, #response',
      );
      for await (const items of pages) {
        for (const item of items) {
          if (item.status === 'COMPLETED') survey.completed.push(item.response as StoredResponse);
          else if (item.status === 'IN_PROGRESS' && Number(item.lockedUntil) >= now) survey.running++;
        }
      }
      return survey;
    },

    async deleteCompleted(sub, upTo) {
      const created = createdUpTo(upTo);
      const condition = {
        ConditionExpression: '#status = :completed AND #createdAt <= :upTo',
        ExpressionAttributeNames: { '#status': 'status', ...created.names },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ...created.values },
      };
      let deleted = 0;
      const pages = recordsOf(
        sub,
        // The filter only saves transfer; the delete's condition is what protects the others.
        {
          expression: condition.ConditionExpression,
          names: condition.ExpressionAttributeNames,
          values: condition.ExpressionAttributeValues,
        },
        '#pk, #sk',
      );
      for await (const items of pages) {
        const found = items.map((item) => ({ PK: item.PK as string, SK: item.SK as string }));
        for (let start = 0; start < found.length; start += ERASE_CONCURRENCY) {
          const outcomes = await Promise.all(
            // Refused when gone already (TTL, cleanup, a concurrent erasure) or claimed anew by a later checkout.
            found
              .slice(start, start + ERASE_CONCURRENCY)
              .map((Key) => applied(db.send(new DeleteCommand({ TableName: tableName, Key, ...condition })))),
          );
          deleted += outcomes.filter(Boolean).length;
        }
      }
      return deleted;
    },
  };
}
