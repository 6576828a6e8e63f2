import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ExpiredRecords, RecordKey } from '../../domain/housekeeping/housekeeping-ports';
import type { Clock } from '../../lib/clock';
import { applied, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

/** The item is part of a transaction in flight (a checkout using the cart): it is in use, not abandoned. */
const inTransaction = (error: unknown) => error instanceof Error && error.name === 'TransactionConflictException';

/** Only the primary key of an item: the position of the walk, or what to delete. */
const primaryKey = (key: RecordKey) => ({ PK: key.PK, SK: key.SK });

/**
 * The items of the table whose TTL attribute `expiresAt` (epoch seconds) has passed, found by a
 * scan of the whole table (keys only) with a filter, and the cleanup's cursor (one item). No index
 * is kept for them on purpose: it would add a write to every checkout (idempotency record, rate
 * counters) for the sake of a daily job (see docs/data-model.md, "Housekeeping").
 */
export function createDynamoExpiredRecords(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): ExpiredRecords {
  return {
    async loadCursor() {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.cleanupCursor(), ConsistentRead: true }),
      );
      const item = result.Item;
      return {
        position: (item?.position as RecordKey | undefined) ?? null,
        version: (item?.version as number | undefined) ?? 0,
      };
    },

    async saveCursor(position, expectedVersion) {
      return applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.cleanupCursor(),
              type: 'CleanupCursor',
              ...(position ? { position: primaryKey(position) } : {}),
              version: expectedVersion + 1,
              updatedAt: clock.now().toISOString(),
            },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :expected',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        ),
      );
    },

    async scanExpired({ after, nowSeconds, limit }) {
      const result = await db.send(
        new ScanCommand({
          TableName: tableName,
          // Eventually consistent is enough: the delete re-checks the expiry.
          FilterExpression: '#expiresAt < :now',
          ProjectionExpression: '#pk, #sk',
          ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#pk': 'PK', '#sk': 'SK' },
          ExpressionAttributeValues: { ':now': nowSeconds },
          Limit: limit,
          ...(after ? { ExclusiveStartKey: primaryKey(after) } : {}),
        }),
      );
      return {
        keys: (result.Items ?? []).map(primaryKey),
        scanned: result.ScannedCount ?? 0,
        next: result.LastEvaluatedKey ? primaryKey(result.LastEvaluatedKey) : null,
      };
    },

    async deleteIfExpired(key, nowSeconds) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: primaryKey(key),
            // Refreshed since the scan (a cart changed, a key reused): not expired any more, it stays.
            ConditionExpression: '#expiresAt < :now',
            ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return true;
      } catch (error) {
        // Left for the next pass either way: if it is still expired then, it goes.
        if (isConditionFailure(error) || inTransaction(error)) return false;
        throw error;
      }
    },
  };
}
