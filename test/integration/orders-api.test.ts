import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createDiscount } from '../../functions/http/create-discount';
import { handler as listAdminOrders } from '../../functions/http/list-admin-orders';
import { handler as listOrders } from '../../functions/http/list-orders';
import { handler as updateProduct } from '../../functions/http/update-product';
import { handler as updateProfile } from '../../functions/http/update-profile';
import { decodeJwt, mintToken } from '../../scripts/local/issuer';
import { createDynamoCartRepository } from '../../shared/adapters/dynamo/dynamo-cart-repository';
import { cartService } from '../../shared/container/orders';
import {
  address,
  cancel,
  pauseNextPlacement,
  placeOrder,
  readOrder,
  stockedProduct,
  stockOf,
} from '../support/checkout';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());
const carts = () => createDynamoCartRepository(db, tableName());
const newCustomer = () => `cust-${randomUUID()}`;

const storedOrder = async (orderId: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: { PK: `ORDER#${orderId}`, SK: '#ORDER' } }))).Item;
/** Moves an order as the later workflow would (payment and fulfilment arrive with the next issue). */
const forceStatus = (orderId: string, status: string) =>
  db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { PK: `ORDER#${orderId}`, SK: '#ORDER' },
      UpdateExpression: 'SET #s = :s, GSI2PK = :pk',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ':pk': `ORDERSTATUS#${status}` },
    }),
  );

