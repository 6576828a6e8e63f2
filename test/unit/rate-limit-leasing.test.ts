import type { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
// The bench's seeded PRNG (mulberry32): a failing seed can be replayed.
import { seededRandom } from '../../bench/lib/stats';
import { createDynamoRateLimiter, maxLeaseBlock } from '../../shared/adapters/dynamo/dynamo-rate-limiter';
import { createCheckoutRateLimit } from '../../shared/domain/rate-limit/checkout-rate-limit';
import type { RateLimiter } from '../../shared/domain/rate-limit/rate-limiter';

/**
 * Quota leasing in the DynamoDB limiter, against an in-memory table that applies the limiter's
 * conditional ADD the way DynamoDB does (test/integration/rate-limits.test.ts runs the same
 * behaviour against DynamoDB Local). Every call to the table yields a seeded random number of
 * event-loop turns first, so the claims of several instances interleave in many orders.
 */

const START = Date.parse('2026-01-01T00:00:00.250Z');
const LEASE = { lease: true } as const;

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

const conditionFailed = (count: number | undefined) =>
  Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    ...(count === undefined ? {} : { Item: { count: { N: String(count) } } }),
  });

/**
 * The counter items and the claims made on them. Only the limiter's own expression is
 * understood: another one fails the test instead of being guessed at.
 */
