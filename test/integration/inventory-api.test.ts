import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as adjustInventory } from '../../functions/http/adjust-inventory';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getInventory } from '../../functions/http/get-inventory';
import { handler as listAdjustments } from '../../functions/http/list-inventory-adjustments';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as setLowStockThreshold } from '../../functions/http/set-low-stock-threshold';
import { createDynamoInventoryRepository } from '../../shared/adapters/dynamo/dynamo-inventory-repository';
import { createInventoryService } from '../../shared/domain/inventory/inventory-service';
import { randomIds, systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

const at = (sku: string, extra: Partial<Parameters<typeof invoke>[1]> = {}) => ({
  path: `/v1/inventory/${sku}`,
  pathParameters: { sku },
  token: adminToken(),
  ...extra,
});
const newProduct = async () => {
  const sku = uniqueSku('INV');
  const res = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name: 'Thing', price: 100, category: 'Kitchen' },
    token: adminToken(),
  });
  expect(res.status).toBe(201);
  return sku;
};
const stock = async (sku: string) => (await invoke(getInventory, { method: 'GET', ...at(sku) })).json;
const setOnHand = (sku: string, onHand: unknown) =>
  invoke(putInventory, { method: 'PUT', ...at(sku), body: { onHand } });
const adjust = (sku: string, delta: number, reason = 'recount') =>
  invoke(adjustInventory, {
    method: 'POST',
    ...at(sku, { path: `/v1/inventory/${sku}/adjustments` }),
    body: { delta, reason },
  });
const auditEntries = async (sku: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': `PRODUCT#${sku}`, ':p': 'ADJUSTMENT#' },
      }),
    )
  ).Items ?? [];
/** What an open order's reservation does to a stock item (checkout arrives with the next issue). */
const reserve = (sku: string, quantity: number) =>
  db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' },
      UpdateExpression: 'SET reserved = reserved + :q, available = available - :q',
      ConditionExpression: 'available >= :q',
      ExpressionAttributeValues: { ':q': quantity },
    }),
  );

