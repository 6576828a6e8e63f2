/**
 * Checkout and payment safeguards (docs/contract.md §5.0): stock is never held by a payment that cannot
 * succeed, free orders complete, redemptions come back, no price is charged that the customer did
 * not see, no total beyond what can be charged, and no customer holds more than a few unpaid orders.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { handler as createDiscount } from '../../functions/http/create-discount';
import { handler as getDiscount } from '../../functions/http/get-discount';
import { handler as paymentWebhook } from '../../functions/http/payment-webhook';
import { handler as updateProduct } from '../../functions/http/update-product';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { keys } from '../../shared/adapters/dynamo/keys';
import { config } from '../../shared/config';
import { paymentGateway } from '../../shared/container/payments';
import { paymentSignatureHeader } from '../../shared/domain/payments/webhook-signature';
import { runJobNow } from '../support/admin-jobs';
import {
  cancel,
  countStatuses,
  eventTypes,
  orderOf,
  outboxRecord,
  pastReservation,
  pendingOrder,
  placeOrder,
  stockedProduct,
  stockOf,
} from '../support/checkout';
import { localSecret } from '../support/config-env';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, tableName, testDocumentClient } from '../support/integration';
import { sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());

const newCustomer = () => `safe-${randomUUID()}`;
const deliver = async (...records: SQSRecord[]) =>
  (await paymentWorker(sqsEvent(records), lambdaContext('payment-worker'))) as SQSBatchResponse;

async function newDiscount(body: Record<string, unknown>): Promise<string> {
  const code = `SAFE${randomUUID().slice(0, 8).toUpperCase()}`;
  const created = await invoke(createDiscount, {
    method: 'POST',
    path: '/v1/discounts',
    body: { code, ...body },
    token: adminToken(),
  });
  if (created.status !== 201) throw new Error(`discount not created: ${created.body}`);
  return code;
}

const redemptionsOf = async (code: string) =>
  (
    await invoke(getDiscount, {
      method: 'GET',
      path: `/v1/discounts/${code}`,
      route: '/v1/discounts/{code}',
      pathParameters: { code },
      token: adminToken(),
    })
  ).json.redemptions as number;

/** An order of one unit through the API, left PENDING_PAYMENT, with the payment message checkout queued. */
async function placed(sub: string, sku: string, body: Record<string, unknown> = {}) {
  const res = await placeOrder(sub, { items: [{ sku, quantity: 1 }], ...body });
  if (res.status !== 201) throw new Error(`order not placed: ${res.body}`);
  const { orderId, total, currency } = res.json as { orderId: string; total: number; currency: string };
  const paymentToken = (body.paymentToken as string | undefined) ?? 'tok_visa';
  return { sub, sku, orderId, message: { type: 'PAYMENT_REQUESTED', orderId, paymentToken, amount: total, currency } };
}

