import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { handler as createOrder } from '../../functions/http/create-order';
import { handler as getCart } from '../../functions/http/get-cart';
import { handler as getProfile } from '../../functions/http/get-profile';
import { handler as listOrders } from '../../functions/http/list-orders';
import { handler as setCartItem } from '../../functions/http/set-cart-item';
import { handler as updateProfile } from '../../functions/http/update-profile';
import { handler as erasureWorker } from '../../functions/queue/erasure-worker';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { mintToken } from '../../scripts/local/issuer';
import { createDynamoCartRepository } from '../../shared/adapters/dynamo/dynamo-cart-repository';
import { createDynamoErasureLog } from '../../shared/adapters/dynamo/dynamo-erasure-log';
import {
  createDynamoIdempotencyEraser,
  createDynamoIdempotencyStore,
} from '../../shared/adapters/dynamo/dynamo-idempotency-store';
import { createDynamoOrderErasure } from '../../shared/adapters/dynamo/dynamo-order-erasure';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { createDynamoProfileRepository } from '../../shared/adapters/dynamo/dynamo-profile-repository';
import { keys } from '../../shared/adapters/dynamo/keys';
import { orderService } from '../../shared/container/orders';
import type { ErasureRequest, OrderAnonymiser } from '../../shared/domain/customers/erasure-ports';
import { createErasureService, type ErasureServiceDeps } from '../../shared/domain/customers/erasure-service';
import type { OrderService } from '../../shared/domain/orders/order-service';
import { storedJson } from '../../shared/http/idempotency';
import { systemClock } from '../../shared/lib/clock';
import {
  address,
  cancel,
  eventTypes,
  pauseNextPlacement,
  readOrder,
  stockedProduct,
  stockOf,
} from '../support/checkout';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, tableName, testDocumentClient } from '../support/integration';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
let queueUrl: string;

beforeAll(async () => {
  // This file's own queue: nothing else sends to it, so every message on it is one of ours.
  const created = await sqs.send(new CreateQueueCommand({ QueueName: `erasure-test-${randomUUID()}` }));
  queueUrl = created.QueueUrl as string;
});
afterAll(async () => {
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  sqs.destroy();
  db.destroy();
});

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * `DELETE /v1/me` as deployed, but bound to another erasure queue: the function is loaded in a
 * module registry of its own, whose configuration is parsed while ERASURE_QUEUE_URL names `url`.
 */
function deleteProfileSendingTo(url: string): HttpHandler {
  const configured = process.env.ERASURE_QUEUE_URL;
  process.env.ERASURE_QUEUE_URL = url;
  try {
    let handler: HttpHandler | undefined;
    jest.isolateModules(() => {
      (require('../../shared/config') as typeof import('../../shared/config')).config();
      handler = (require('../../functions/http/delete-profile') as typeof import('../../functions/http/delete-profile'))
        .handler;
    });
    return handler as HttpHandler;
  } finally {
    process.env.ERASURE_QUEUE_URL = configured;
  }
}

const tokenFor = (sub: string) =>
  mintToken({ dir: process.env.LOCAL_ISSUER_DIR as string, sub, role: 'customer', email: `${sub}@example.com` });

const getMe = (token: string) => invoke(getProfile, { method: 'GET', path: '/v1/me', token });
const putMe = (token: string, body: unknown) => invoke(updateProfile, { method: 'PUT', path: '/v1/me', token, body });
const myCart = (token: string) => invoke(getCart, { method: 'GET', path: '/v1/cart', token });
const myOrders = (token: string) => invoke(listOrders, { method: 'GET', path: '/v1/orders', token });
const deleteMe = (handler: HttpHandler, token: string) => invoke(handler, { method: 'DELETE', path: '/v1/me', token });

const stored = async (key: Record<string, string>) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

