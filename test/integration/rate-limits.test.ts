import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as fallback } from '../../functions/http/fallback';
import { handler as getInventory } from '../../functions/http/get-inventory';
import { handler as getProduct } from '../../functions/http/get-product';
import { createDynamoRateLimiter } from '../../shared/adapters/dynamo/dynamo-rate-limiter';
import { keys } from '../../shared/adapters/dynamo/keys';
import { parseConfig, resetConfig } from '../../shared/config';
import { createCheckoutRateLimit } from '../../shared/domain/rate-limit/checkout-rate-limit';
import { RateLimitedError } from '../../shared/domain/rate-limit/rate-limit-errors';
import { fixedWindow } from '../../shared/domain/rate-limit/rate-limiter';
import type { Clock } from '../../shared/lib/clock';
import { type EventInput, invoke } from '../support/http-event';
import { adminToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';

/**
 * The real stack against DynamoDB Local with a small request limit. Jest gives each test file its
 * own process.env copy and module registry, so this limit does not reach other test files.
 * Only `Date` is faked, and it stands still: a burst never straddles a window boundary, and a
 * test moves to the next window by setting the time (the SDK's own timers stay real).
 */
const LIMIT = 3;
const SECOND = 1000;
/** 250 ms into a second and 15 s into a minute, so Retry-After is predictable. */
const START = Math.floor(Date.now() / 60_000) * 60_000 + 15 * SECOND + 250;

const db = testDocumentClient();
/** The limiter's own client: the low-level one, as in the functions. */
const lowLevel = new DynamoDBClient({ region: process.env.AWS_REGION });
let previousLimit: string | undefined;

beforeAll(() => {
  previousLimit = process.env.RATE_LIMIT_REQUESTS_PER_SECOND;
  process.env.RATE_LIMIT_REQUESTS_PER_SECOND = String(LIMIT);
  resetConfig();
});
afterAll(() => {
  process.env.RATE_LIMIT_REQUESTS_PER_SECOND = previousLimit;
  resetConfig();
  db.destroy();
  lowLevel.destroy();
});
beforeEach(() => {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  jest.setSystemTime(START);
});
afterEach(() => jest.useRealTimers());

/** An address no other test of this file uses (TEST-NET-1); other files call from 127.0.0.1. */
let addresses = 0;
const uniqueIp = () => `192.0.2.${++addresses}`;
const uniqueSub = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

const notFound = (input: Partial<EventInput> = {}) =>
  invoke(fallback, { method: 'GET', path: '/v1/nothing', ...input });
const inventoryOf = (sku: string, input: Partial<EventInput>) =>
  invoke(getInventory, { method: 'GET', path: `/v1/inventory/${sku}`, pathParameters: { sku }, ...input });
const productOf = (sku: string, input: Partial<EventInput> = {}) =>
  invoke(getProduct, {
    method: 'GET',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
    ...input,
  });
const create = (sku: string, token: string) =>
  invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name: 'Mug', price: 100, category: 'Kitchen' },
    token,
  });
const storedProduct = async (sku: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.product(sku) }))).Item;

const expectRateLimited = (res: Awaited<ReturnType<typeof invoke>>, retryAfter = '1') => {
  expect(res.status).toBe(429);
  expect(res.headers['retry-after']).toBe(retryAfter);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: expect.any(String) });
  expect(res.json.requestId).toBe(res.headers['x-request-id']);
};