describe('a payment the gateway refuses for good', () => {
  it('ends the order PAYMENT_FAILED at the first delivery (an unknown token), stock released, e-mail queued, nothing retried', async () => {
    const order = await pendingOrder({ prefix: 'refused', paymentToken: 'tok_noSuchToken' });

    expect(await deliver(sqsRecord(order.message))).toEqual({ batchItemFailures: [] });

    const read = await orderOf(order);
    expect(read.status).toBe('PAYMENT_FAILED');
    expect(read.events.at(-1)).toMatchObject({ type: 'PAYMENT_FAILED', detail: 'resource_missing' });
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await outboxRecord(db, order.orderId, 'NOTIFY_PAYMENT_FAILED')).toBeDefined();
    expect(await outboxRecord(db, order.orderId)).toBeUndefined();
  });

  it('an amount over the gateway limit is a final refusal, not a failure to retry', async () => {
    const result = await paymentGateway().charge({
      orderId: `ord_${randomUUID().replaceAll('-', '')}`,
      amount: 100_000_000,
      currency: 'EUR',
      paymentToken: 'tok_visa',
      idempotencyKey: randomUUID(),
    });
    expect(result).toEqual({ outcome: 'declined', reason: 'amount_too_large' });
  });

  it('a gateway error (5xx) is still retried: the order keeps its stock and the record fails', async () => {
    const order = await pendingOrder({ prefix: 'retry', paymentToken: 'tok_gatewayError' });
    const record = sqsRecord(order.message);
    expect(await deliver(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
  });
});

describe('a free order (a discount covers the whole total)', () => {
  it('is PAID without a gateway call, its fulfilment started, once under redelivery', async () => {
    const sku = await stockedProduct(4, 1500);
    const code = await newDiscount({ percentOff: 100 });
    const order = await placed(newCustomer(), sku, { discountCode: code });

    for (let i = 0; i < 2; i++) expect(await deliver(sqsRecord(order.message))).toEqual({ batchItemFailures: [] });

    const read = await orderOf(order);
    expect(read).toMatchObject({ status: 'PAID', subtotal: 1500, discount: 1500, total: 0 });
    expect(eventTypes(read)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
    expect(read.payment).toEqual({ status: 'SUCCEEDED', attempts: 1 });
    expect(await stockOf(db, sku)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 0, declines: 0 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeDefined();
  });

  it('cancelled after it was paid, asks for no refund', async () => {
    const sku = await stockedProduct(4, 1500);
    const order = await placed(newCustomer(), sku, { discountCode: await newDiscount({ amountOff: 5000 }) });
    await deliver(sqsRecord(order.message));

    expect((await cancel(order.sub, order.orderId)).status).toBe(200);

    expect(await outboxRecord(db, order.orderId, 'REFUND')).toBeUndefined();
    expect(await stockOf(db, sku)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });
});

describe('discount redemptions', () => {
  it('three declined cards do not use up a 1-redemption code: each failure gives its redemption back', async () => {
    const sku = await stockedProduct(10, 1000);
    const code = await newDiscount({ percentOff: 10, maxRedemptions: 1 });
    for (let i = 0; i < 3; i++) {
      const order = await placed(newCustomer(), sku, { discountCode: code, paymentToken: 'tok_chargeDeclined' });
      expect(await redemptionsOf(code)).toBe(1);
      // Delivered twice: the give-back happens once, with the one transition that fails the order.
      await deliver(sqsRecord(order.message), sqsRecord(order.message));
      expect((await orderOf(order)).status).toBe('PAYMENT_FAILED');
      expect(await redemptionsOf(code)).toBe(0);
    }
    const paying = await placed(newCustomer(), sku, { discountCode: code });
    await deliver(sqsRecord(paying.message));
    expect((await orderOf(paying)).status).toBe('PAID');
    expect(await redemptionsOf(code)).toBe(1);
    const refused = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }], discountCode: code });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('DISCOUNT_UNAVAILABLE');
  });

  it('an expired or cancelled order gives its redemption back once, however often it is cancelled', async () => {
    const sku = await stockedProduct(10, 1000);
    const code = await newDiscount({ amountOff: 100, maxRedemptions: 2 });
    const expiring = await placed(newCustomer(), sku, { discountCode: code });
    const cancelled = await placed(newCustomer(), sku, { discountCode: code });
    expect(await redemptionsOf(code)).toBe(2);

    await pastReservation(db, expiring.orderId);
    expect((await runJobNow('expire-reservations')).status).toBe(200);
    const cancels = await Promise.all([
      cancel(cancelled.sub, cancelled.orderId),
      cancel(cancelled.sub, cancelled.orderId),
    ]);

    expect(cancels.map((res) => res.status).sort()).toEqual([200, 409]);
    expect((await orderOf(expiring)).status).toBe('EXPIRED');
    expect(await redemptionsOf(code)).toBe(0);
  });

  it('a paid order cancelled (refunded) gives its redemption back', async () => {
    const sku = await stockedProduct(10, 1000);
    const code = await newDiscount({ percentOff: 50, maxRedemptions: 5 });
    const order = await placed(newCustomer(), sku, { discountCode: code });
    await deliver(sqsRecord(order.message));
    expect(await redemptionsOf(code)).toBe(1);

    expect((await cancel(order.sub, order.orderId)).status).toBe(200);

    expect(await redemptionsOf(code)).toBe(0);
  });

  it('maxRedemptionsPerCustomer: a customer uses the code at most that often, others still can, and a failed order gives the use back', async () => {
    const sku = await stockedProduct(10, 1000);
    const code = await newDiscount({ percentOff: 10, maxRedemptionsPerCustomer: 1 });
    const alice = newCustomer();
    const first = await placed(alice, sku, { discountCode: code });

    const again = await placeOrder(alice, { items: [{ sku, quantity: 1 }], discountCode: code });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('DISCOUNT_UNAVAILABLE');
    expect((await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }], discountCode: code })).status).toBe(201);
    expect(await stockOf(db, sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    expect((await cancel(alice, first.orderId)).status).toBe(200);
    expect((await placeOrder(alice, { items: [{ sku, quantity: 1 }], discountCode: code })).status).toBe(201);
  });

  it('maxRedemptionsPerCustomer is shown on the discount and validated', async () => {
    const code = await newDiscount({ percentOff: 10, maxRedemptionsPerCustomer: 2 });
    const read = await invoke(getDiscount, {
      method: 'GET',
      path: `/v1/discounts/${code}`,
      route: '/v1/discounts/{code}',
      pathParameters: { code },
      token: adminToken(),
    });
    expect(read.json).toMatchObject({ maxRedemptionsPerCustomer: 2, maxRedemptions: null });
    const bad = await invoke(createDiscount, {
      method: 'POST',
      path: '/v1/discounts',
      body: { code: `BAD${randomUUID().slice(0, 6)}`, percentOff: 10, maxRedemptionsPerCustomer: 0 },
      token: adminToken(),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('maxRedemptionsPerCustomer');
  });
});

