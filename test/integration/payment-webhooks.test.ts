import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as paymentWebhook } from '../../functions/http/payment-webhook';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { keys } from '../../shared/adapters/dynamo/keys';
import { config } from '../../shared/config';
import { orderRepository } from '../../shared/container/orders';
import { paymentGateway } from '../../shared/container/payments';
import { paymentSignatureHeader } from '../../shared/domain/payments/webhook-signature';
import {
  cancel,
  eventTypes,
  expectPaidOnce,
  orderOf,
  outboxRecord,
  type PendingOrder,
  pendingOrder as pendingOrderOf,
  stockOf,
} from '../support/checkout';
import { localSecret } from '../support/config-env';
import { invoke, lambdaContext } from '../support/http-event';
import { tableName, testDocumentClient } from '../support/integration';
import { sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());

type Placed = Omit<PendingOrder, 'message'>;
/** A pending order for 2 units of a product stocked with 10 (total 2500). */
const pendingOrder = () => pendingOrderOf({ prefix: 'hook' });

/** A real payment at the sandbox (refunds need one); the worker's own key unless another is given. */
async function chargeAtGateway(order: Placed, idempotencyKey = order.orderId): Promise<string> {
  const result = await paymentGateway().charge({
    orderId: order.orderId,
    amount: order.total,
    currency: order.currency,
    paymentToken: 'tok_visa',
    idempotencyKey,
  });
  if (result.outcome !== 'succeeded') throw new Error(`charge failed: ${JSON.stringify(result)}`);
  return result.paymentIntentId;
}