describe('the request limit of the HTTP stack', () => {
  it('refuses the request after the limit with 429, Retry-After and a problem body, and leaves another caller alone', async () => {
    const sku = uniqueSku('RL');
    const [first, second] = [adminToken(uniqueSub('admin-a')), adminToken(uniqueSub('admin-b'))];
    for (let i = 0; i < LIMIT; i++) expect((await inventoryOf(sku, { token: first })).status).toBe(404);
    expectRateLimited(await inventoryOf(sku, { token: first }));
    expect((await inventoryOf(sku, { token: second })).status).toBe(404);
  });

  it('counts a signed-in caller by token subject, whatever address the calls come from', async () => {
    const sku = uniqueSku('RL');
    const token = adminToken(uniqueSub('admin'));
    for (let i = 0; i < LIMIT; i++) await inventoryOf(sku, { token, sourceIp: uniqueIp() });
    expectRateLimited(await inventoryOf(sku, { token, sourceIp: uniqueIp() }));
  });

  it('counts anonymous callers by client address, an IPv6 caller by its /64', async () => {
    const [ip, other] = [uniqueIp(), uniqueIp()];
    for (let i = 0; i < LIMIT; i++) expect((await notFound({ sourceIp: ip })).status).toBe(404);
    expectRateLimited(await notFound({ sourceIp: ip }));
    expect((await notFound({ sourceIp: other })).status).toBe(404);

    const block = `2001:db8:${randomBytes(2).toString('hex')}:1`;
    for (let i = 0; i < LIMIT; i++) await notFound({ sourceIp: `${block}::${i + 1}` });
    expectRateLimited(await notFound({ sourceIp: `${block}:ffff:ffff:ffff:ffff` }));
  });

  it('counts requests with an invalid or missing token by client address: a flood of them gets 429', async () => {
    const sku = uniqueSku('RL');
    const [ip, other] = [uniqueIp(), uniqueIp()];
    const forged = `${adminToken(uniqueSub('admin')).slice(0, -4)}AAAA`;
    for (let i = 0; i < LIMIT; i++) {
      const res = await inventoryOf(sku, { token: forged, sourceIp: ip });
      expect(res.status).toBe(401);
    }
    expectRateLimited(await inventoryOf(sku, { token: forged, sourceIp: ip }));
    expectRateLimited(await inventoryOf(sku, { sourceIp: ip }));
    // Another address has its own budget; a valid token counts by its subject, not by the address.
    expect((await inventoryOf(sku, { sourceIp: other })).status).toBe(401);
    expect((await inventoryOf(sku, { token: adminToken(uniqueSub('admin')), sourceIp: ip })).status).toBe(404);
  });

  it('shares an address budget between anonymous calls and calls with bad tokens', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < LIMIT; i++) await notFound({ sourceIp: ip });
    expectRateLimited(await inventoryOf(uniqueSku('RL'), { token: 'not.a.token', sourceIp: ip }));
  });

  it('lets the caller in again when the next window starts', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < LIMIT; i++) await notFound({ sourceIp: ip });
    expectRateLimited(await notFound({ sourceIp: ip }));
    jest.setSystemTime(START + SECOND);
    expect((await notFound({ sourceIp: ip })).status).toBe(404);
  });

  it('answers a GET over the limit with 429 and not the resource (nor its cache headers)', async () => {
    const sku = uniqueSku('RL');
    expect((await create(sku, adminToken(uniqueSub('admin')))).status).toBe(201);
    const ip = uniqueIp();
    for (let i = 0; i < LIMIT; i++) expect((await productOf(sku, { sourceIp: ip })).status).toBe(200);
    const refused = await productOf(sku, { sourceIp: ip });
    expectRateLimited(refused);
    expect(refused.body).not.toContain(sku);
    expect(refused.headers.etag).toBeUndefined();
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('does not run a POST over the limit: nothing is written', async () => {
    const token = adminToken(uniqueSub('admin'));
    for (let i = 0; i < LIMIT; i++) expect((await create(uniqueSku('RL'), token)).status).toBe(201);
    const sku = uniqueSku('RL');
    expectRateLimited(await create(sku, token));
    expect(await storedProduct(sku)).toBeUndefined();
  });
});

