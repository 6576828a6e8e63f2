import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/adapters/dynamo/keys';
import { placeOrder, stockedProduct, stockOf } from '../support/checkout';
import { adminToken, tableName, testDocumentClient } from '../support/integration';

// This file's functions admit three requests per second per principal (config is read on first use).
const REQUESTS_PER_SECOND = 3;
process.env.RATE_LIMIT_REQUESTS_PER_SECOND = String(REQUESTS_PER_SECOND);

const db = testDocumentClient();
afterAll(() => db.destroy());

/** Fixed one-second windows: start early in a second so requests sent together share one. */
async function startOfASecond() {
  const ms = Date.now() % 1000;
  if (ms > 300) await new Promise((resolve) => setTimeout(resolve, 1000 - ms + 10));
}

describe("a checkout's admission by the request limit", () => {
  it('starts the checkout beside the count, but a refused request writes nothing: no claim, no checkout count, no stock', async () => {
    // An admin of this file's own: the request counter is per principal and shared through the
    // table, so the admin the other files use (at 50 a second) would use up this file's three.
    const sku = await stockedProduct(100, 1000, adminToken(`admission-admin-${randomUUID()}`));
    // Warm (configuration, clients, keys), so the checkouts below are counted within one second.
    expect((await placeOrder(`warm-${randomUUID()}`, { items: [{ sku, quantity: 0 }] })).status).toBe(400);
    let placed = 0;
    // Twice the limit at once from one customer; on a busy machine they may straddle a window,
    // so the customer tries again (a new one) until some were refused.
    for (let attempt = 0; attempt < 5; attempt++) {
      const sub = `admission-${randomUUID()}`;
      const requestKeys = Array.from({ length: 2 * REQUESTS_PER_SECOND }, () => randomUUID());
      await startOfASecond();
      const answers = await Promise.all(
        requestKeys.map((key) => placeOrder(sub, { items: [{ sku, quantity: 1 }] }, key)),
      );
      const admitted = answers.filter((answer) => answer.status === 201).length;
      const refused = answers.filter((answer) => answer.status === 429);
      expect(admitted + refused.length).toBe(answers.length);
      for (const refusal of refused) {
        expect(refusal.json).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
        expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // Only the admitted ones left an idempotency record, a checkout count and a reservation.
      const records = await Promise.all(
        requestKeys.map((key) => db.send(new GetCommand({ TableName: tableName(), Key: keys.idempotency(sub, key) }))),
      );
      expect(records.map((record) => record.Item !== undefined)).toEqual(
        answers.map((answer) => answer.status === 201),
      );
      const minute = Math.floor(Date.now() / 60_000);
      const counters = await Promise.all(
        [minute - 1, minute].map((index) =>
          db.send(new GetCommand({ TableName: tableName(), Key: keys.rateLimit('checkouts', `sub:${sub}`, index) })),
        ),
      );
      expect(counters.reduce((sum, counter) => sum + Number(counter.Item?.count ?? 0), 0)).toBe(admitted);
      placed += admitted;
      expect(await stockOf(db, sku)).toMatchObject({ available: 100 - placed, reserved: placed });
      if (refused.length > 0) {
        expect(admitted).toBeGreaterThanOrEqual(1);
        return;
      }
    }
    throw new Error('no checkout was refused in 5 attempts: the requests never shared a window');
  }, 60_000);
});