const newEventId = () => `evt_${randomUUID().replaceAll('-', '')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function gatewayEvent(type: string, order: Placed, paymentIntentId: string, data: Record<string, unknown> = {}) {
  return {
    id: newEventId(),
    type,
    data: { orderId: order.orderId, paymentIntentId, amount: order.total, ...data },
  };
}

/** POSTs the body as the gateway would: exact bytes, signed with the shared secret unless told otherwise. */
function deliverWebhook(
  body: unknown,
  sign: { timestamp?: number; secret?: string; header?: string | null; signedBody?: string } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = sign.timestamp ?? nowSeconds();
  const header =
    sign.header === undefined
      ? paymentSignatureHeader(
          sign.secret ?? localSecret(config().paymentWebhookSecret),
          timestamp,
          sign.signedBody ?? raw,
        )
      : sign.header;
  return invoke(paymentWebhook, {
    method: 'POST',
    path: '/v1/webhooks/payments',
    body: raw,
    headers: { 'Content-Type': 'application/json', ...(header === null ? {} : { 'Payment-Signature': header }) },
  });
}

const deliverPaymentMessage = async (order: Placed) =>
  (await paymentWorker(
    sqsEvent([
      sqsRecord({
        type: 'PAYMENT_REQUESTED',
        orderId: order.orderId,
        paymentToken: 'tok_visa',
        amount: order.total,
        currency: order.currency,
      }),
    ]),
    lambdaContext('payment-worker'),
  )) as SQSBatchResponse;

/** The sales-ledger entries of one kind for an order on the UTC day of `at` (every shard looked at). */
async function ledgerEntriesOf(orderId: string, kind: 'sale' | 'refund', at: string) {
  const day = at.slice(0, 10);
  const found = await Promise.all(
    Array.from({ length: 8 }, (_, shard) =>
      db.send(new GetCommand({ TableName: tableName(), Key: keys.ledgerEntry(day, shard, kind, orderId) })),
    ),
  );
  return found.flatMap((result) => (result.Item ? [result.Item] : []));
}

/** Moves the order to EXPIRED as the expire-reservations job does (its reservation released). */
async function expire(order: Placed): Promise<void> {
  const stored = await orderRepository().get(order.orderId);
  if (!stored) throw new Error('no order');
  const moved = await orderRepository().transition({
    order: stored,
    from: 'PENDING_PAYMENT',
    to: 'EXPIRED',
    event: { type: 'EXPIRED', at: new Date().toISOString(), detail: 'reservation expired before payment' },
    stock: 'release',
  });
  if (!moved) throw new Error('order not expired');
}

describe('payment webhooks: signatures', () => {
  it('refuses a wrong signature with 400 INVALID_SIGNATURE and changes nothing', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.succeeded', order, await chargeAtGateway(order));

    const refused = await deliverWebhook(event, { secret: 'whsec_not_the_shared_secret' });

    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.json).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    // Nothing was remembered either: the genuine delivery of the same event is applied.
    expect((await deliverWebhook(event)).json).toEqual({ received: true, duplicate: false });
    expect((await orderOf(order)).status).toBe('PAID');
  });

  it('refuses a body changed after signing, even by whitespace', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.succeeded', order, await chargeAtGateway(order));
    const signed = JSON.stringify(event);

    const refused = await deliverWebhook(JSON.stringify(event, null, 2), { signedBody: signed });

    expect(refused.json).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a missing or malformed Payment-Signature header', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.payment_failed', order, 'pi_unknown');

    for (const header of [null, '', 'v1=abc', `t=${nowSeconds()}`, 'garbage']) {
      const refused = await deliverWebhook(event, { header });
      expect({ header, status: refused.status, code: refused.json?.code }).toEqual({
        header,
        status: 400,
        code: 'INVALID_SIGNATURE',
      });
    }
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a timestamp more than 5 minutes old or ahead, and accepts one within', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.payment_failed', order, 'pi_declined');

    const stale = await deliverWebhook(event, { timestamp: nowSeconds() - 6 * 60 });
    const ahead = await deliverWebhook(event, { timestamp: nowSeconds() + 6 * 60 });

    expect(stale.json).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    expect(ahead.json).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
    expect((await deliverWebhook(event, { timestamp: nowSeconds() - 4 * 60 })).status).toBe(200);
    expect((await orderOf(order)).status).toBe('PAYMENT_FAILED');
  });

  it('accepts a header with several v1 signatures when one is made with the shared secret', async () => {
    const order = await pendingOrder();
    const raw = JSON.stringify(gatewayEvent('payment_intent.payment_failed', order, 'pi_declined'));
    const t = nowSeconds();
    const current = paymentSignatureHeader(localSecret(config().paymentWebhookSecret), t, raw).split(',v1=')[1];
    const retired = paymentSignatureHeader('whsec_retired_secret', t, raw).split(',v1=')[1];

    const accepted = await deliverWebhook(raw, { header: `t=${t},v1=${retired},v1=${current}` });

    expect(accepted.status).toBe(200);
  });
});

describe('payment webhooks: body', () => {
  it('refuses a signed body that breaks the schema with 400 VALIDATION_FAILED and the fields', async () => {
    const order = await pendingOrder();
    const bad = {
      id: newEventId(),
      type: 'payment_intent.succeeded',
      data: { orderId: order.orderId, amount: -5, extra: true },
    };

    const refused = await deliverWebhook(bad);

    expect(refused.json).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(refused.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'data/paymentIntentId' }),
        expect.objectContaining({ path: 'data/amount' }),
        { path: 'data/extra', message: 'unknown field' },
      ]),
    );
    const badId = await deliverWebhook({ ...gatewayEvent('charge.refunded', order, 'pi_1'), id: 'not-an-event' });
    expect(badId.json.errors).toEqual([expect.objectContaining({ path: 'id' })]);
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses signed bytes that are not JSON with 400 MALFORMED_JSON', async () => {
    const refused = await deliverWebhook('{"id": "evt_1", ');
    expect(refused.json).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('acknowledges an event type it does not handle, whatever its data, and changes nothing', async () => {
    const order = await pendingOrder();
    const other = { id: newEventId(), type: 'customer.created', data: { object: { id: 'cus_1', email: 'x@y.z' } } };

    const answer = await deliverWebhook(other);

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: true, duplicate: false });
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
  });

  it('acknowledges an event about an unknown order, once', async () => {
    const event = gatewayEvent(
      'payment_intent.succeeded',
      { sub: '-', sku: '-', orderId: `ord_${randomUUID().replaceAll('-', '')}`, total: 100, currency: 'EUR' },
      'pi_nowhere',
    );

    expect((await deliverWebhook(event)).json).toEqual({ received: true, duplicate: false });
    expect((await deliverWebhook(event)).json).toEqual({ received: true, duplicate: true });
  });
});

describe('payment webhooks: applying events', () => {
  it('payment_intent.succeeded delivered twice pays the order once: one PAYMENT_SUCCEEDED, stock sold once', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.succeeded', order, await chargeAtGateway(order));

    const first = await deliverWebhook(event);
    const replay = await deliverWebhook(event);

    expect(first.json).toEqual({ received: true, duplicate: false });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual({ received: true, duplicate: true });
    const paid = await orderOf(order);
    expect(paid.status).toBe('PAID');
    expect(paid.payment).toEqual({ status: 'SUCCEEDED', attempts: 1 });
    expect(eventTypes(paid)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
    // The same payment under another event id changes nothing either (the transition is conditional).
    expect((await deliverWebhook({ ...event, id: newEventId() })).status).toBe(200);
    expect(eventTypes(await orderOf(order))).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, refunds: 0 });
  });

  it('when the webhook races the payment worker on one order, the order is paid once', async () => {
    const orders = await Promise.all([pendingOrder(), pendingOrder(), pendingOrder()]);
    await Promise.all(
      orders.map(async (order) => {
        // The worker charges with the order id as its key: the gateway answers it with this same payment.
        const paymentIntentId = await chargeAtGateway(order);
        const [worker, hookA, hookB] = await Promise.all([
          deliverPaymentMessage(order),
          deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId)),
          deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId)),
        ]);
        expect(worker).toEqual({ batchItemFailures: [] });
        expect([hookA.status, hookB.status]).toEqual([200, 200]);
      }),
    );

    for (const order of orders) await expectPaidOnce(db, order);
  });

  it('payment_intent.succeeded with another amount or currency than the order is not applied', async () => {
    const order = await pendingOrder();
    const paymentIntentId = await chargeAtGateway(order);

    const wrongAmount = await deliverWebhook(
      gatewayEvent('payment_intent.succeeded', order, paymentIntentId, { amount: order.total - 1 }),
    );
    const wrongCurrency = await deliverWebhook(
      gatewayEvent('payment_intent.succeeded', order, paymentIntentId, { currency: 'usd' }),
    );

    expect([wrongAmount.status, wrongCurrency.status]).toEqual([200, 200]);
    expect((await orderOf(order)).status).toBe('PENDING_PAYMENT');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    // The currency may come in any case, as gateways send it lower-case.
    await deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId, { currency: 'eur' }));
    expect((await orderOf(order)).status).toBe('PAID');
  });

  it('payment_intent.payment_failed fails a pending order and releases its stock, once', async () => {
    const order = await pendingOrder();
    const event = gatewayEvent('payment_intent.payment_failed', order, 'pi_declined_card');

    expect((await deliverWebhook(event)).status).toBe(200);
    expect((await deliverWebhook({ ...event, id: newEventId() })).status).toBe(200);

    const failed = await orderOf(order);
    expect(failed.status).toBe('PAYMENT_FAILED');
    expect(failed.payment.status).toBe('FAILED');
    expect(eventTypes(failed)).toEqual(['ORDER_PLACED', 'PAYMENT_FAILED']);
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('payment_intent.payment_failed for a paid order changes nothing', async () => {
    const order = await pendingOrder();
    expect(await deliverPaymentMessage(order)).toEqual({ batchItemFailures: [] });

    expect((await deliverWebhook(gatewayEvent('payment_intent.payment_failed', order, 'pi_other'))).status).toBe(200);

    expect((await orderOf(order)).status).toBe('PAID');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('charge.refunded for a PAID order (refunded in the gateway dashboard) cancels it once: restocked, never shipped, not refunded again', async () => {
    const order = await pendingOrder();
    expect(await deliverPaymentMessage(order)).toEqual({ batchItemFailures: [] });
    const [paymentIntentId] = (await sandboxStats(order.orderId)).paymentIntentIds;
    if (!paymentIntentId) throw new Error('no payment');
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeDefined();

    const refund = gatewayEvent('charge.refunded', order, paymentIntentId);
    const answers = await Promise.all([
      deliverWebhook(refund),
      deliverWebhook(refund),
      deliverWebhook({ ...refund, id: newEventId() }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const refunded = await orderOf(order);
    expect(refunded.status).toBe('CANCELLED');
    expect(refunded.payment.status).toBe('REFUNDED');
    expect(eventTypes(refunded)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED', 'CANCELLED', 'REFUNDED']);
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    // The shipment's work is armed again, to cancel any booking (the fulfilment worker finds the
    // order CANCELLED); no refund is asked for: the gateway already made it.
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({
      message: { type: 'FULFILMENT_REQUESTED', orderId: order.orderId },
    });
    expect(await outboxRecord(db, order.orderId, 'REFUND')).toBeUndefined();
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, refunds: 0 });
    // The sale was counted in the daily report, so its refund is: one ledger entry.
    expect(await ledgerEntriesOf(order.orderId, 'refund', refunded.updatedAt)).toHaveLength(1);
    expect((await deliverWebhook(refund)).json).toEqual({ received: true, duplicate: true });
  });

  it('charge.refunded for another payment, or for part of the amount, is not recorded', async () => {
    const order = await pendingOrder();
    expect(await deliverPaymentMessage(order)).toEqual({ batchItemFailures: [] });
    const [paymentIntentId] = (await sandboxStats(order.orderId)).paymentIntentIds;
    if (!paymentIntentId) throw new Error('no payment');

    await deliverWebhook(gatewayEvent('charge.refunded', order, 'pi_someone_elses'));
    await deliverWebhook(gatewayEvent('charge.refunded', order, paymentIntentId, { amount: 100 }));

    const paid = await orderOf(order);
    expect(paid.payment.status).toBe('SUCCEEDED');
    expect(eventTypes(paid)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
  });

  it('payment_intent.succeeded for an expired order refunds the payment exactly once; the order stays EXPIRED', async () => {
    const order = await pendingOrder();
    await expire(order);
    // The worker's charge arrived late (or the worker crashed before its refund): the money was taken.
    const paymentIntentId = await chargeAtGateway(order);

    const answers = await Promise.all([
      deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId)),
      deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    // Later deliveries, and the worker's redelivered message, neither charge nor refund again.
    expect((await deliverWebhook(gatewayEvent('payment_intent.succeeded', order, paymentIntentId))).status).toBe(200);
    expect(await deliverPaymentMessage(order)).toEqual({ batchItemFailures: [] });

    const expired = await orderOf(order);
    expect(expired.status).toBe('EXPIRED');
    expect(expired.payment.status).toBe('REFUNDED');
    expect(eventTypes(expired)).toEqual(['ORDER_PLACED', 'EXPIRED', 'REFUNDED']);
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('a second payment for an order already paid by another one is refunded and the order is untouched', async () => {
    const order = await pendingOrder();
    expect(await deliverPaymentMessage(order)).toEqual({ batchItemFailures: [] });
    const second = await chargeAtGateway(order, `second-${order.orderId}`);

    expect((await deliverWebhook(gatewayEvent('payment_intent.succeeded', order, second))).status).toBe(200);

    const paid = await orderOf(order);
    expect(paid.status).toBe('PAID');
    expect(paid.payment.status).toBe('SUCCEEDED');
    expect(eventTypes(paid)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED']);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 2, refunds: 1 });
    // The order's own refund key is still free: cancelling refunds the recorded payment.
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
  });
});
