import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fixedWindow, type RateLimitDecision, type RateLimiter } from '../../domain/rate-limit/rate-limiter';
import type { Clock } from '../../lib/clock';
import { logger, metrics } from '../../observability';
import { keys } from './keys';

/** How long a counter outlives its window before TTL may delete it (covers clock skew between instances). */
const EXPIRY_MARGIN_SECONDS = 60;
/** Bound on the refusals remembered per instance (a flood of distinct principals must not grow it forever). */
const MAX_REMEMBERED_REFUSALS = 10_000;

export interface DynamoRateLimiterOptions {
  /**
   * The low-level client, not the document client: functions that use no other item (health,
   * docs, the fallback) then need no marshalling library in their bundle (bundle-size target).
   */
  db: DynamoDBClient;
  tableName: string;
  clock: Clock;
  /**
   * Told about a failed counter write; the request is then allowed (fail open, see decision 0002).
   * Default: a warning in the logs and the `RateLimiterFailures` metric.
   */
  onError?: (error: unknown, rule: string) => void;
}

function reportFailure(error: unknown, rule: string): void {
  logger.warn('rate-limit counter write failed; request allowed (fail open)', { rule, error: error as Error });
  metrics.addMetric('RateLimiterFailures', 'Count', 1);
}

const ALLOWED: RateLimitDecision = { allowed: true, retryAfterSeconds: 0 };

/**
 * Fixed-window counters in the table: one conditional `ADD` per event, so every Lambda instance
 * counts against the same item and a refusal costs no count.
 */
export function createDynamoRateLimiter({
  db,
  tableName,
  clock,
  onError = reportFailure,
}: DynamoRateLimiterOptions): RateLimiter {
  // A window's count only grows, so once refused a principal stays refused until the window ends:
  // later calls on this instance answer from memory, sparing the write (and a hot key under abuse).
  const refusedIn = new Map<string, number>();

  return {
    async consume(rule, principal, limit, windowSeconds) {
      const window = fixedWindow(clock.now(), windowSeconds);
      const refused = { allowed: false, retryAfterSeconds: window.retryAfterSeconds };
      const memo = `${rule}\u0000${principal}\u0000${windowSeconds}\u0000${limit}`;
      if (refusedIn.get(memo) === window.index) return refused;
      try {
        const key = keys.rateLimit(rule, principal, window.index);
        await db.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { PK: { S: key.PK }, SK: { S: key.SK } },
            UpdateExpression: 'ADD #count :one SET #type = :type, #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':limit': { N: String(limit) },
              ':type': { S: 'RateCounter' },
              ':expiresAt': { N: String(window.endsAt + EXPIRY_MARGIN_SECONDS) },
            },
          }),
        );
        return ALLOWED;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
          if (refusedIn.size >= MAX_REMEMBERED_REFUSALS) refusedIn.clear();
          refusedIn.set(memo, window.index);
          return refused;
        }
        onError(error, rule);
        return ALLOWED;
      }
    },
  };
}