function simulatedTable(random: () => number = () => 0) {
  const counts = new Map<string, number>();
  /** Every claim sent, in order: its item and units, and whether it was granted. */
  const claims: Array<{ pk: string; units: number; granted: boolean }> = [];
  const send = jest.fn(async (command: UpdateItemCommand) => {
    const { input } = command;
    expect(input.ConditionExpression).toBe('attribute_not_exists(#count) OR #count <= :limitMinusB');
    expect(input.UpdateExpression).toMatch(/^ADD #count :b /);
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    await turns(Math.floor(random() * 4));
    const pk = input.Key?.PK?.S as string;
    const units = Number(input.ExpressionAttributeValues?.[':b']?.N);
    const limitMinusUnits = Number(input.ExpressionAttributeValues?.[':limitMinusB']?.N);
    const count = counts.get(pk);
    const granted = count === undefined || count <= limitMinusUnits;
    claims.push({ pk, units, granted });
    if (!granted) throw conditionFailed(count);
    counts.set(pk, (count ?? 0) + units);
    return {};
  });
  return {
    db: { send } as unknown as DynamoDBClient,
    send,
    claims,
    /** The count of the one counter item written so far. */
    count: () => {
      expect(counts.size).toBe(1);
      return [...counts.values()][0] as number;
    },
    units: () => claims.map((claim) => claim.units),
  };
}

const manualClock = (at = START) => {
  const clock = { at, now: () => new Date(clock.at) };
  return clock;
};

function instance(db: DynamoDBClient, clock = manualClock(), onError = jest.fn()) {
  return createDynamoRateLimiter({ db, tableName: 't', clock, onError });
}

/** `calls` events of one principal on `limiter`, one at a time as a Lambda instance serves them. */
async function serveInTurn(limiter: RateLimiter, calls: number, limit: number, options = LEASE) {
  let admitted = 0;
  for (let i = 0; i < calls; i++)
    if ((await limiter.consume('requests', 'sub:p', limit, 60, options)).allowed) admitted++;
  return admitted;
}

/**
 * `calls` events of one principal on `limiter`, `parallel` at a time (a runtime serving events
 * concurrently): claims of one instance overlap too, with blocks that have grown.
 */
async function serveConcurrently(limiter: RateLimiter, calls: number, limit: number, parallel: number) {
  let started = 0;
  let admitted = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      if ((await limiter.consume('requests', 'sub:p', limit, 60, LEASE)).allowed) admitted++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return admitted;
}

describe('quota leasing: the limit holds across instances', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it.each(seeds)(
    'seed %i: instances serving one principal in any interleaving admit at most the limit, and every unit was claimed in the table',
    async (seed) => {
      const random = seededRandom(seed);
      const table = simulatedTable(random);
      const limit = 1 + Math.floor(random() * 200);
      const instances = 2 + Math.floor(random() * 3);
      const clock = manualClock();
      const limiters = Array.from({ length: instances }, () => instance(table.db, clock));
      const admitted = await Promise.all(
        limiters.map((limiter) => serveInTurn(limiter, Math.ceil((1.5 * limit) / instances) + 1, limit)),
      );
      const total = admitted.reduce((sum, n) => sum + n, 0);
      // The invariant: the table counts every unit handed out and never more than the limit.
      expect(table.count()).toBe(limit);
      expect(total).toBeLessThanOrEqual(limit);
      // The price, bounded: units stranded on instances are under one block each, and no more
      // than the instance used itself.
      expect(total).toBeGreaterThanOrEqual(limit - instances * (maxLeaseBlock(limit) - 1));
      expect(total).toBeGreaterThanOrEqual(Math.ceil(limit / 2));
    },
  );

  it.each(seeds)(
    'seed %i: even instances serving many events at once never admit more than the limit',
    async (seed) => {
      const random = seededRandom(seed);
      const table = simulatedTable(random);
      const limit = 1 + Math.floor(random() * 200);
      const clock = manualClock();
      const limiters = Array.from({ length: 3 }, () => instance(table.db, clock));
      const admitted = await Promise.all(limiters.map((limiter) => serveConcurrently(limiter, limit, limit, 4)));
      expect(table.count()).toBeLessThanOrEqual(limit);
      expect(admitted.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(table.count());
      // Blocks did grow past 1, so the overlapping claims were of several units.
      if (limit >= 8) expect(Math.max(...table.units())).toBeGreaterThan(1);
    },
  );

  it('one instance serving a principal alone admits exactly the limit, then refuses', async () => {
    for (const limit of [1, 2, 3, 4, 5, 7, 50, 99, 1000]) {
      const table = simulatedTable();
      const limiter = instance(table.db);
      expect({ limit, admitted: await serveInTurn(limiter, limit + 3, limit) }).toEqual({ limit, admitted: limit });
      expect(table.count()).toBe(limit);
    }
  });
});

describe('quota leasing: what it costs', () => {
  it('a burst on one instance claims blocks 1, 2, 4, … up to a quarter of the limit, then what is left: O(log limit) writes', async () => {
    const table = simulatedTable();
    const limiter = instance(table.db);
    expect(await serveInTurn(limiter, 1000, 1000)).toBe(1000);
    expect(table.units()).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 250, 250, 250, 245]);
    expect(table.claims.map((claim) => claim.granted)).toEqual([...Array(10).fill(true), false, true]);
    // Refused: one claim finds the window full, later refusals come from memory.
    expect((await limiter.consume('requests', 'sub:p', 1000, 60, LEASE)).allowed).toBe(false);
    expect((await limiter.consume('requests', 'sub:p', 1000, 60, LEASE)).allowed).toBe(false);
    expect(table.send).toHaveBeenCalledTimes(13);
  });

  it('with the default limit of 50 a busy principal costs 8 claims per 50 requests instead of 50 writes', async () => {
    const table = simulatedTable();
    expect(await serveInTurn(instance(table.db), 50, 50)).toBe(50);
    expect(table.units()).toEqual([1, 2, 4, 8, 12, 12, 12, 11]);
  });

  it('a quiet principal (one request per window) costs one write of one unit per request', async () => {
    const table = simulatedTable();
    const clock = manualClock();
    const limiter = instance(table.db, clock);
    for (let window = 0; window < 5; window++) {
      expect((await limiter.consume('requests', 'ip:198.51.100.1', 50, 1, LEASE)).allowed).toBe(true);
      clock.at += 1000;
    }
    expect(table.units()).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(table.claims.map((claim) => claim.pk)).size).toBe(5);
  });

  it('a new window starts afresh: a block of one, and no unit left over from the last window', async () => {
    const table = simulatedTable();
    const clock = manualClock();
    const limiter = instance(table.db, clock);
    for (let i = 0; i < 4; i++) await limiter.consume('requests', 'sub:p', 50, 1, LEASE);
    // Blocks 1, 2, 4 were claimed for 4 events: 3 units are left on this instance...
    expect(table.units()).toEqual([1, 2, 4]);
    clock.at += 1000;
    // ...but they belonged to the window that ended: the next event claims in the new window.
    expect((await limiter.consume('requests', 'sub:p', 50, 1, LEASE)).allowed).toBe(true);
    expect(table.units()).toEqual([1, 2, 4, 1]);
    expect(table.claims[3]?.pk).not.toBe(table.claims[0]?.pk);
  });

  it('without leasing (checkouts) every event is its own claim of one unit: exact counting', async () => {
    const table = simulatedTable();
    const checkouts = createCheckoutRateLimit({ limiter: instance(table.db), checkoutsPerMinute: 20 });
    for (let i = 0; i < 20; i++) await checkouts.consume('customer');
    await expect(checkouts.consume('customer')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(table.units()).toEqual(Array(21).fill(1));
    expect(table.count()).toBe(20);
  });
});

