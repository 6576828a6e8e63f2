import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type FixedWindow,
  fixedWindow,
  type RateLimitDecision,
  type RateLimiter,
} from '../../domain/rate-limit/rate-limiter';
import type { Clock } from '../../lib/clock';
import { logger, metrics } from '../../observability';
import { conditionFailureItem, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

/** How long a counter outlives its window before TTL may delete it (covers clock skew between instances). */
const EXPIRY_MARGIN_SECONDS = 60;
/**
 * Bound on the (rule, principal) entries one instance keeps, leases and remembered refusals
 * alike: a flood of distinct principals must not grow the map forever.
 */
const MAX_TRACKED_KEYS = 10_000;
/** Entries of ended windows are dropped at least this often (a sweep walks the whole map). */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * The largest block one instance claims at once: a quarter of the limit, so one instance cannot
 * hoard a principal's window (and units left unused on it stay a fraction of the budget).
 */
export const maxLeaseBlock = (limit: number) => Math.max(1, Math.floor(limit / 4));

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
  /** Bound on the entries kept in memory (default 10 000); the oldest go first beyond it. */
  maxTrackedKeys?: number;
}

export interface DynamoRateLimiter extends RateLimiter {
  knownRefusal: NonNullable<RateLimiter['knownRefusal']>;
  /** How many (rule, principal, limit) entries this instance holds in memory now. */
  trackedKeys(): number;
}

/** What this instance knows of one (rule, principal, limit) in one window. */
interface Lease {
  /** The window's index: a lease only ever serves its own window. */
  window: number;
  /** When that window ends (epoch ms); the entry is garbage afterwards. */
  endsAtMs: number;
  /** Units claimed in the table and not handed out yet. */
  units: number;
  /** The block the next claim asks for: 1 at first, doubled per granted block, up to the cap. */
  block: number;
  /** The table had no unit left: the count only grows in a window, so refuse from memory until it ends. */
  full: boolean;
}

function reportFailure(error: unknown, rule: string): void {
  logger.warn('rate-limit counter write failed; request allowed (fail open)', { rule, error: error as Error });
  metrics.addMetric('RateLimiterFailures', 'Count', 1);
}

const ALLOWED: RateLimitDecision = { allowed: true, retryAfterSeconds: 0 };

const leaseMemo = (rule: string, principal: string, windowSeconds: number, limit: number) =>
  `${rule}\u0000${principal}\u0000${windowSeconds}\u0000${limit}`;

/**
 * Fixed-window counters in the table, shared by every Lambda instance, with quota leasing
 * (decision 0002).
 *
 * The item's `count` is the number of units handed out to instances in that window. A claim of
 * `b` units is one `ADD count :b` conditioned on `count <= limit - b` (or no count yet, and
 * `b <= limit` always), so **the sum of units claimed for a window never exceeds the limit**,
 * whatever the number of instances and however their claims interleave. An instance admits one
 * event per unit it claimed and never reuses a unit (nor carries one into another window), so
 * the events admitted in a window, across all instances, never exceed the limit either. Units an
 * instance claimed but did not use are lost with the window: the bounded price is that a
 * principal spread over several instances may be refused before reaching the limit, never after.
 * The one exception is failing open: when the table cannot be written, the event is admitted
 * uncounted (reported, see `onError`).
 *
 * Without `lease`, every block is 1: one conditional write per event, exact counting. With it,
 * an instance's block for a (rule, principal) starts at 1 in each window (a principal calling once
 * per window costs one write per call, as without leasing, and never strands a unit) and doubles
 * each time the instance needs another block in that window, up to `maxLeaseBlock(limit)`: a
 * burst of `limit` calls on one instance costs O(log limit) writes. An instance serving one event
 * at a time (Lambda) has used about as many units as a block holds before it claims that block,
 * so units left unused on instances the principal stopped calling are at most
 * `maxLeaseBlock(limit) - 1` per instance and never more than half the limit.
 */