describe('placing an order', () => {
  it('answers 201 with the full order: server prices, PENDING_PAYMENT, reservation expiry and timeline', async () => {
    const sku = await stockedProduct(5, 1250);
    const before = Date.now();
    const res = await placeOrder(newCustomer(), { items: [{ sku, quantity: 2 }] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/orders/${res.json.orderId}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      orderId: expect.stringMatching(/^ord_/),
      status: 'PENDING_PAYMENT',
      items: [
        {
          sku,
          productSku: sku,
          name: `Product ${sku}`,
          options: {},
          quantity: 2,
          unitPrice: 1250,
          lineTotal: 2500,
          // No tax rates for GB, the address's country, in this table.
          taxRateBps: 0,
          taxAmount: 0,
        },
      ],
      subtotal: 2500,
      discount: 0,
      shipping: 0,
      shippingMethod: null,
      tax: 0,
      total: 2500,
      currency: 'EUR',
      shippingAddress: { ...address, line2: null },
      reservationExpiresAt: expect.any(String),
      payment: { status: 'PENDING', attempts: 0 },
      refunded: 0,
      shipment: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      events: [{ type: 'ORDER_PLACED', at: res.json.createdAt, detail: null }],
    });
    const ttl = Date.parse(res.json.reservationExpiresAt) - before;
    expect(ttl).toBeGreaterThan(895_000);
    expect(ttl).toBeLessThan(905_000 + (Date.now() - before));
  });

  it('applies a discount code as the discount routes take it: any case, spaces around it trimmed', async () => {
    const sku = await stockedProduct(5, 2000);
    const code = `TRIM${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await invoke(createDiscount, {
      method: 'POST',
      path: '/v1/discounts',
      body: { code: ` ${code.toLowerCase()} `, percentOff: 10 },
      token: adminToken(),
    });
    expect(created.status).toBe(201);
    expect(created.json.code).toBe(code);

    const res = await placeOrder(newCustomer(), {
      items: [{ sku, quantity: 1 }],
      discountCode: ` ${code.toLowerCase()} `,
    });

    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ subtotal: 2000, discount: 200, total: 1800 });
  });

  it('orders the cart when no items are given, at current prices, and empties the cart', async () => {
    const [a, b] = [await stockedProduct(5, 300), await stockedProduct(5, 700)];
    const sub = newCustomer();
    const now = new Date().toISOString();
    const first = await carts().setQuantity(sub, { sku: a, quantity: 2 }, 0, now);
    await carts().setQuantity(sub, { sku: b, quantity: 1 }, first?.version ?? 1, now);
    const res = await placeOrder(sub, {});
    expect(res.status).toBe(201);
    expect(res.json.items.map((line: { sku: string; quantity: number }) => [line.sku, line.quantity]).sort()).toEqual(
      [
        [a, 2],
        [b, 1],
      ].sort(),
    );
    expect(res.json.total).toBe(1300);
    expect(await carts().get(sub)).toMatchObject({ items: [], version: 3 });
    expect(await stockOf(db, a)).toEqual({ onHand: 5, reserved: 2, available: 3 });
  });

  it('a checkout of the cart that was cleared and refilled meanwhile orders the new cart, never the old one', async () => {
    const [a, b] = [await stockedProduct(5, 300), await stockedProduct(5, 700)];
    const sub = newCustomer();
    await carts().setQuantity(sub, { sku: a, quantity: 1 }, 0, new Date().toISOString());
    // The checkout has read the cart {a: 1} and stops before its transaction, until let go.
    const paused = pauseNextPlacement();
    try {
      const checkout = placeOrder(sub, {});
      await paused.atCommit;
      // Another tab: the cart is cleared, then b is added (a cart whose version would start again if deleted).
      await cartService().clear(sub);
      await cartService().setItem(sub, b, 2);
      paused.goOn();
      const res = await checkout;

      expect(res.status).toBe(201);
      expect(res.json.items).toMatchObject([{ sku: b, quantity: 2 }]);
    } finally {
      paused.restore();
    }
    expect(await carts().get(sub)).toMatchObject({ items: [] });
    expect(await stockOf(db, a)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await stockOf(db, b)).toEqual({ onHand: 5, reserved: 2, available: 3 });
  });

  it('answers 409 CART_EMPTY without a cart, and writes nothing', async () => {
    const sub = newCustomer();
    const res = await placeOrder(sub, {});
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('CART_EMPTY');
  });

  it('answers 404 PRODUCT_NOT_FOUND for unknown or inactive skus and reserves nothing', async () => {
    const good = await stockedProduct(5);
    const hidden = await stockedProduct(5);
    await invoke(updateProduct, {
      method: 'PATCH',
      path: `/v1/products/${hidden}`,
      pathParameters: { sku: hidden },
      body: { active: false },
      token: adminToken(),
    });
    const unknown = uniqueSku('NOPE');
    const res = await placeOrder(newCustomer(), {
      items: [
        { sku: good, quantity: 1 },
        { sku: unknown, quantity: 1 },
        { sku: hidden, quantity: 1 },
      ],
    });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('PRODUCT_NOT_FOUND');
    expect(res.json.errors.map((e: { sku: string; path: string }) => [e.path, e.sku])).toEqual([
      ['items/1', unknown],
      ['items/2', hidden],
    ]);
    expect(await stockOf(db, good)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('requires an Idempotency-Key of 1–255 characters', async () => {
    const sku = await stockedProduct(5);
    const missing = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] }, null);
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe('IDEMPOTENCY_KEY_MISSING');
    const tooLong = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] }, 'k'.repeat(256));
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('replays a stored OUT_OF_STOCK as OUT_OF_STOCK, even after stock arrived', async () => {
    const sku = await stockedProduct(1);
    const sub = newCustomer();
    const key = randomUUID();
    const first = await placeOrder(sub, { items: [{ sku, quantity: 3 }] }, key);
    expect(first.json.code).toBe('OUT_OF_STOCK');
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' },
        UpdateExpression: 'SET onHand = :n, available = :n',
        ExpressionAttributeValues: { ':n': 10 },
      }),
    );
    const replay = await placeOrder(sub, { items: [{ sku, quantity: 3 }] }, key);
    expect(replay.status).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect({ ...replay.json, requestId: null }).toEqual({ ...first.json, requestId: null });
    expect(replay.json.requestId).toBe(replay.headers['x-request-id']);
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('replays a placed order even when checking out again would now fail (the claim answers first)', async () => {
    const sku = await stockedProduct(1);
    const sub = newCustomer();
    const key = randomUUID();
    const first = await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, key);
    expect(first.status).toBe(201);
    // The checkout's reads (run beside the claim) would now refuse it: the product is gone.
    await invoke(updateProduct, {
      method: 'PATCH',
      path: `/v1/products/${sku}`,
      pathParameters: { sku },
      body: { active: false },
      token: adminToken(),
    });
    const replay = await placeOrder(sub, { items: [{ sku, quantity: 1 }] }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json.orderId).toBe(first.json.orderId);
    expect(await stockOf(db, sku)).toEqual({ onHand: 1, reserved: 1, available: 0 });
  });

  it('keys are per customer: the same key from another customer is another request', async () => {
    const sku = await stockedProduct(5);
    const key = randomUUID();
    const a = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] }, key);
    const b = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] }, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.orderId).not.toBe(b.json.orderId);
  });

  it.each([
    ['status', { status: 'PAID' }],
    ['total', { total: 1 }],
    ['userId', { userId: 'someone-else' }],
    ['price in a line', { items: [{ sku: 'X', quantity: 1, unitPrice: 1 }] }],
  ])('refuses the server-owned field %s with 400 and places nothing', async (_name, extra) => {
    const sku = await stockedProduct(5);
    const sub = newCustomer();
    const body = { items: [{ sku, quantity: 1 }], ...extra };
    const res = await placeOrder(sub, body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const mine = await invoke(listOrders, { method: 'GET', path: '/v1/orders', token: customerToken(sub) });
    expect(mine.json.items).toEqual([]);
  });

  it('refuses a sku twice in one order, and more than 50 lines', async () => {
    const sku = await stockedProduct(5);
    const twice = await placeOrder(newCustomer(), {
      items: [
        { sku, quantity: 1 },
        { sku, quantity: 2 },
      ],
    });
    expect(twice.status).toBe(400);
    const many = await placeOrder(newCustomer(), {
      items: Array.from({ length: 51 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })),
    });
    expect(many.status).toBe(400);
  });

  it.each([
    ['a recipient name with a right-to-left override', { name: 'Alice \u202Egnp.exe' }, 'shippingAddress/name'],
    [
      'a recipient name with a line break',
      { name: 'Alice\nDear customer, your account is locked' },
      'shippingAddress/name',
    ],
    ['an address line with an isolate', { line1: '1 Main St \u2067evil\u2069' }, 'shippingAddress/line1'],
    ['a city with an escape character', { city: 'Berlin\u001b[2J' }, 'shippingAddress/city'],
  ])('refuses %s with 400 VALIDATION_FAILED and reserves nothing', async (_, change, path) => {
    const sku = await stockedProduct(3);
    const res = await placeOrder(newCustomer(), {
      items: [{ sku, quantity: 1 }],
      shippingAddress: { ...address, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    expect(await stockOf(db, sku)).toMatchObject({ reserved: 0 });
  });
});

describe('the e-mail address an order is placed with', () => {
  /** Records the customer's sign-in account address, as signing up and confirming it in Cognito does. */
  const account = (sub: string, email: string, emailVerified = true) =>
    mintToken({ dir: process.env.LOCAL_ISSUER_DIR as string, sub, role: 'customer', email, emailVerified });

  it('is the account’s verified address, though the access token carries none and the profile was never opened', async () => {
    const sub = newCustomer();
    account(sub, `${sub}@example.com`);
    expect(decodeJwt(customerToken(sub)).payload).not.toHaveProperty('email');
    const sku = await stockedProduct(3);
    const placed = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    expect(placed.status).toBe(201);
    expect(await storedOrder(placed.json.orderId)).toMatchObject({ email: `${sub}@example.com` });
  });

  it('is none when the account’s address is not verified', async () => {
    const sub = newCustomer();
    account(sub, `${sub}@example.com`, false);
    const sku = await stockedProduct(3);
    const placed = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    expect(placed.status).toBe(201);
    expect(await storedOrder(placed.json.orderId)).toMatchObject({ email: null });
  });

  it('is never an address set with PUT /v1/me, which nobody verified', async () => {
    const sub = newCustomer();
    const put = await invoke(updateProfile, {
      method: 'PUT',
      path: '/v1/me',
      body: { email: 'stranger@example.org' },
      token: customerToken(sub),
    });
    expect(put.json).toMatchObject({ email: 'stranger@example.org', emailVerified: false });
    const sku = await stockedProduct(3);
    const placed = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    expect(await storedOrder(placed.json.orderId)).toMatchObject({ email: null });
  });
});

describe('reading and cancelling orders', () => {
  it('never shows or cancels another customer’s order (404, no existence leak); admins may', async () => {
    const sku = await stockedProduct(5);
    const owner = newCustomer();
    const placed = await placeOrder(owner, { items: [{ sku, quantity: 1 }] });
    const { orderId } = placed.json;

    const peek = await readOrder('intruder', orderId);
    expect(peek.status).toBe(404);
    expect(peek.json.code).toBe('ORDER_NOT_FOUND');
    const hijack = await cancel('intruder', orderId);
    expect(hijack.status).toBe(404);
    expect((await storedOrder(orderId))?.status).toBe('PENDING_PAYMENT');
    const unknown = await readOrder(owner, 'ord_doesnotexist0000');
    expect(unknown.status).toBe(404);

    expect((await readOrder(owner, orderId)).json).toEqual(placed.json);
    const asAdmin = await readOrder('admin-x', orderId, adminToken('admin-x'));
    expect(asAdmin.status).toBe(200);
    const adminCancel = await cancel('admin-x', orderId, adminToken('admin-x'));
    expect(adminCancel.status).toBe(200);
    expect(adminCancel.json.status).toBe('CANCELLED');
    expect(adminCancel.json.events.map((e: { type: string }) => e.type)).toEqual(['ORDER_PLACED', 'CANCELLED']);
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses to cancel after shipment with 409 ORDER_NOT_CANCELLABLE', async () => {
    const sku = await stockedProduct(5);
    const sub = newCustomer();
    const { json } = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    await forceStatus(json.orderId, 'SHIPPED');
    const res = await cancel(sub, json.orderId);
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await storedOrder(json.orderId))?.status).toBe('SHIPPED');
  });

  it('cancels a paid order: the units return to the shelf and a refund is pending', async () => {
    const sku = await stockedProduct(5);
    const sub = newCustomer();
    const { json } = await placeOrder(sub, { items: [{ sku, quantity: 2 }] });
    // What payment does to stock: the reserved units are sold.
    await forceStatus(json.orderId, 'PAID');
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' },
        UpdateExpression: 'SET onHand = onHand - :q, reserved = reserved - :q',
        ExpressionAttributeValues: { ':q': 2 },
      }),
    );
    const res = await cancel(sub, json.orderId);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUND_PENDING' } });
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('lists my orders newest first, page by page, and nobody else’s', async () => {
    const sku = await stockedProduct(20);
    const sub = newCustomer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).json.orderId);
    await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await invoke(listOrders, {
        method: 'GET',
        path: '/v1/orders',
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
        token: customerToken(sub),
      });
      expect(res.status).toBe(200);
      seen.push(...res.json.items.map((o: { orderId: string }) => o.orderId));
      cursor = res.json.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('lets admins list orders by status, or of every status newest first; customers get 403', async () => {
    const sku = await stockedProduct(20);
    const sub = newCustomer();
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).json.orderId);
    await forceStatus(placed[1] as string, 'SHIPPED');

    const shipped = await invoke(listAdminOrders, {
      method: 'GET',
      path: '/v1/admin/orders',
      query: { status: 'SHIPPED', limit: '100' },
      token: adminToken(),
    });
    expect(shipped.status).toBe(200);
    expect(shipped.json.items.map((o: { orderId: string }) => o.orderId)).toContain(placed[1]);
    expect(shipped.json.items.every((o: { status: string }) => o.status === 'SHIPPED')).toBe(true);

    const all: Array<{ orderId: string; createdAt: string }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 200; page++) {
      const res = await invoke(listAdminOrders, {
        method: 'GET',
        path: '/v1/admin/orders',
        query: { limit: '7', ...(cursor ? { cursor } : {}) },
        token: adminToken(),
      });
      all.push(...res.json.items);
      cursor = res.json.nextCursor ?? undefined;
      if (!cursor) break;
    }
    const ids = all.map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of placed) expect(ids).toContain(id);
    const keys = all.map((o) => `${o.createdAt}#${o.orderId}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const forbidden = await invoke(listAdminOrders, {
      method: 'GET',
      path: '/v1/admin/orders',
      token: customerToken(sub),
    });
    expect(forbidden.status).toBe(403);
  });
});