describe('expectedTotal', () => {
  it('when an admin raised the price after the customer saw the cart, the checkout is 409 PRICE_CHANGED and reserves nothing', async () => {
    const sku = await stockedProduct(5, 1000);
    const repriced = await invoke(updateProduct, {
      method: 'PATCH',
      path: `/v1/products/${sku}`,
      route: '/v1/products/{sku}',
      pathParameters: { sku },
      body: { price: 99_900 },
      token: adminToken(),
    });
    expect(repriced.status).toBe(200);

    const res = await placeOrder(newCustomer(), { items: [{ sku, quantity: 2 }], expectedTotal: 2000 });

    expect(res.status).toBe(409);
    expect(res.json.code).toBe('PRICE_CHANGED');
    expect(res.json.errors).toEqual([
      expect.objectContaining({
        path: 'expectedTotal',
        expectedTotal: 2000,
        subtotal: 199_800,
        discount: 0,
        total: 199_800,
        currency: 'EUR',
      }),
    ]);
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('the total the customer saw, discount included, is accepted', async () => {
    const sku = await stockedProduct(5, 1000);
    const code = await newDiscount({ percentOff: 10 });
    const res = await placeOrder(newCustomer(), {
      items: [{ sku, quantity: 2 }],
      discountCode: code,
      expectedTotal: 1800,
    });
    expect(res.status).toBe(201);
    expect(res.json.total).toBe(1800);
  });

  it('is validated as money', async () => {
    const sku = await stockedProduct(5, 1000);
    const res = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }], expectedTotal: 10.5 });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].path).toBe('expectedTotal');
  });
});

describe('order totals beyond what can be charged', () => {
  it(`a total above MAX_ORDER_TOTAL is 409 ORDER_TOTAL_TOO_LARGE and reserves nothing`, async () => {
    const max = config().checkout.maxOrderTotal;
    const sku = await stockedProduct(200, 10_000_000_000);
    const res = await placeOrder(newCustomer(), { items: [{ sku, quantity: 100 }] });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('ORDER_TOTAL_TOO_LARGE');
    expect(res.json.detail).toContain(String(max));
    expect(await stockOf(db, sku)).toEqual({ onHand: 200, reserved: 0, available: 200 });

    const cheaper = await stockedProduct(10, max);
    expect((await placeOrder(newCustomer(), { items: [{ sku: cheaper, quantity: 1 }] })).status).toBe(201);
    expect((await placeOrder(newCustomer(), { items: [{ sku: cheaper, quantity: 2 }] })).json.code).toBe(
      'ORDER_TOTAL_TOO_LARGE',
    );
  });
});