export function createDynamoRateLimiter({
  db,
  tableName,
  clock,
  onError = reportFailure,
  maxTrackedKeys = MAX_TRACKED_KEYS,
}: DynamoRateLimiterOptions): DynamoRateLimiter {
  const leases = new Map<string, Lease>();
  let nextSweepAtMs = 0;

  const dropEnded = (nowMs: number) => {
    for (const [memo, lease] of leases) if (lease.endsAtMs <= nowMs) leases.delete(memo);
  };

  /** This instance's lease of `memo` in `window`: a new one (block 1, no units) if it had none in it. */
  const leaseOf = (memo: string, window: FixedWindow, nowMs: number): Lease => {
    if (nowMs >= nextSweepAtMs) {
      dropEnded(nowMs);
      nextSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
    }
    const found = leases.get(memo);
    if (found?.window === window.index) return found;
    if (found) leases.delete(memo);
    else if (leases.size >= maxTrackedKeys) {
      dropEnded(nowMs);
      // Still full of live windows: forget the oldest. Its unused units are lost (an early refusal
      // at worst) and a remembered refusal costs one more write; neither ever admits too much.
      for (const memo of leases.keys()) {
        if (leases.size < maxTrackedKeys) break;
        leases.delete(memo);
      }
    }
    const lease: Lease = { window: window.index, endsAtMs: window.endsAt * 1000, units: 0, block: 1, full: false };
    leases.set(memo, lease);
    return lease;
  };

  /**
   * One conditional claim of `units` (1 ≤ units ≤ limit). When it does not fit, the count the
   * condition saw (ReturnValuesOnConditionCheckFailure), if DynamoDB sent it.
   */
  const claim = async (
    key: { PK: string; SK: string },
    units: number,
    limit: number,
    window: FixedWindow,
  ): Promise<{ granted: true } | { granted: false; count: number | undefined }> => {
    try {
      await db.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { PK: { S: key.PK }, SK: { S: key.SK } },
          UpdateExpression: 'ADD #count :b SET #type = :type, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#count) OR #count <= :limitMinusB',
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':b': { N: String(units) },
            ':limitMinusB': { N: String(limit - units) },
            ':type': { S: 'RateCounter' },
            ':expiresAt': { N: String(window.endsAt + EXPIRY_MARGIN_SECONDS) },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { granted: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const seen = conditionFailureItem(error)?.count?.N;
      return { granted: false, count: seen === undefined ? undefined : Number(seen) };
    }
  };

  /**
   * Claims units for one event: the whole block if it fits; else what the failed condition says
   * is left; else (another instance claimed in between) a single unit, whose refusal means the
   * count has reached the limit. At most three writes. Returns the units claimed (one of them is
   * this event's), or 0 when the window is full.
   */
  const claimUnits = async (key: { PK: string; SK: string }, block: number, limit: number, window: FixedWindow) => {
    let units = block;
    for (let attempt = 1; ; attempt++) {
      const outcome = await claim(key, units, limit, window);
      if (outcome.granted) return units;
      if (units === 1) return 0;
      const left = outcome.count === undefined ? 1 : limit - outcome.count;
      if (left <= 0) return 0;
      units = attempt === 1 ? Math.min(left, units - 1) : 1;
    }
  };

  return {
    async consume(rule, principal, limit, windowSeconds, options = {}) {
      const now = clock.now();
      const window = fixedWindow(now, windowSeconds);
      const refused = { allowed: false, retryAfterSeconds: window.retryAfterSeconds };
      const budget = Math.floor(limit);
      if (!(budget >= 1)) return refused;
      const lease = leaseOf(leaseMemo(rule, principal, windowSeconds, limit), window, now.getTime());
      if (lease.units > 0) {
        lease.units -= 1;
        return ALLOWED;
      }
      if (lease.full) return refused;
      const cap = options.lease ? maxLeaseBlock(budget) : 1;
      const block = Math.min(lease.block, cap);
      try {
        const claimed = await claimUnits(keys.rateLimit(rule, principal, window.index), block, budget, window);
        if (claimed === 0) {
          lease.full = true;
          return refused;
        }
        // One unit is this event's; the rest serve this principal's next events on this instance.
        lease.units += claimed - 1;
        if (claimed === block) lease.block = Math.min(cap, Math.max(lease.block, block * 2));
        return options.lease ? ALLOWED : { ...ALLOWED, countedIn: window.index };
      } catch (error) {
        onError(error, rule);
        return ALLOWED;
      }
    },
    knownRefusal(rule, principal, limit, windowSeconds) {
      const window = fixedWindow(clock.now(), windowSeconds);
      const lease = leases.get(leaseMemo(rule, principal, windowSeconds, limit));
      if (lease?.window !== window.index || !lease.full || lease.units > 0) return undefined;
      return { allowed: false, retryAfterSeconds: window.retryAfterSeconds };
    },
    async giveBack(rule, principal, windowSeconds, countedIn) {
      const key = keys.rateLimit(rule, principal, countedIn);
      try {
        await db.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { PK: { S: key.PK }, SK: { S: key.SK } },
            UpdateExpression: 'ADD #count :minusOne',
            // Never below zero, and never onto a counter TTL already deleted (ADD would recreate it).
            ConditionExpression: '#count >= :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': { N: '-1' }, ':one': { N: '1' } },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return;
        logger.warn('rate-limit give-back failed; the event stays counted', {
          rule,
          windowSeconds,
          error: error as Error,
        });
        metrics.addMetric('RateLimiterFailures', 'Count', 1);
      }
    },
    trackedKeys: () => leases.size,
  };
}
