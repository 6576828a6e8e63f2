import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as cancelOrder } from '../../functions/http/cancel-order';
import { handler as createOrder } from '../../functions/http/create-order';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getOrder } from '../../functions/http/get-order';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import {
  buildOrderRepository,
  buildOrderService,
  orderRepository,
  type TaxSettings,
  workOutbox,
} from '../../shared/container/orders';
import { returnRepository } from '../../shared/container/returns';
import type { WorkQueue } from '../../shared/domain/orders/order-work';
import type { PaymentGateway } from '../../shared/domain/payments/payment-gateway';
import { createPaymentService } from '../../shared/domain/payments/payment-service';
import { systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { invoke, lambdaContext } from './http-event';
import { adminToken, customerToken, tableName, uniqueSku } from './integration';
import { sandboxStats } from './sandbox-gateway';
import { sqsEvent, sqsRecord } from './sqs-event';

export const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

/**
 * A new active product with `onHand` units, through the admin API (by `token`: an admin of a test's
 * own keeps its requests off the request counter the other files' admin shares), with any other
 * fields of its creation (`{ weight }`, `{ taxClass }`).
 */
export async function stockedProduct(
  onHand: number,
  price = 1000,
  token = adminToken(),
  fields: Record<string, unknown> = {},
): Promise<string> {
  const sku = uniqueSku('CHK');
  const created = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name: `Product ${sku}`, price, category: 'Checkout tests', ...fields },
    token,
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.body}`);
  const stocked = await invoke(putInventory, {
    method: 'PUT',
    path: `/v1/inventory/${sku}`,
    pathParameters: { sku },
    body: { onHand },
    token,
  });
  if (stocked.status !== 200) throw new Error(`stock not set: ${stocked.body}`);
  return sku;
}

/**
 * A new active T-shirt with one variant per size, each with its own stock (`{ S: 2, M: 0 }`), through
 * the admin API. Variant skus are the product's sku and the size: `<sku>-S`.
 */
export async function variantProduct(
  stockBySize: Record<string, number>,
  { price = 2000, token = adminToken() }: { price?: number; token?: string } = {},
): Promise<{ sku: string; variant: (size: string) => string }> {
  const sku = uniqueSku('VAR');
  const variant = (size: string) => `${sku}-${size}`;
  const sizes = Object.keys(stockBySize);
  const created = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: {
      sku,
      name: `Shirt ${sku}`,
      price,
      category: 'Checkout tests',
      options: [{ name: 'Size', values: sizes }],
      variants: sizes.map((size) => ({ sku: variant(size), options: { Size: size } })),
    },
    token,
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.body}`);
  for (const [size, onHand] of Object.entries(stockBySize)) {
    const stocked = await invoke(putInventory, {
      method: 'PUT',
      path: `/v1/inventory/${variant(size)}`,
      pathParameters: { sku: variant(size) },
      body: { onHand },
      token,
    });
    if (stocked.status !== 200) throw new Error(`stock not set: ${stocked.body}`);
  }
  return { sku, variant };
}

/** A variant's stock as stored, in its product's collection (strongly consistent). */
export async function variantStockOf(db: DynamoDBDocumentClient, productSku: string, sku: string) {
  const result = await db.send(
    new GetCommand({
      TableName: tableName(),
      Key: { PK: `PRODUCT#${productSku}`, SK: `#VARIANT#${sku}` },
      ConsistentRead: true,
    }),
  );
  const { onHand, reserved, available } = result.Item ?? {};
  return { onHand, reserved, available };
}

export interface OrderRequest {
  items?: Array<{ sku: string; quantity: number }>;
  discountCode?: string;
  shippingAddress?: unknown;
  paymentToken?: string;
  [field: string]: unknown;
}

/** POST /v1/orders as a customer (a fresh Idempotency-Key unless one is given; `null`: none). */
export function placeOrder(sub: string, body: OrderRequest, key: string | null = randomUUID()) {
  return invoke(createOrder, {
    method: 'POST',
    path: '/v1/orders',
    body: { shippingAddress: address, paymentToken: 'tok_visa', ...body },
    headers: key === null ? {} : { 'Idempotency-Key': key },
    token: customerToken(sub),
  });
}

export interface PendingOrderOptions {
  /** The customer; a new one (`<prefix>-<uuid>`) unless given. */
  sub?: string;
  prefix?: string;
  paymentToken?: string;
  /** Units ordered of a new product stocked with `onHand` at `price`. */
  quantity?: number;
  onHand?: number;
  price?: number;
  /** Instead of the usual test address. */
  shippingAddress?: typeof address;
}

/**
 * An order placed through the API and left PENDING_PAYMENT (no worker runs), by default 2 units of
 * a new product stocked with 10 at 1250, with the payment message checkout queued for it.
 */
export async function pendingOrder(options: PendingOrderOptions = {}) {
  const { prefix = 'order', paymentToken = 'tok_visa', quantity = 2, onHand = 10, price = 1250 } = options;
  const sub = options.sub ?? `${prefix}-${randomUUID()}`;
  const sku = await stockedProduct(onHand, price);
  const placed = await placeOrder(sub, {
    items: [{ sku, quantity }],
    paymentToken,
    ...(options.shippingAddress && { shippingAddress: options.shippingAddress }),
  });
  if (placed.status !== 201) throw new Error(`order not placed: ${placed.body}`);
  const { orderId, total, currency } = placed.json as { orderId: string; total: number; currency: string };
  const message = { type: 'PAYMENT_REQUESTED' as const, orderId, paymentToken, amount: total, currency };
  return { sub, sku, orderId, total, currency, message };
}