describe('pending orders per customer', () => {
  const limit = () => config().checkout.maxPendingOrdersPerCustomer;

  it('a customer racing more checkouts than the limit gets exactly the limit placed, the rest 409 TOO_MANY_PENDING_ORDERS', async () => {
    const sku = await stockedProduct(50, 500);
    const sub = newCustomer();

    const responses = await Promise.all(
      Array.from({ length: limit() + 3 }, () => placeOrder(sub, { items: [{ sku, quantity: 1 }] })),
    );

    expect(countStatuses(responses)).toEqual({ 201: limit(), 409: 3 });
    expect(new Set(responses.filter((res) => res.status === 409).map((res) => res.json.code))).toEqual(
      new Set(['TOO_MANY_PENDING_ORDERS']),
    );
    expect(await stockOf(db, sku)).toEqual({ onHand: 50, reserved: limit(), available: 50 - limit() });
    const other = await placeOrder(newCustomer(), { items: [{ sku, quantity: 1 }] });
    expect(other.status).toBe(201);
  });

  it('an order leaving PENDING_PAYMENT (paid, failed, cancelled) frees its place, once', async () => {
    const sku = await stockedProduct(50, 500);
    const sub = newCustomer();
    const orders = [];
    for (let i = 0; i < limit(); i++) orders.push(await placed(sub, sku));
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).json.code).toBe('TOO_MANY_PENDING_ORDERS');

    const [paid, cancelled] = orders as [(typeof orders)[number], (typeof orders)[number]];
    await deliver(sqsRecord(paid.message), sqsRecord(paid.message));
    await cancel(sub, cancelled.orderId);
    await cancel(sub, cancelled.orderId);

    const pending = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.pendingOrders(sub), ConsistentRead: true }),
    );
    expect((pending.Item?.orderIds as Set<string> | undefined)?.size).toBe(limit() - 2);
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).status).toBe(201);
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).status).toBe(201);
    expect((await placeOrder(sub, { items: [{ sku, quantity: 1 }] })).json.code).toBe('TOO_MANY_PENDING_ORDERS');
  });
});

describe('charge.refunded for an order still PENDING_PAYMENT', () => {
  it('cancels the order (stock released) so the worker never pays and ships it, and asks for no second refund', async () => {
    const order = await pendingOrder({ prefix: 'refund-pending' });
    const charge = await paymentGateway().charge({
      orderId: order.orderId,
      amount: order.total,
      currency: order.currency,
      paymentToken: 'tok_visa',
      idempotencyKey: order.orderId,
    });
    if (charge.outcome !== 'succeeded') throw new Error('charge failed');
    await paymentGateway().refund({ paymentIntentId: charge.paymentIntentId, idempotencyKey: `dash-${order.orderId}` });
    const body = JSON.stringify({
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type: 'charge.refunded',
      data: { orderId: order.orderId, paymentIntentId: charge.paymentIntentId, amount: order.total },
    });
    const hook = await invoke(paymentWebhook, {
      method: 'POST',
      path: '/v1/webhooks/payments',
      body,
      headers: {
        'Content-Type': 'application/json',
        'Payment-Signature': paymentSignatureHeader(
          localSecret(config().paymentWebhookSecret),
          Math.floor(Date.now() / 1000),
          body,
        ),
      },
    });
    expect(hook.status).toBe(200);

    expect(await deliver(sqsRecord(order.message))).toEqual({ batchItemFailures: [] });

    const read = await orderOf(order);
    expect(read.status).toBe('CANCELLED');
    expect(eventTypes(read)).toEqual(['ORDER_PLACED', 'CANCELLED', 'REFUNDED']);
    expect(read.payment.status).toBe('REFUNDED');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, refunds: 1 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });
});