describe('quota leasing: claiming what is left', () => {
  /** A table whose answers the test scripts: undefined grants, a number fails seeing that count. */
  function scriptedTable(answers: Array<number | 'unknown' | undefined>) {
    const send = jest.fn(async (_command: UpdateItemCommand) => {
      const answer = answers.shift();
      if (answer === 'unknown') throw conditionFailed(undefined);
      if (answer !== undefined) throw conditionFailed(answer);
      return {};
    });
    const units = () => send.mock.calls.map(([command]) => Number(command.input.ExpressionAttributeValues?.[':b']?.N));
    return { db: { send } as unknown as DynamoDBClient, send, units };
  }

  it('when another instance claims the rest first, falls back to a single unit, whose refusal is final', async () => {
    // Blocks 1, 2, 4 granted (7 events); the block of 8 does not fit (count 47 of 50), nor do the
    // 3 units left (another instance took 2 meanwhile: 49); one unit does.
    const table = scriptedTable([undefined, undefined, undefined, 47, 49, undefined, 50]);
    const limiter = instance(table.db);
    expect(await serveInTurn(limiter, 8, 50)).toBe(8);
    expect(table.units()).toEqual([1, 2, 4, 8, 3, 1]);
    expect((await limiter.consume('requests', 'sub:p', 50, 60, LEASE)).allowed).toBe(false);
    expect(table.units()).toEqual([1, 2, 4, 8, 3, 1, 8]);
  });

  it('when the refusal does not say the count, asks for a single unit', async () => {
    const table = scriptedTable([undefined, 'unknown', undefined, 'unknown', 'unknown']);
    const limiter = instance(table.db);
    expect(await serveInTurn(limiter, 2, 50)).toBe(2);
    expect(table.units()).toEqual([1, 2, 1]);
    expect((await limiter.consume('requests', 'sub:p', 50, 60, LEASE)).allowed).toBe(false);
    expect(table.units()).toEqual([1, 2, 1, 2, 1]);
  });
});

describe('quota leasing: failing open', () => {
  const throttled = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });

  it('admits and reports when a claim fails, grants no units for it, and counts again once the table answers', async () => {
    const table = simulatedTable();
    let failing = false;
    const send = jest.fn((command: UpdateItemCommand) => (failing ? Promise.reject(throttled) : table.send(command)));
    const onError = jest.fn();
    const limiter = instance({ send } as unknown as DynamoDBClient, manualClock(), onError);
    expect(await serveInTurn(limiter, 3, 50)).toBe(3); // blocks 1 and 2: no unit left
    failing = true;
    expect(await serveInTurn(limiter, 2, 50)).toBe(2);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(throttled, 'requests');
    failing = false;
    expect(await serveInTurn(limiter, 1, 50)).toBe(1);
    // The failed claims added nothing; the next one asks for the block the failures did not get.
    expect(table.units()).toEqual([1, 2, 4]);
    expect(table.count()).toBe(7);
  });

  it('admits and reports when the fallback claim fails after a block did not fit', async () => {
    const send = jest
      .fn()
      .mockResolvedValueOnce({})
      .mockRejectedValueOnce(conditionFailed(49))
      .mockRejectedValueOnce(throttled);
    const onError = jest.fn();
    const limiter = instance({ send } as unknown as DynamoDBClient, manualClock(), onError);
    expect(await serveInTurn(limiter, 2, 50)).toBe(2);
    expect(onError).toHaveBeenCalledWith(throttled, 'requests');
  });
});

describe('quota leasing: memory', () => {
  it('keeps at most the configured number of entries, forgetting the oldest first', async () => {
    const table = simulatedTable();
    const limiter = createDynamoRateLimiter({ db: table.db, tableName: 't', clock: manualClock(), maxTrackedKeys: 3 });
    // Refused in memory (limit 1, second call): asking again costs no write...
    await limiter.consume('requests', 'ip:203.0.113.1', 1, 60, LEASE);
    await limiter.consume('requests', 'ip:203.0.113.1', 1, 60, LEASE);
    expect(table.send).toHaveBeenCalledTimes(2);
    await limiter.consume('requests', 'ip:203.0.113.1', 1, 60, LEASE);
    expect(table.send).toHaveBeenCalledTimes(2);
    for (let i = 2; i <= 20; i++) await limiter.consume('requests', `ip:203.0.113.${i}`, 1, 60, LEASE);
    expect(limiter.trackedKeys()).toBe(3);
    // ...until the entry was pushed out: then the table is asked, and still refuses.
    expect((await limiter.consume('requests', 'ip:203.0.113.1', 1, 60, LEASE)).allowed).toBe(false);
    expect(table.send).toHaveBeenCalledTimes(22);
  });

  it('drops the entries of windows that have ended', async () => {
    const table = simulatedTable();
    const clock = manualClock();
    const limiter = instance(table.db, clock);
    for (let i = 1; i <= 50; i++) await limiter.consume('requests', `ip:203.0.113.${i}`, 50, 1, LEASE);
    await limiter.consume('checkouts', 'sub:customer', 20, 60);
    expect(limiter.trackedKeys()).toBe(51);
    clock.at += 30_000;
    await limiter.consume('requests', 'ip:198.51.100.1', 50, 1, LEASE);
    // The one-second windows ended; the checkout minute has not.
    expect(limiter.trackedKeys()).toBe(2);
  });
});