/** Every Idempotency-Key record of the customer as stored (one page is plenty here). */
async function checkoutRecords(sub: string) {
  const result = await db.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.idempotency(sub, '').PK, ':prefix': keys.idempotencyPrefix },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

/** A checkout's record as it is once completed: the stored 201 with the shipping address. */
const completedWithAddress = (item: Record<string, unknown> | undefined) => {
  expect(item).toMatchObject({ status: 'COMPLETED', response: { statusCode: 201 } });
  expect(JSON.stringify(item)).toContain(address.line1);
};

/**
 * The real idempotency store of `POST /v1/orders`, for a claim of a checkout that is still running;
 * or, on a clock two minutes behind, the claim of one that crashed (its 60 s lock has lapsed).
 */
const idempotencyStore = (clock = systemClock) =>
  createDynamoIdempotencyStore(db, tableName(), clock, { retentionSeconds: 25 * 3600, lockSeconds: 60 });
const twoMinutesAgo = { now: () => new Date(Date.now() - 120_000) };

/** Waits until the clock has moved past `at`, so what comes next is created strictly after it. */
async function clockPast(at: string) {
  while (Date.now() <= Date.parse(at)) await new Promise((resolve) => setTimeout(resolve, 2));
}

const checkout = (token: string, sku: string, quantity: number, key: string) =>
  invoke(createOrder, {
    method: 'POST',
    path: '/v1/orders',
    body: { items: [{ sku, quantity }], shippingAddress: address, paymentToken: 'tok_visa' },
    headers: { 'Idempotency-Key': key },
    token,
  });

async function place(token: string, sku: string, quantity: number, key = randomUUID()) {
  const res = await checkout(token, sku, quantity, key);
  if (res.status !== 201) throw new Error(`order not placed: ${res.body}`);
  return res.json as { orderId: string; total: number; currency: string };
}

/** Pays an order through the payment worker and the sandbox gateway (tok_visa succeeds). */
async function pay(order: { orderId: string; total: number; currency: string }) {
  const message = {
    type: 'PAYMENT_REQUESTED',
    orderId: order.orderId,
    paymentToken: 'tok_visa',
    amount: order.total,
    currency: order.currency,
  };
  const result = await paymentWorker(sqsEvent([sqsRecord(message)]), lambdaContext('payment-worker'));
  expect(result).toEqual({ batchItemFailures: [] });
}

const deliver = async (...records: SQSRecord[]) =>
  (await erasureWorker(sqsEvent(records), lambdaContext('erasure-worker'))) as SQSBatchResponse;

/** Every message on this file's queue now, taken off it. */
async function takeMessages(): Promise<Message[]> {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  const messages = received.Messages ?? [];
  for (const message of messages)
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  return messages;
}

/**
 * A customer with a profile (name and address), a cart, and four orders: one still pending (2 units
 * reserved), one paid (3 units sold), one they cancelled, and one paid order we keep for last.
 */
