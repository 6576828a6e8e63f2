import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ErasureLog } from '../../domain/customers/erasure-ports';
import { keys } from './keys';

/**
 * Longer than any redelivery of an erasure message: SQS keeps a message at most 14 days (its
 * retention counts from the first enqueue, also through the dead-letter queue).
 */
export const ERASURE_LOG_RETENTION_SECONDS = 15 * 24 * 60 * 60;

/** Finished erasure requests, in the customer's item collection; DynamoDB's TTL removes them. */
export function createDynamoErasureLog(db: DynamoDBDocumentClient, tableName: string): ErasureLog {
  return {
    async isDone({ sub, requestedAt }) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.erasure(sub, requestedAt), ConsistentRead: true }),
      );
      return result.Item !== undefined;
    },

    async markDone({ sub, requestedAt }, at) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          // No e-mail, name or address: only the pseudonymous id and when.
          Item: {
            ...keys.erasure(sub, requestedAt),
            type: 'ErasureDone',
            requestedAt,
            doneAt: at,
            expiresAt: Math.floor(Date.parse(at) / 1000) + ERASURE_LOG_RETENTION_SECONDS,
          },
        }),
      );
    },
  };
}
