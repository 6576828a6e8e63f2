import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cancel, countStatuses, placeOrder, stockedProduct, stockOf } from '../support/checkout';
import { tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

const ordersOf = async (sub: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${sub}#ORDERS` },
      }),
    )
  ).Items ?? [];

describe('checkout under concurrency (DynamoDB Local)', () => {
  it('when 200 customers race for 50 units, exactly 50 get an order and the rest OUT_OF_STOCK', async () => {
    const sku = await stockedProduct(50);
    const run = randomUUID().slice(0, 8);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => placeOrder(`racer-${run}-${i}`, { items: [{ sku, quantity: 1 }] })),
    );
    expect(countStatuses(responses)).toEqual({ 201: 50, 409: 150 });
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.json).toMatchObject({
        code: 'OUT_OF_STOCK',
        errors: [{ path: 'items/0', sku, message: expect.any(String) }],
      });
    }
    expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.json.orderId)).size).toBe(50);
    expect(await stockOf(db, sku)).toEqual({ onHand: 50, reserved: 50, available: 0 });
  }, 120_000);

  it('reserves a multi-sku order all or nothing: when one line is short, no line is reserved', async () => {
    const [plenty, scarce] = [await stockedProduct(10), await stockedProduct(1)];
    const res = await placeOrder(`multi-${randomUUID()}`, {
      items: [
        { sku: plenty, quantity: 3 },
        { sku: scarce, quantity: 2 },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('OUT_OF_STOCK');
    expect(res.json.errors).toEqual([{ path: 'items/1', message: expect.any(String), sku: scarce }]);
    expect(await stockOf(db, plenty)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(db, scarce)).toEqual({ onHand: 1, reserved: 0, available: 1 });
  });

  it('when 20 identical requests share an Idempotency-Key, exactly one order exists and replays return it', async () => {
    const sku = await stockedProduct(100);
    const sub = `idem-${randomUUID()}`;
    const key = randomUUID();
    const body = { items: [{ sku, quantity: 2 }] };
    const responses = await Promise.all(Array.from({ length: 20 }, () => placeOrder(sub, body, key)));

    const successes = responses.filter((r) => r.status === 201);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(successes.map((r) => r.json.orderId)).size).toBe(1);
    for (const other of responses.filter((r) => r.status !== 201)) {
      expect(other.status).toBe(409);
      expect(other.json.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await ordersOf(sub)).toHaveLength(1);
    expect(await stockOf(db, sku)).toEqual({ onHand: 100, reserved: 2, available: 98 });

    const replay = await placeOrder(sub, body, key);
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(successes[0]?.json);
    expect(replay.headers.location).toBe(`/v1/orders/${successes[0]?.json.orderId}`);

    const reused = await placeOrder(sub, { items: [{ sku, quantity: 3 }] }, key);
    expect(reused.status).toBe(422);
    expect(reused.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ordersOf(sub)).toHaveLength(1);
    expect(await stockOf(db, sku)).toEqual({ onHand: 100, reserved: 2, available: 98 });
  }, 60_000);

  it('redeems a discount with maxRedemptions 5 exactly 5 times when 30 checkouts race for it', async () => {
    const sku = await stockedProduct(100, 2000);
    const code = `RACE${randomUUID().slice(0, 8).toUpperCase()}`;
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          PK: `DISCOUNT#${code}`,
          SK: '#DISCOUNT',
          code,
          percentOff: 10,
          amountOff: null,
          maxRedemptions: 5,
          redemptions: 0,
          createdAt: new Date().toISOString(),
        },
      }),
    );
    const run = randomUUID().slice(0, 8);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        placeOrder(`discount-${run}-${i}`, { items: [{ sku, quantity: 1 }], discountCode: code.toLowerCase() }),
      ),
    );
    expect(countStatuses(responses)).toEqual({ 201: 5, 409: 25 });
    for (const order of responses.filter((r) => r.status === 201)) {
      expect(order.json).toMatchObject({ subtotal: 2000, discount: 200, total: 1800 });
    }
    for (const refused of responses.filter((r) => r.status === 409))
      expect(refused.json.code).toBe('DISCOUNT_UNAVAILABLE');
    const stored = await db.send(
      new GetCommand({ TableName: tableName(), Key: { PK: `DISCOUNT#${code}`, SK: '#DISCOUNT' } }),
    );
    expect(stored.Item?.redemptions).toBe(5);
    expect(await stockOf(db, sku)).toEqual({ onHand: 100, reserved: 5, available: 95 });
  }, 60_000);

  it('when the same order is cancelled twice at once, its stock is released once', async () => {
    const sku = await stockedProduct(10);
    const sub = `cancel-${randomUUID()}`;
    const placed = await placeOrder(sub, { items: [{ sku, quantity: 4 }] });
    expect(placed.status).toBe(201);
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 4, available: 6 });

    const [first, second] = await Promise.all([cancel(sub, placed.json.orderId), cancel(sub, placed.json.orderId)]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect([first, second].find((r) => r.status === 409)?.json.code).toBe('ORDER_NOT_CANCELLABLE');
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });
});
