import { randomBytes } from 'node:crypto';
import { DynamoDBClient, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoRateLimiter, maxLeaseBlock } from '../../shared/adapters/dynamo/dynamo-rate-limiter';
import { keys } from '../../shared/adapters/dynamo/keys';
import { fixedWindow, type RateLimiter } from '../../shared/domain/rate-limit/rate-limiter';
import { tableName, testDocumentClient } from '../support/integration';

/**
 * Quota leasing against DynamoDB Local. Each limiter is one Lambda instance: its own SDK client
 * (connection pool) and memory, sharing only the table. Every client records the claims it sends
 * (`:b`, and whether DynamoDB granted it), so the tests count writes as billed.
 */

const SECOND = 1000;
/** 250 ms into a minute-aligned second: a burst never straddles a window of the manual clock. */
const START = Math.floor(Date.now() / 60_000) * 60_000 + 15 * SECOND + 250;
const LEASE = { lease: true } as const;

const db = testDocumentClient();
const clients: DynamoDBClient[] = [];
afterAll(() => {
  db.destroy();
  for (const client of clients) client.destroy();
});

const manualClock = (at = START) => {
  const clock = { at, now: () => new Date(clock.at) };
  return clock;
};

/** A Lambda instance: a limiter over its own client, which records every claim it sends. */
function lambdaInstance(clock: { now: () => Date }, client = new DynamoDBClient({ region: process.env.AWS_REGION })) {
  clients.push(client);
  const claims: Array<{ units: number; granted: boolean }> = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const units = Number((args.input as UpdateItemCommandInput).ExpressionAttributeValues?.[':b']?.N);
      try {
        const output = await next(args);
        claims.push({ units, granted: true });
        return output;
      } catch (error) {
        claims.push({ units, granted: false });
        throw error;
      }
    },
    { step: 'initialize', name: 'recordClaims' },
  );
  const onError = jest.fn();
  const limiter = createDynamoRateLimiter({ db: client, tableName: tableName(), clock, onError });
  return { limiter, claims, onError, granted: () => claims.filter((c) => c.granted).reduce((n, c) => n + c.units, 0) };
}

const uniquePrincipal = () => `sub:lease-${randomBytes(5).toString('hex')}`;

async function storedCount(principal: string, windowSeconds: number, at: Date) {
  const key = keys.rateLimit('requests', principal, fixedWindow(at, windowSeconds).index);
  const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: key }));
  return Item?.count as number | undefined;
}

/** `calls` events of `principal` on one instance, one at a time (as Lambda serves them). */
async function serveInTurn(limiter: RateLimiter, principal: string, calls: number, limit: number, windowSeconds = 60) {
  let admitted = 0;
  for (let i = 0; i < calls; i++) {
    if ((await limiter.consume('requests', principal, limit, windowSeconds, LEASE)).allowed) admitted++;
  }
  return admitted;
}

