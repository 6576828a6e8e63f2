import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/adapters/dynamo/keys';
import { placeOrder, stockedProduct, stockOf } from '../support/checkout';
import { tableName, testDocumentClient } from '../support/integration';

// This file's functions see a checkout limit of 2 per minute (config is read on first use).
process.env.RATE_LIMIT_CHECKOUTS_PER_MINUTE = '2';

const db = testDocumentClient();
afterAll(() => db.destroy());

/** Fixed one-minute windows: start right after a boundary so the whole test sits in one window. */
async function startOfAMinute() {
  const second = new Date().getUTCSeconds();
  if (second > 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

describe('the checkout rate limit', () => {
  it('counts checkouts per customer, not replays, and does not store its 429', async () => {
    const sku = await stockedProduct(20);
    const sub = `limited-${randomUUID()}`;
    await startOfAMinute();
    const [first, second] = [randomUUID(), randomUUID()];
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, first)).status).toBe(201);
    // The replay is counted beside its claim and given back once the claim finds the stored answer,
    // so the second checkout still fits (two per minute); then the limit is reached.
    const replay = await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, first);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, second)).status).toBe(201);
    const lateReplay = await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, first);
    expect(lateReplay.status).toBe(201);
    expect(lateReplay.headers['idempotent-replayed']).toBe('true');

    const third = randomUUID();
    const limited = await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, third);
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const record = await db.send(new GetCommand({ TableName: tableName(), Key: keys.idempotency(sub, third) }));
    expect(record.Item).toBeUndefined();
    // The refused checkout reserved nothing, although its price read ran beside the limit's count.
    expect(await stockOf(db, sku)).toMatchObject({ available: 18, reserved: 2 });

    // Over the limit, an unknown sku is still a 429 (the limit answers first) and nothing is stored.
    const fourth = randomUUID();
    const unknown = await placeOrder(
      sub,
      { items: [{ sku: `NOPE-${randomUUID().slice(0, 8).toUpperCase()}`, quantity: 1 }] },
      fourth,
    );
    expect(unknown.status).toBe(429);
    const unknownRecord = await db.send(new GetCommand({ TableName: tableName(), Key: keys.idempotency(sub, fourth) }));
    expect(unknownRecord.Item).toBeUndefined();

    const otherCustomer = await placeOrder(`other-${randomUUID()}`, { items: [{ sku, quantity: 1 }] });
    expect(otherCustomer.status).toBe(201);
  }, 60_000);
});