describe('inventory endpoints against DynamoDB Local', () => {
  it('starts a new product at zero stock', async () => {
    const sku = await newProduct();
    expect(await stock(sku)).toEqual({ sku, onHand: 0, reserved: 0, available: 0 });
  });

  it('answers 404 PRODUCT_NOT_FOUND for the stock of an unknown sku, and writes nothing', async () => {
    const sku = uniqueSku('NONE');
    const res = await setOnHand(sku, 5);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('PRODUCT_NOT_FOUND');
    expect(await auditEntries(sku)).toEqual([]);
  });

  it('sets on-hand stock and keeps available = onHand − reserved', async () => {
    const sku = await newProduct();
    await setOnHand(sku, 10);
    await reserve(sku, 3);
    const res = await setOnHand(sku, 12);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ sku, onHand: 12, reserved: 3, available: 9 });
    expect(await stock(sku)).toEqual({ sku, onHand: 12, reserved: 3, available: 9 });
  });

  it('answers the stock as it is after the write, counting units a checkout reserved between its read and its write', async () => {
    const sku = await newProduct();
    expect((await setOnHand(sku, 10)).status).toBe(200);
    const repository = createDynamoInventoryRepository(db, tableName());
    const service = createInventoryService({
      inventory: {
        ...repository,
        async applyAdjustment(adjustment) {
          // A checkout reserves 3 units right after the service read the stock (reserved 0).
          await db.send(
            new UpdateCommand({
              TableName: tableName(),
              Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' },
              UpdateExpression: 'SET available = available - :q, reserved = reserved + :q',
              ExpressionAttributeValues: { ':q': 3 },
            }),
          );
          return repository.applyAdjustment(adjustment);
        },
      },
      cursors: createCursorCodec('inventory-tests-cursor-secret'),
      clock: systemClock,
      ids: randomIds,
    });

    const answer = await service.setOnHand(sku, 20, 'admin-1');

    expect(answer).toEqual({ sku, onHand: 20, reserved: 3, available: 17 });
    expect(await stock(sku)).toEqual(answer);
  });

  it('refuses on-hand below reserved with 409 STOCK_BELOW_RESERVED and changes nothing', async () => {
    const sku = await newProduct();
    await setOnHand(sku, 10);
    await reserve(sku, 6);
    const res = await setOnHand(sku, 5);
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('STOCK_BELOW_RESERVED');
    const negative = await adjust(sku, -5, 'shrinkage');
    expect(negative.status).toBe(409);
    expect(await stock(sku)).toEqual({ sku, onHand: 10, reserved: 6, available: 4 });
    expect(await auditEntries(sku)).toHaveLength(1);
  });

  it.each([[-1], [1.5], ['7'], [null]])('refuses onHand %p with 400 VALIDATION_FAILED', async (value) => {
    const sku = await newProduct();
    const res = await setOnHand(sku, value);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(await stock(sku)).toMatchObject({ onHand: 0 });
  });

  it('refuses customers with 403', async () => {
    const sku = await newProduct();
    const res = await invoke(putInventory, {
      method: 'PUT',
      ...at(sku, { token: customerToken() }),
      body: { onHand: 3 },
    });
    expect(res.status).toBe(403);
    expect(await stock(sku)).toMatchObject({ onHand: 0 });
  });

  it('records every change in an audit trail, newest first, page by page', async () => {
    const sku = await newProduct();
    await setOnHand(sku, 10);
    await adjust(sku, 5, 'delivery 42');
    await adjust(sku, -2, 'damaged in store');
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await invoke(listAdjustments, {
        method: 'GET',
        ...at(sku, { path: `/v1/inventory/${sku}/adjustments` }),
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      seen.push(...res.json.items);
      cursor = res.json.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(
      seen.map(({ kind, delta, reason, onHandBefore, onHandAfter, actor }) => ({
        kind,
        delta,
        reason,
        onHandBefore,
        onHandAfter,
        actor,
      })),
    ).toEqual([
      { kind: 'ADJUST', delta: -2, reason: 'damaged in store', onHandBefore: 15, onHandAfter: 13, actor: 'admin-1' },
      { kind: 'ADJUST', delta: 5, reason: 'delivery 42', onHandBefore: 10, onHandAfter: 15, actor: 'admin-1' },
      { kind: 'SET', delta: 10, reason: null, onHandBefore: 0, onHandAfter: 10, actor: 'admin-1' },
    ]);
  });

  it('when 20 adjustments race, none is lost or doubled and the trail adds up', async () => {
    const sku = await newProduct();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust(sku, 1, `unit ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await stock(sku)).toEqual({ sku, onHand: 20, reserved: 0, available: 20 });
    const trail = await auditEntries(sku);
    expect(trail).toHaveLength(20);
    expect(trail.map((entry) => entry.onHandAfter).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});

describe('PUT /v1/inventory/{sku}/low-stock-threshold', () => {
  const setThreshold = (sku: string, body: unknown, token = adminToken()) =>
    invoke(setLowStockThreshold, {
      method: 'PUT',
      ...at(sku, {
        path: `/v1/inventory/${sku}/low-stock-threshold`,
        route: '/v1/inventory/{sku}/low-stock-threshold',
      }),
      body,
      token,
    });

  it('sets a threshold, shows it with the available stock, clears it with null, and leaves the stock as it was', async () => {
    const sku = await newProduct();
    await setOnHand(sku, 7);
    const set = await setThreshold(sku, { threshold: 3 });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ sku, lowStockThreshold: 3, available: 7 });
    const cleared = await setThreshold(sku, { threshold: null });
    expect(cleared.json).toEqual({ sku, lowStockThreshold: null, available: 7 });
    expect(await stock(sku)).toEqual({ sku, onHand: 7, reserved: 0, available: 7 });
  });

  it('refuses bad thresholds (400), unknown skus (404) and customers (403)', async () => {
    const sku = await newProduct();
    for (const body of [
      { threshold: -1 },
      { threshold: 0 },
      { threshold: 1.5 },
      { threshold: '3' },
      {},
      { threshold: 3, extra: 1 },
    ]) {
      const refused = await setThreshold(sku, body);
      expect({ body, status: refused.status, code: refused.json.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const unknown = await setThreshold(uniqueSku('NONE'), { threshold: 3 });
    expect({ status: unknown.status, code: unknown.json.code }).toEqual({ status: 404, code: 'PRODUCT_NOT_FOUND' });
    const customer = await setThreshold(sku, { threshold: 3 }, customerToken('inv-customer'));
    expect(customer.status).toBe(403);
    const item = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND SK = :sk',
        ExpressionAttributeValues: { ':pk': `PRODUCT#${sku}`, ':sk': '#STOCK' },
      }),
    );
    expect(item.Items?.[0]?.lowStockThreshold).toBeUndefined();
  });
});