export type PendingOrder = Awaited<ReturnType<typeof pendingOrder>>;

/** An order placed through the API and paid by the real payment worker (sandbox gateway): PAID, its fulfilment work armed. */
export async function paidOrder(options: PendingOrderOptions = {}): Promise<PendingOrder> {
  const order = await pendingOrder(options);
  const paid = (await paymentWorker(sqsEvent([sqsRecord(order.message)]), lambdaContext('payment-worker'))) as
    | { batchItemFailures: unknown[] }
    | undefined;
  if ((paid?.batchItemFailures ?? []).length > 0) throw new Error(`order ${order.orderId} was not paid`);
  const { status } = await orderOf(order);
  if (status !== 'PAID') throw new Error(`order ${order.orderId} is ${status}, not PAID`);
  return order;
}

export function readOrder(sub: string, orderId: string, token = customerToken(sub)) {
  return invoke(getOrder, {
    method: 'GET',
    path: `/v1/orders/${orderId}`,
    route: '/v1/orders/{orderId}',
    pathParameters: { orderId },
    token,
  });
}

/** The order as its customer reads it through `GET /v1/orders/{orderId}`. */
export const orderOf = async ({ sub, orderId }: { sub: string; orderId: string }) =>
  (await readOrder(sub, orderId)).json;

/** The types of an order's timeline events, in order. */
export const eventTypes = (order: { events: Array<{ type: string }> }) => order.events.map((event) => event.type);

/**
 * A `pendingOrder()` (2 of a product stocked with 10) paid exactly once: PAID, its timeline placed
 * then paid, the reserved units sold, one charge at the sandbox gateway and no refund.
 */
export async function expectPaidOnce(
  db: DynamoDBDocumentClient,
  placed: { sub: string; orderId: string; sku: string },
) {
  const order = await orderOf(placed);
  expect(order.status).toBe('PAID');
  expect(eventTypes(order)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
  expect(await stockOf(db, placed.sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 1, refunds: 0 });
  return order;
}

/** Moves the order's reservation expiry into the past, directly in the table (its status index key stays as it is). */
export async function pastReservation(db: DynamoDBDocumentClient, orderId: string) {
  await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { PK: `ORDER#${orderId}`, SK: '#ORDER' },
      UpdateExpression: 'SET reservationExpiresAt = :past',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
    }),
  );
}

export function cancel(sub: string, orderId: string, token = customerToken(sub)) {
  return invoke(cancelOrder, {
    method: 'POST',
    path: `/v1/orders/${orderId}/cancel`,
    route: '/v1/orders/{orderId}/cancel',
    pathParameters: { orderId },
    token,
  });
}

export async function stockOf(db: DynamoDBDocumentClient, sku: string) {
  const result = await db.send(
    new GetCommand({ TableName: tableName(), Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' }, ConsistentRead: true }),
  );
  const { onHand, reserved, available } = result.Item ?? {};
  return { onHand, reserved, available };
}

/** Counts HTTP statuses: `{ 201: 50, 409: 150 }`. */
export function countStatuses(responses: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The order service over the real DynamoDB adapters (its work records go out through the table's stream). */
export function orderServiceWith(db: DynamoDBDocumentClient, tax?: TaxSettings) {
  const table = { db, name: tableName() };
  return buildOrderService(table, {
    ...(tax && { tax }),
    orders: buildOrderRepository(table, { resendAfterSeconds: 1800 }),
    cursors: createCursorCodec('checkout-tests-cursor-secret'),
    currency: 'EUR',
    reservationTtlSeconds: 900,
    maxOrderTotal: 99_999_999,
    maxPendingOrdersPerCustomer: 5,
    // The checkout limit has its own tests (rate-limits.test.ts); these place as many as they like.
    checkoutLimit: { consume: async () => ({ giveBack: async () => undefined }) },
  });
}

/** The payment service as deployed (the real orders and outbox), charging and refunding through `gateway`. */
export const paymentServiceWith = (gateway: PaymentGateway) =>
  createPaymentService({
    orders: orderRepository(),
    gateway,
    outbox: workOutbox(),
    lateRefundDueAfterSeconds: 60,
    returns: returnRepository(),
    clock: systemClock,
  });

/** A queue that always fails. */
export const failingQueue = (message = 'queue unavailable'): WorkQueue => ({
  send: async () => {
    throw new Error(message);
  },
});

/** A work record of an order (the payment's by default; undefined once the work is done). */
export async function outboxRecord(db: DynamoDBDocumentClient, orderId: string, kind = 'PAYMENT') {
  const result = await db.send(
    new GetCommand({
      TableName: tableName(),
      Key: { PK: `ORDER#${orderId}`, SK: `#OUTBOX#${kind}` },
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/**
 * Stops the next checkout of the deployed order repository (`orderRepository()`) just before its
 * transaction, until `goOn()`: `atCommit` resolves when it got there. `restore()` (in a `finally`)
 * lets it go on and puts the repository back.
 */
export function pauseNextPlacement() {
  const repository = orderRepository();
  const commit = repository.place.bind(repository);
  let reachedCommit: () => void = () => {};
  const atCommit = new Promise<void>((resolve) => {
    reachedCommit = resolve;
  });
  let goOn: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    goOn = resolve;
  });
  const paused = jest.spyOn(repository, 'place').mockImplementationOnce(async (placement) => {
    reachedCommit();
    await released;
    return commit(placement);
  });
  return {
    atCommit,
    goOn,
    restore: () => {
      goOn();
      paused.mockRestore();
    },
  };
}
