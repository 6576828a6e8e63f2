import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DueWork, Work, WorkOutbox, WorkQueueName, WorkRef, WorkTrace } from '../../domain/orders/order-work';
import { traceAttributes, traceOf } from '../../trace-context';
import { applied } from './dynamo-client';
import { GSI1, keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const OUTBOX_SHARD_COUNT = 8;
/** Spreads work records over a few index partitions; the reconcile job reads them all. */
export const outboxShard = (orderId: string) =>
  (createHash('sha256').update(orderId).digest()[0] ?? 0) % OUTBOX_SHARD_COUNT;

/** A work record as stored, with the trace it belongs to (the current one, or the work's own). */
function workRecordItem(work: Work, createdAt: string, dueAt: string) {
  return {
    ...(work.trace ?? traceAttributes()),
    ...keys.outbox(work.orderId, work.kind),
    ...keys.outboxIndex(outboxShard(work.orderId), createdAt, work.orderId, work.kind),
    type: 'WorkRecord',
    orderId: work.orderId,
    kind: work.kind,
    queue: work.queue,
    message: work.message,
    createdAt,
    dueAt,
  };
}

const QUEUE_NAMES: readonly string[] = ['payment', 'fulfilment', 'notification'] satisfies WorkQueueName[];

/**
 * The work of an item image from the table's stream (DynamoDB JSON, as Lambda hands it over):
 * `undefined` for an item that is not a work record, `'malformed'` for a work record whose fields
 * are not what `workRecordItem` writes.
 */
export function workOfStreamImage(image: Record<string, unknown>): Work | 'malformed' | undefined {
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch {
    return 'malformed';
  }
  if (item.type !== 'WorkRecord') return undefined;
  const { orderId, kind, queue, message } = item;
  const wellFormed =
    typeof orderId === 'string' &&
    typeof kind === 'string' &&
    typeof queue === 'string' &&
    QUEUE_NAMES.includes(queue) &&
    typeof message === 'object' &&
    message !== null &&
    (message as { orderId?: unknown }).orderId === orderId;
  return wellFormed ? ({ orderId, kind, queue, message, ...traceOfItem(item) } as Work) : 'malformed';
}

/** The trace a work record stored, as its work carries it on. */
function traceOfItem(item: Record<string, unknown>): { trace?: WorkTrace } {
  const trace = traceOf({ correlationId: item.correlationId, traceHeader: item.traceHeader });
  return trace ? { trace } : {};
}

/** The Put of a new work record, for the transaction that starts the work. */
export function workRecordPut(tableName: string, work: Work, createdAt: string, dueAt: string): TransactItem {
  return { Put: { TableName: tableName, Item: workRecordItem(work, createdAt, dueAt) } };
}

/** The Delete of a work record, for the transaction that completes the work (absent records are fine). */
export function workRecordDelete(tableName: string, work: WorkRef): TransactItem {
  return { Delete: { TableName: tableName, Key: keys.outbox(work.orderId, work.kind) } };
}

export function createDynamoWorkOutbox(db: DynamoDBDocumentClient, tableName: string): WorkOutbox {
  async function dueInShard(shard: number, dueBefore: string, limit: number): Promise<DueWork[]> {
    const work: DueWork[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1,
          // Records are deleted when their work is done, so the index holds little besides work in flight.
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
          FilterExpression: 'dueAt < :before',
          ExpressionAttributeValues: { ':pk': keys.outboxIndex(shard, '', '', '').GSI1PK, ':before': dueBefore },
          ExclusiveStartKey: after,
        }),
      );
      for (const item of result.Items ?? [])
        work.push({
          orderId: item.orderId,
          kind: item.kind,
          queue: item.queue,
          message: item.message,
          dueAt: item.dueAt,
          ...traceOfItem(item),
        } as DueWork);
      after = result.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (after && work.length < limit);
    return work;
  }

  return {
    async add(work, { createdAt, dueAt }) {
      const Item = workRecordItem(work, createdAt, dueAt);
      await applied(
        db.send(new PutCommand({ TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' })),
      );
    },

    async due({ dueBefore, limit }) {
      const shards = Array.from({ length: OUTBOX_SHARD_COUNT }, (_, shard) => dueInShard(shard, dueBefore, limit));
      const all = (await Promise.all(shards)).flat();
      return all.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, limit);
    },

    async sent(work, nextDueAt) {
      await applied(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbox(work.orderId, work.kind),
            // Only `dueAt` changes, not the index key: moving the key would cost an index delete and put.
            UpdateExpression: 'SET dueAt = :due ADD sends :one',
            // Done meanwhile (the worker was quicker than this write): it must not come back.
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: {
              ':due': nextDueAt,
              ':one': 1,
            },
          }),
        ),
      );
    },

    async claim(work, { now, until }) {
      const claimed = await applied(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbox(work.orderId, work.kind),
            UpdateExpression: 'SET claimedUntil = :until',
            ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
            ExpressionAttributeValues: { ':until': until, ':now': now },
          }),
        ),
      );
      if (claimed) return 'claimed';
      const current = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.outbox(work.orderId, work.kind), ConsistentRead: true }),
      );
      return current.Item ? 'busy' : 'done';
    },

    async release(work) {
      await applied(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbox(work.orderId, work.kind),
            UpdateExpression: 'REMOVE claimedUntil',
            ConditionExpression: 'attribute_exists(PK)',
          }),
        ),
      );
    },

    async complete(work) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.outbox(work.orderId, work.kind) }));
    },

    async park(work, { at, reason }) {
      // Out of the index the reconcile job reads (its key goes), kept in the table for the shop.
      await applied(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbox(work.orderId, work.kind),
            UpdateExpression: 'REMOVE GSI1PK, GSI1SK, claimedUntil SET parkedAt = :at, parkedReason = :reason',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': at, ':reason': reason },
          }),
        ),
      );
    },
  };
}