describe('quota leasing on DynamoDB Local', () => {
  it('three instances hammering one principal at once admit at most the limit in total, and the count is the sum of granted claims', async () => {
    const limit = 120;
    const clock = manualClock();
    const principal = uniquePrincipal();
    const instances = [lambdaInstance(clock), lambdaInstance(clock), lambdaInstance(clock)];
    const admitted = await Promise.all(instances.map(({ limiter }) => serveInTurn(limiter, principal, 80, limit)));
    const total = admitted.reduce((sum, n) => sum + n, 0);

    expect(await storedCount(principal, 60, clock.now())).toBe(limit);
    expect(instances.reduce((sum, instance) => sum + instance.granted(), 0)).toBe(limit);
    expect(total).toBeLessThanOrEqual(limit);
    // Units stranded on an instance are under one block: refused early by a bounded amount.
    expect(total).toBeGreaterThanOrEqual(limit - instances.length * (maxLeaseBlock(limit) - 1));
    for (const [i, instance] of instances.entries()) expect(admitted[i]).toBeLessThanOrEqual(instance.granted());
  });

  it('instances that each serve several events at a time still admit at most the limit in total', async () => {
    const limit = 120;
    const clock = manualClock();
    const principal = uniquePrincipal();
    const instances = [lambdaInstance(clock), lambdaInstance(clock), lambdaInstance(clock)];
    // Four overlapping streams of 20 events per instance: its claims overlap, with grown blocks.
    const admitted = await Promise.all(
      instances.flatMap(({ limiter }) => Array.from({ length: 4 }, () => serveInTurn(limiter, principal, 20, limit))),
    );
    expect(await storedCount(principal, 60, clock.now())).toBe(limit);
    expect(instances.reduce((sum, instance) => sum + instance.granted(), 0)).toBe(limit);
    expect(admitted.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(limit);
    expect(Math.max(...instances.flatMap(({ claims }) => claims.map((claim) => claim.units)))).toBeGreaterThan(1);
    expect(instances.every((instance) => instance.onError.mock.calls.length === 0)).toBe(true);
  });

  it('one instance serving a principal alone admits exactly the limit with O(log limit) writes, then refuses', async () => {
    const limit = 1000;
    const clock = manualClock();
    const principal = uniquePrincipal();
    const instance = lambdaInstance(clock);
    expect(await serveInTurn(instance.limiter, principal, limit, limit)).toBe(limit);
    expect(instance.claims.map((claim) => claim.units)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 250, 250, 250, 245]);
    expect(instance.claims.length).toBeLessThanOrEqual(2 * Math.log2(limit));
    expect(await storedCount(principal, 60, clock.now())).toBe(limit);

    expect(await instance.limiter.consume('requests', principal, limit, 60, LEASE)).toEqual({
      allowed: false,
      retryAfterSeconds: 45,
    });
    expect(instance.claims).toHaveLength(13);
  });

  it('a quiet principal, one request per window, costs one write of one unit per request', async () => {
    const clock = manualClock();
    const principal = uniquePrincipal();
    const instance = lambdaInstance(clock);
    for (let window = 0; window < 5; window++) {
      expect((await instance.limiter.consume('requests', principal, 50, 1, LEASE)).allowed).toBe(true);
      expect(await storedCount(principal, 1, clock.now())).toBe(1);
      clock.at += SECOND;
    }
    expect(instance.claims).toEqual(Array(5).fill({ units: 1, granted: true }));
  });

  it('a new window starts afresh: the principal is admitted again, with a claim of one unit in the new window', async () => {
    const limit = 50;
    const clock = manualClock();
    const principal = uniquePrincipal();
    const [a, b] = [lambdaInstance(clock), lambdaInstance(clock)];
    // `a` takes blocks 1, 2, 4, 8 for 8 events and keeps 7 units; `b` takes the rest of the window.
    expect(await serveInTurn(a.limiter, principal, 8, limit, 1)).toBe(8);
    expect(await serveInTurn(b.limiter, principal, limit, limit, 1)).toBe(limit - 15);
    expect(await storedCount(principal, 1, clock.now())).toBe(limit);

    clock.at += SECOND;
    const claimsBefore = a.claims.length;
    // `a`'s 7 units belonged to the last window: it claims in the new one, from a block of 1.
    expect((await a.limiter.consume('requests', principal, limit, 1, LEASE)).allowed).toBe(true);
    expect(a.claims.slice(claimsBefore)).toEqual([{ units: 1, granted: true }]);
    expect((await b.limiter.consume('requests', principal, limit, 1, LEASE)).allowed).toBe(true);
    expect(await storedCount(principal, 1, clock.now())).toBe(2);
  });

  it('fails open when the table cannot be reached: admitted and reported, never refused', async () => {
    const unreachable = new DynamoDBClient({
      region: process.env.AWS_REGION,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const instance = lambdaInstance(manualClock(), unreachable);
    expect(await serveInTurn(instance.limiter, uniquePrincipal(), 3, 1)).toBe(3);
    expect(instance.onError).toHaveBeenCalledTimes(3);
    expect(instance.onError).toHaveBeenCalledWith(expect.any(Error), 'requests');
  });
});