async function customerWithHistory() {
  const sub = `erase-${randomUUID()}`;
  const token = tokenFor(sub);
  expect((await putMe(token, { name: 'Ada Lovelace', defaultAddress: address })).status).toBe(200);
  const [pendingSku, paidSku, cancelledSku] = [
    await stockedProduct(10, 1000),
    await stockedProduct(10, 700),
    await stockedProduct(10, 300),
  ];
  const cancelled = await place(token, cancelledSku, 1);
  expect((await cancel(sub, cancelled.orderId)).status).toBe(200);
  const paid = await place(token, paidSku, 3);
  await pay(paid);
  const pending = await place(token, pendingSku, 2);
  const cart = await invoke(setCartItem, {
    method: 'PUT',
    path: `/v1/cart/items/${cancelledSku}`,
    route: '/v1/cart/items/{sku}',
    pathParameters: { sku: cancelledSku },
    body: { quantity: 4 },
    token,
  });
  expect(cart.status).toBe(200);
  expect(await stockOf(db, pendingSku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
  expect(await stockOf(db, paidSku)).toEqual({ onHand: 7, reserved: 0, available: 7 });
  return {
    sub,
    token,
    skus: { pending: pendingSku, paid: paidSku, cancelled: cancelledSku },
    orders: { pending: pending.orderId, paid: paid.orderId, cancelled: cancelled.orderId },
  };
}

/** Everything of a customer as stored, to show it did not change. */
async function snapshot(sub: string, orderIds: string[]) {
  return {
    profile: await stored(keys.profile(sub)),
    cart: await stored(keys.cart(sub)),
    orders: await Promise.all(orderIds.map((orderId) => stored(keys.order(orderId)))),
  };
}

/** Asks for the erasure over HTTP and returns the one message it queued, as the worker would get it. */
async function requestErasure(token: string, sub: string): Promise<SQSRecord> {
  const res = await deleteMe(deleteProfileSendingTo(queueUrl), token);
  expect(res.status).toBe(202);
  const messages = await takeMessages();
  expect(messages.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([
    { type: 'ERASURE_REQUESTED', sub, requestedAt: res.json.requestedAt },
  ]);
  const [message] = messages;
  return sqsRecord(message?.Body ?? '');
}

const messageFor = (request: ErasureRequest) => sqsRecord({ type: 'ERASURE_REQUESTED', ...request });

/** The erasure service over the real adapters, with one dependency of the test's choosing. */
const erasureServiceWith = (overrides: Partial<ErasureServiceDeps>) =>
  createErasureService({
    profiles: createDynamoProfileRepository(db, tableName()),
    carts: createDynamoCartRepository(db, tableName()),
    idempotencyRecords: createDynamoIdempotencyEraser(db, tableName(), systemClock),
    orders: createDynamoOrderRepository(db, tableName()),
    cancellation: orderService(),
    anonymiser: createDynamoOrderErasure(db, tableName()),
    log: createDynamoErasureLog(db, tableName()),
    clock: systemClock,
    ...overrides,
  });

const anonymisedItem = {
  userId: null,
  email: null,
  shippingAddress: null,
  anonymisedAt: expect.any(String),
};

describe('DELETE /v1/me', () => {
  it('answers 202 and queues exactly one erasure message; nothing is erased yet', async () => {
    const { sub, token, orders } = await customerWithHistory();
    const before = await snapshot(sub, Object.values(orders));

    const res = await deleteMe(deleteProfileSendingTo(queueUrl), token);

    expect(res.status).toBe(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({ status: 'ERASURE_REQUESTED', requestedAt: expect.any(String) });
    const messages = await takeMessages();
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([
      { type: 'ERASURE_REQUESTED', sub, requestedAt: res.json.requestedAt },
    ]);
    expect(await snapshot(sub, Object.values(orders))).toEqual(before);
  });

  it('when the message cannot be queued, answers 503 (a problem to retry) and changes nothing', async () => {
    const { sub, token, orders } = await customerWithHistory();
    const before = await snapshot(sub, Object.values(orders));
    // A real send that fails: the queue does not exist.
    const missingQueue = `${queueUrl.slice(0, queueUrl.lastIndexOf('/'))}/erasure-missing-${randomUUID()}`;

    const res = await deleteMe(deleteProfileSendingTo(missingQueue), token);

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(res.body).not.toMatch(/queue|sqs/i);
    expect(await snapshot(sub, Object.values(orders))).toEqual(before);
    expect(await takeMessages()).toEqual([]);
  });
});

describe('the erasure worker (DynamoDB Local, SQS emulator)', () => {
  it('deletes profile and cart, cancels open orders, anonymises every order, and leaves other customers alone', async () => {
    const customer = await customerWithHistory();
    const other = await customerWithHistory();
    const othersBefore = await snapshot(other.sub, Object.values(other.orders));
    const admin = adminToken();
    const before = Object.fromEntries(
      await Promise.all(
        Object.entries(customer.orders).map(async ([name, orderId]) => [
          name,
          (await readOrder(customer.sub, orderId, admin)).json,
        ]),
      ),
    );
    const record = await requestErasure(customer.token, customer.sub);

    expect(await deliver(record)).toEqual({ batchItemFailures: [] });

    expect(await stored(keys.profile(customer.sub))).toBeUndefined();
    expect(await stored(keys.cart(customer.sub))).toBeUndefined();
    // Its open order was cancelled, so the record of the customer's pending orders names none: it goes.
    expect(await stored(keys.pendingOrders(customer.sub))).toBeUndefined();
    const list = await myOrders(customer.token);
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ items: [], nextCursor: null });
    for (const [name, orderId] of Object.entries(customer.orders)) {
      expect({ name, status: (await readOrder(customer.sub, orderId)).status }).toEqual({ name, status: 404 });
      const seenByAdmin = (await readOrder(customer.sub, orderId, admin)).json;
      expect(seenByAdmin).toMatchObject({
        orderId,
        items: before[name].items,
        subtotal: before[name].subtotal,
        discount: before[name].discount,
        total: before[name].total,
        currency: before[name].currency,
        createdAt: before[name].createdAt,
        shippingAddress: null,
      });
      const item = await stored(keys.order(orderId));
      expect(item).toMatchObject(anonymisedItem);
      expect(item).not.toHaveProperty('GSI1PK');
      expect(item).not.toHaveProperty('GSI1SK');
      expect(JSON.stringify(item)).not.toContain(customer.sub);
      expect(JSON.stringify(item)).not.toContain(address.line1);
    }
    // Open orders went through the normal cancel path: reservation released, paid units restocked.
    const pending = (await readOrder(customer.sub, customer.orders.pending, admin)).json;
    expect(pending.status).toBe('CANCELLED');
    expect(eventTypes(pending)).toEqual(['ORDER_PLACED', 'CANCELLED']);
    expect(await stockOf(db, customer.skus.pending)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect((await readOrder(customer.sub, customer.orders.paid, admin)).json.status).toBe('CANCELLED');
    expect(await stockOf(db, customer.skus.paid)).toEqual({ onHand: 10, reserved: 0, available: 10 });

    // A later GET /v1/me starts over: only what the sign-in account says.
    expect((await getMe(customer.token)).json).toEqual({
      sub: customer.sub,
      email: `${customer.sub}@example.com`,
      emailVerified: true,
      name: null,
      defaultAddress: null,
    });
    expect((await myCart(customer.token)).json.items).toEqual([]);

    expect(await snapshot(other.sub, Object.values(other.orders))).toEqual(othersBefore);
    expect((await myOrders(other.token)).json.items).toHaveLength(3);
  });

  it('when the same message arrives twice at once and again later, the result is as after one delivery', async () => {
    const customer = await customerWithHistory();
    const records = await checkoutRecords(customer.sub);
    expect(records).toHaveLength(3);
    for (const item of records) completedWithAddress(item);
    const record = await requestErasure(customer.token, customer.sub);
    const again = () => sqsRecord(record.body);

    const results = await Promise.all([deliver(record, again()), deliver(again())]);
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await deliver(again())).toEqual({ batchItemFailures: [] });

    const admin = adminToken();
    for (const orderId of Object.values(customer.orders)) {
      const order = (await readOrder(customer.sub, orderId, admin)).json;
      expect(order.shippingAddress).toBeNull();
      expect(order.events.filter((event: { type: string }) => event.type === 'CANCELLED')).toHaveLength(1);
      expect(await stored(keys.order(orderId))).toMatchObject(anonymisedItem);
    }
    // Released and restocked once each (twice would show here).
    expect(await stockOf(db, customer.skus.pending)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(db, customer.skus.paid)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(db, customer.skus.cancelled)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stored(keys.profile(customer.sub))).toBeUndefined();
    // The racing deliveries deleted each stored checkout response once; the refused deletes did no harm.
    expect(await checkoutRecords(customer.sub)).toEqual([]);
  });

  it('a redelivery after the customer came back touches nothing they created since', async () => {
    const customer = await customerWithHistory();
    const record = await requestErasure(customer.token, customer.sub);
    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    // The customer returns: a new profile and a new order.
    expect((await putMe(customer.token, { name: 'Back again' })).status).toBe(200);
    const newKey = randomUUID();
    const newOrder = await place(customer.token, customer.skus.pending, 1, newKey);
    const newRecord = await stored(keys.idempotency(customer.sub, newKey));
    completedWithAddress(newRecord);

    expect(await deliver(sqsRecord(record.body))).toEqual({ batchItemFailures: [] });

    expect((await getMe(customer.token)).json.name).toBe('Back again');
    const mine = (await myOrders(customer.token)).json.items;
    expect(mine.map((order: { orderId: string }) => order.orderId)).toEqual([newOrder.orderId]);
    expect(mine[0].shippingAddress).toEqual({ ...address, line2: null });
    expect(mine[0].status).toBe('PENDING_PAYMENT');
    expect(await checkoutRecords(customer.sub)).toEqual([newRecord]);
  });

  it('an order placed after the request is not part of it', async () => {
    const customer = await customerWithHistory();
    const requestedAt = new Date().toISOString();
    const placedAfter = await place(customer.token, customer.skus.paid, 1);

    expect(await deliver(messageFor({ sub: customer.sub, requestedAt }))).toEqual({ batchItemFailures: [] });

    const mine = (await myOrders(customer.token)).json.items;
    expect(mine.map((order: { orderId: string }) => order.orderId)).toEqual([placedAfter.orderId]);
    expect(mine[0].status).toBe('PENDING_PAYMENT');
    // It keeps its place among the customer's pending orders; the cancelled ones gave theirs back.
    expect((await stored(keys.pendingOrders(customer.sub)))?.orderIds).toEqual(new Set([placedAfter.orderId]));
    for (const orderId of Object.values(customer.orders))
      expect(await stored(keys.order(orderId))).toMatchObject(anonymisedItem);
  });

  it('an erasure that crashes midway is finished by the redelivery, one order at a time through the pages', async () => {
    const customer = await customerWithHistory();
    const request = { sub: customer.sub, requestedAt: new Date().toISOString() };
    const real = createDynamoOrderErasure(db, tableName());
    let writesBeforeCrash = 1;
    const crashing: OrderAnonymiser = {
      ...real,
      anonymise: async (order, at) => {
        if (writesBeforeCrash-- <= 0) throw new Error('the worker crashed');
        return real.anonymise(order, at);
      },
    };

    await expect(erasureServiceWith({ anonymiser: crashing, pageSize: 1 }).erase(request)).rejects.toThrow(
      'the worker crashed',
    );
    const anonymisedSoFar = (
      await Promise.all(Object.values(customer.orders).map((orderId) => stored(keys.order(orderId))))
    ).filter((item) => item?.userId === null);
    expect(anonymisedSoFar).toHaveLength(1);
    expect((await myOrders(customer.token)).json.items).toHaveLength(2);

    const summary = await erasureServiceWith({ pageSize: 1 }).erase(request);

    expect(summary).toMatchObject({ alreadyDone: false, anonymised: 2 });
    expect((await myOrders(customer.token)).json.items).toEqual([]);
    for (const orderId of Object.values(customer.orders))
      expect(await stored(keys.order(orderId))).toMatchObject(anonymisedItem);
    expect(await stockOf(db, customer.skus.pending)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(db, customer.skus.paid)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('a paid order that ships while it is being erased is anonymised as shipped, not cancelled', async () => {
    const customer = await customerWithHistory();
    const orders = createDynamoOrderRepository(db, tableName());
    // The fulfilment worker wins the race: the order ships just before the erasure's cancel lands.
    const shipsFirst: Pick<OrderService, 'cancel'> = {
      cancel: async (orderId, viewer) => {
        const order = await orders.get(orderId);
        if (order?.status === 'PAID') {
          const at = new Date().toISOString();
          const shipped = await orders.transition({
            order,
            from: 'PAID',
            to: 'SHIPPED',
            event: { type: 'SHIPPED', at, detail: null },
            stock: 'none',
            changes: { shipment: { carrier: 'Test Carrier', trackingNumber: 'TRACK-1' } },
          });
          expect(shipped).toBe(true);
        }
        return orderService().cancel(orderId, viewer);
      },
    };

    const summary = await erasureServiceWith({ cancellation: shipsFirst }).erase({
      sub: customer.sub,
      requestedAt: new Date().toISOString(),
    });

    expect(summary).toMatchObject({ anonymised: 3, cancelled: 1 });
    const paid = (await readOrder(customer.sub, customer.orders.paid, adminToken())).json;
    expect(paid).toMatchObject({
      status: 'SHIPPED',
      shipment: { carrier: 'Test Carrier', trackingNumber: 'TRACK-1' },
      shippingAddress: null,
    });
    expect(await stored(keys.order(customer.orders.paid))).toMatchObject(anonymisedItem);
    expect(await stockOf(db, customer.skus.paid)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect((await readOrder(customer.sub, customer.orders.pending, adminToken())).json.status).toBe('CANCELLED');
  });

  it('a change based on a read from before the erasure cannot write the personal data back', async () => {
    const customer = await customerWithHistory();
    const orders = createDynamoOrderRepository(db, tableName());
    const stale = await orders.get(customer.orders.cancelled);
    if (!stale) throw new Error('order not found');
    // Even when the clock has not moved since the order's last change, the erasure gives it a new updatedAt.
    const stuckClock = { now: () => new Date(stale.updatedAt) };
    await erasureServiceWith({ clock: stuckClock }).erase({
      sub: customer.sub,
      requestedAt: new Date().toISOString(),
    });
    const refunded = (order: typeof stale) =>
      orders.transition({
        order,
        from: 'CANCELLED',
        to: 'CANCELLED',
        event: { type: 'REFUNDED', at: new Date().toISOString(), detail: null },
        stock: 'none',
      });

    expect(await refunded(stale)).toBe(false);
    expect(await stored(keys.order(customer.orders.cancelled))).toMatchObject(anonymisedItem);

    // The same change from a fresh read lands, and keeps the order anonymised.
    const fresh = await orders.get(customer.orders.cancelled);
    if (!fresh) throw new Error('order not found');
    expect(await refunded(fresh)).toBe(true);
    const item = await stored(keys.order(customer.orders.cancelled));
    expect(item).toMatchObject(anonymisedItem);
    expect(item).not.toHaveProperty('GSI1PK');
    expect((await myOrders(customer.token)).json.items).toEqual([]);
  });

  it('acknowledges a malformed message without touching anything', async () => {
    const customer = await customerWithHistory();
    const before = await snapshot(customer.sub, Object.values(customer.orders));

    const result = await deliver(
      sqsRecord('{not json'),
      sqsRecord({ type: 'ERASURE_REQUESTED', sub: customer.sub }),
      sqsRecord({ type: 'ERASURE_REQUESTED', sub: customer.sub, requestedAt: 'yesterday' }),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await snapshot(customer.sub, Object.values(customer.orders))).toEqual(before);
  });
});

describe('the erasure of stored checkout responses (Idempotency-Key records)', () => {
  it("deletes the customer's completed records, the address with them, and no one else's", async () => {
    const sku = await stockedProduct(10);
    const sub = `erase-${randomUUID()}`;
    const token = tokenFor(sub);
    const [placedKey, refusedKey] = [randomUUID(), randomUUID()];
    await place(token, sku, 1, placedKey);
    // A refused checkout is stored too (it replays as OUT_OF_STOCK).
    expect((await checkout(token, sku, 50, refusedKey)).status).toBe(409);
    completedWithAddress(await stored(keys.idempotency(sub, placedKey)));
    expect(await stored(keys.idempotency(sub, refusedKey))).toMatchObject({ status: 'COMPLETED' });
    // Another customer, with one key of their own and one equal to the erased customer's.
    const otherSub = `keep-${randomUUID()}`;
    const otherToken = tokenFor(otherSub);
    await place(otherToken, sku, 1, placedKey);
    await place(otherToken, sku, 1);
    const othersBefore = await checkoutRecords(otherSub);
    expect(othersBefore).toHaveLength(2);

    const record = await requestErasure(token, sub);
    expect(await deliver(record)).toEqual({ batchItemFailures: [] });

    expect(await stored(keys.idempotency(sub, placedKey))).toBeUndefined();
    expect(await stored(keys.idempotency(sub, refusedKey))).toBeUndefined();
    expect(await checkoutRecords(sub)).toEqual([]);
    expect(await checkoutRecords(otherSub)).toEqual(othersBefore);
  });

  it('keeps records created after the request, claims begun after it and crashed claims, and none of them holds it up', async () => {
    const sku = await stockedProduct(10);
    const sub = `erase-${randomUUID()}`;
    const token = tokenFor(sub);
    const [beforeKey, crashedKey, afterKey, runningKey] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await place(token, sku, 1, beforeKey);
    const crashed = await idempotencyStore(twoMinutesAgo).begin(sub, crashedKey, 'fingerprint-of-a-crashed-checkout');
    expect(crashed.outcome).toBe('acquired');
    const crashedRecord = await stored(keys.idempotency(sub, crashedKey));
    const requestedAt = new Date().toISOString();
    await clockPast(requestedAt);
    await place(token, sku, 1, afterKey);
    const afterRecord = await stored(keys.idempotency(sub, afterKey));
    completedWithAddress(afterRecord);
    const store = idempotencyStore();
    const running = await store.begin(sub, runningKey, 'fingerprint-of-the-running-checkout');
    if (running.outcome !== 'acquired') throw new Error(`claim not acquired: ${running.outcome}`);

    expect(await deliver(messageFor({ sub, requestedAt }))).toEqual({ batchItemFailures: [] });

    expect(await stored(keys.idempotency(sub, beforeKey))).toBeUndefined();
    expect(await stored(keys.idempotency(sub, afterKey))).toEqual(afterRecord);
    expect(await stored(keys.idempotency(sub, crashedKey))).toEqual(crashedRecord);
    expect(await stored(keys.idempotency(sub, runningKey))).toMatchObject({
      status: 'IN_PROGRESS',
      token: running.lease.token,
    });
    // The running checkout was not broken halfway: it still completes its own record.
    await store.complete(running.lease, storedJson(409, { code: 'OUT_OF_STOCK' }));
    expect(await stored(keys.idempotency(sub, runningKey))).toMatchObject({
      status: 'COMPLETED',
      response: { statusCode: 409 },
    });
  });

  it('waits for a checkout begun before the request, changing nothing, then erases the order it placed', async () => {
    const sku = await stockedProduct(10, 1500);
    const sub = `erase-${randomUUID()}`;
    const token = tokenFor(sub);
    expect((await putMe(token, { name: 'Ada Lovelace', defaultAddress: address })).status).toBe(200);
    // The checkout stops just before its transaction, until the test lets it go on.
    const paused = pauseNextPlacement();
    const key = randomUUID();
    let message: SQSRecord;
    let placed: Awaited<ReturnType<typeof checkout>>;
    try {
      const running = checkout(token, sku, 1, key);
      await paused.atCommit;
      // The customer asks to be erased while their checkout is between its claim and its commit.
      message = messageFor({ sub, requestedAt: new Date().toISOString() });
      const before = { profile: await stored(keys.profile(sub)), records: await checkoutRecords(sub) };
      expect(before.records).toMatchObject([{ status: 'IN_PROGRESS' }]);

      expect(await deliver(message)).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
      expect({ profile: await stored(keys.profile(sub)), records: await checkoutRecords(sub) }).toEqual(before);

      paused.goOn();
      placed = await running;
    } finally {
      paused.restore();
    }
    expect(placed.status).toBe(201);
    const { orderId } = placed.json as { orderId: string };
    completedWithAddress(await stored(keys.idempotency(sub, key)));
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 1, available: 9 });

    // The redelivery, once the checkout has finished: its order was placed before the request.
    expect(await deliver(message)).toEqual({ batchItemFailures: [] });

    expect(await stored(keys.order(orderId))).toMatchObject({ status: 'CANCELLED', ...anonymisedItem });
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stored(keys.profile(sub))).toBeUndefined();
    expect(await checkoutRecords(sub)).toEqual([]);
  });

  it('erases the orders its stored responses name even while the customer-orders index does not show them yet', async () => {
    const sku = await stockedProduct(10);
    const sub = `erase-${randomUUID()}`;
    const token = tokenFor(sub);
    const order = await place(token, sku, 2);
    const request = { sub, requestedAt: new Date().toISOString() };
    // The index lags behind the table (eventually consistent in DynamoDB; DynamoDB Local never lags).
    const repository = createDynamoOrderRepository(db, tableName());
    const laggingIndex = { get: repository.get, listByCustomer: async () => ({ items: [], next: null }) };

    const summary = await erasureServiceWith({ orders: laggingIndex }).erase(request);

    expect(summary).toMatchObject({ anonymised: 1, cancelled: 1, idempotencyRecords: 1 });
    expect(await stored(keys.order(order.orderId))).toMatchObject({ status: 'CANCELLED', ...anonymisedItem });
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('walks every page of the records, and a run that crashed midway is finished by the next one', async () => {
    const sku = await stockedProduct(10);
    const sub = `erase-${randomUUID()}`;
    const token = tokenFor(sub);
    for (let i = 0; i < 4; i++) await place(token, sku, 1);
    // A crashed checkout's claim: it does not hold the erasure up, and is not deleted (it holds no response).
    const crashed = await idempotencyStore(twoMinutesAgo).begin(sub, randomUUID(), 'fingerprint');
    expect(crashed.outcome).toBe('acquired');
    const request = { sub, requestedAt: new Date().toISOString() };
    expect(await checkoutRecords(sub)).toHaveLength(5);
    // The worker dies after its second delete (a fault the engine cannot produce on demand).
    let deletesBeforeCrash = 2;
    const crashingDb = {
      send: (command: unknown) => {
        if (command instanceof DeleteCommand && deletesBeforeCrash-- <= 0) throw new Error('the worker crashed');
        return db.send(command as GetCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const crashing = createDynamoIdempotencyEraser(crashingDb, tableName(), systemClock, { pageSize: 1 });

    await expect(erasureServiceWith({ idempotencyRecords: crashing }).erase(request)).rejects.toThrow(
      'the worker crashed',
    );
    expect(await checkoutRecords(sub)).toHaveLength(3);

    const summary = await erasureServiceWith({
      idempotencyRecords: createDynamoIdempotencyEraser(db, tableName(), systemClock, { pageSize: 1 }),
    }).erase(request);

    expect(summary).toMatchObject({ alreadyDone: false, idempotencyRecords: 2 });
    expect((await checkoutRecords(sub)).map((item) => item.status)).toEqual(['IN_PROGRESS']);
    expect(await erasureServiceWith({}).erase(request)).toMatchObject({ alreadyDone: true, idempotencyRecords: 0 });
  });
});