describe('the DynamoDB rate limiter', () => {
  const manualClock = (at: number) => {
    const clock = { at, now: () => new Date(clock.at) };
    return clock satisfies Clock;
  };
  const limiter = (clock: Clock) =>
    createDynamoRateLimiter({
      db: lowLevel,
      tableName: tableName(),
      clock,
      onError: (error) => {
        throw error;
      },
    });

  it('shares one count between instances (as between Lambda instances), and stores refusals uncounted', async () => {
    const clock = manualClock(START);
    const [a, b] = [limiter(clock), limiter(clock)];
    const principal = uniqueSub('p');
    const outcomes: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push((await a.consume('test', principal, 5, 60)).allowed);
      outcomes.push((await b.consume('test', principal, 5, 60)).allowed);
    }
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);
    const window = fixedWindow(clock.now(), 60);
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.rateLimit('test', principal, window.index) }),
    );
    // expiresAt (the table's TTL attribute) lets DynamoDB delete the counter after its window.
    expect(Item).toMatchObject({ count: 5, expiresAt: window.endsAt + 60 });
  });

  it('refuses with the seconds left in the window, and allows again in the next one', async () => {
    const clock = manualClock(START);
    const instance = limiter(clock);
    const principal = uniqueSub('p');
    expect(await instance.consume('test', principal, 1, 60)).toMatchObject({ allowed: true, retryAfterSeconds: 0 });
    expect(await instance.consume('test', principal, 1, 60)).toEqual({ allowed: false, retryAfterSeconds: 45 });
    clock.at += 45 * SECOND;
    expect((await instance.consume('test', principal, 1, 60)).allowed).toBe(true);
  });

  it('limits checkouts to the configured default of 20 per customer and minute', async () => {
    const clock = manualClock(START);
    const { checkoutsPerMinute } = parseConfig({
      TABLE_NAME: 'any',
      AUTH_MODE: 'local',
      LOCAL_ISSUER_DIR: '/any',
      PAYMENT_QUEUE_URL: 'http://127.0.0.1:9/0/payment',
      FULFILMENT_QUEUE_URL: 'http://127.0.0.1:9/0/fulfilment',
      NOTIFICATION_QUEUE_URL: 'http://127.0.0.1:9/0/notification',
      ERASURE_QUEUE_URL: 'http://127.0.0.1:9/0/erasure',
      WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/0/webhook',
    }).rateLimits;
    expect(checkoutsPerMinute).toBe(20);
    const checkouts = createCheckoutRateLimit({ limiter: limiter(clock), checkoutsPerMinute });
    const [customer, other] = [uniqueSub('customer'), uniqueSub('customer')];

    for (let i = 0; i < 20; i++) await checkouts.consume(customer);
    const refusal = await checkouts.consume(customer).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect(refusal).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 45 });
    await expect(checkouts.consume(other)).resolves.toBeDefined();
    clock.at += 45 * SECOND;
    await expect(checkouts.consume(customer)).resolves.toBeDefined();
  });

  it('gives a counted checkout back: the customer may check out once more in that minute, never below zero', async () => {
    const clock = { at: Date.parse('2026-03-01T10:00:15.000Z'), now: () => new Date(clock.at) };
    const checkouts = createCheckoutRateLimit({ limiter: limiter(clock), checkoutsPerMinute: 2 });
    const customer = uniqueSub('customer');
    const first = await checkouts.consume(customer);
    await checkouts.consume(customer);
    await expect(checkouts.consume(customer)).rejects.toBeInstanceOf(RateLimitedError);
    // One count, given back once however often it is asked.
    await Promise.all([first.giveBack(), first.giveBack()]);
    await first.giveBack();
    const key = keys.rateLimit('checkouts', `sub:${customer}`, Math.floor(clock.at / 60_000));
    const count = async () => (await db.send(new GetCommand({ TableName: tableName(), Key: key }))).Item?.count;
    expect(await count()).toBe(1);
    // A fresh instance (another Lambda) counts from the table: one more fits, not two.
    const other = createCheckoutRateLimit({ limiter: limiter(clock), checkoutsPerMinute: 2 });
    await other.consume(customer);
    await expect(other.consume(customer)).rejects.toBeInstanceOf(RateLimitedError);
    // The limiter never takes a counter below zero.
    const raw = limiter(clock);
    for (let i = 0; i < 3; i++) await raw.giveBack('checkouts', `sub:${customer}`, 60, Math.floor(clock.at / 60_000));
    expect(await count()).toBe(0);
  });
});
