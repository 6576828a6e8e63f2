import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as retryFulfilment } from '../../functions/http/retry-fulfilment';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { createDynamoWorkOutbox } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import type { Carrier } from '../../shared/domain/fulfilment/carrier';
import { createFulfilmentService } from '../../shared/domain/fulfilment/fulfilment-service';
import type { OrderRepository } from '../../shared/domain/orders/order-ports';
import { systemClock } from '../../shared/lib/clock';
import { fulfilmentRecordHandler } from '../../shared/workers/order-work-jobs';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import {
  cancel,
  eventTypes,
  orderOf,
  outboxRecord,
  paidOrder as paidCheckout,
  pendingOrder,
  stockOf,
  address as testAddress,
} from '../support/checkout';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';
import { carrierStats, dispatchParcel, injectCarrierFaults, sandboxCarrier } from '../support/sandbox-carrier';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());
const outbox = () => createDynamoWorkOutbox(db, tableName());

/** The sandbox carrier, with a hook for what the engines cannot stage: something happening while a label is bought. */
function observedCarrier() {
  const carrier = sandboxCarrier();
  const hooks: { whileBuying: () => Promise<void> } = { whileBuying: async () => undefined };
  const observed: Carrier = {
    createShipment: (request) => carrier.createShipment(request),
    async buyLabel(shipmentId) {
      const label = await carrier.buyLabel(shipmentId);
      await hooks.whileBuying();
      return label;
    },
    cancel: (shipmentId) => carrier.cancel(shipmentId),
  };
  return { carrier: observed, hooks };
}

type FulfilmentOrders = Pick<OrderRepository, 'get' | 'transition' | 'recordCarrierShipment'>;

/** The fulfilment worker over the real table, with the given carrier (and order repository). */
function fulfilmentWorker(carrier: Carrier, orders: FulfilmentOrders) {
  const service = createFulfilmentService({
    orders,
    carrier,
    clock: systemClock,
    work: outbox(),
    defaultParcelGrams: 500,
  });
  const handler = sqsBatchHandler(fulfilmentRecordHandler(() => service));
  return async (orderId: string) =>
    (await handler(
      sqsEvent([sqsRecord({ type: 'FULFILMENT_REQUESTED', orderId })]),
      lambdaContext('fulfilment-worker'),
    )) as SQSBatchResponse;
}

/** A paid order of one unit (of 5 in stock), at the test address or another first line. */
const paidOrder = (address: { line1?: string } = {}) =>
  paidCheckout({
    prefix: 'ship-cancel',
    quantity: 1,
    onHand: 5,
    ...(address.line1 && { shippingAddress: { ...testAddress, line1: address.line1 } }),
  });

const repository = () => createDynamoOrderRepository(db, tableName());

/** A repository whose transitions fail as a crashed or unreachable table would: the label is bought, the order stays PAID. */
const crashingTransitions = (message: string): FulfilmentOrders => ({
  get: repository().get,
  recordCarrierShipment: repository().recordCarrierShipment,
  transition: async () => {
    throw new Error(message);
  },
});

describe('a shipment the carrier refuses for good', () => {
  it('is acknowledged and parked: the order stays PAID and reconcile never sends its work again', async () => {
    const order = await paidOrder({ line1: '1 UNDELIVERABLE Road' });
    const fulfilmentKey = { PK: `ORDER#${order.orderId}`, SK: '#OUTBOX#FULFILMENT' };
    const before = await db.send(new GetCommand({ TableName: tableName(), Key: fulfilmentKey, ConsistentRead: true }));
    expect(before.Item?.GSI1PK).toEqual(expect.any(String));
    const ship = fulfilmentWorker(sandboxCarrier(), repository());
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    const parked = await db.send(new GetCommand({ TableName: tableName(), Key: fulfilmentKey, ConsistentRead: true }));
    expect(parked.Item).toMatchObject({ parkedReason: 'undeliverable-address', parkedAt: expect.any(String) });
    expect(parked.Item?.GSI1PK).toBeUndefined();
    // Due for reconcile however far ahead it looks: every other record, not this one.
    const due = await outbox().due({ dueBefore: '9999-12-31T00:00:00.000Z', limit: 100_000 });
    expect(due.some((work) => work.orderId === order.orderId && work.kind === 'FULFILMENT')).toBe(false);
    const read = await orderOf(order);
    expect({ status: read.status, shipment: read.shipment }).toEqual({ status: 'PAID', shipment: null });
    // A duplicate of the message is refused again, and parks again (nothing to resend either way).
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 2, labels: 0 });
  });
});

describe('a refused shipment sent again by the shop (POST /v1/admin/orders/{orderId}/fulfilment/retry)', () => {
  const retry = (orderId: string, body: unknown, token = adminToken()) =>
    invoke(retryFulfilment, {
      method: 'POST',
      path: `/v1/admin/orders/${orderId}/fulfilment/retry`,
      route: '/v1/admin/orders/{orderId}/fulfilment/retry',
      pathParameters: { orderId },
      body,
      token,
    });

  it('ships to the corrected address with a new carrier shipment, once', async () => {
    const order = await paidOrder({ line1: '2 UNDELIVERABLE Close' });
    const ship = fulfilmentWorker(sandboxCarrier(), repository());
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({
      parkedReason: 'undeliverable-address',
    });

    const corrected = { ...testAddress, line1: '2 Deliverable Close' };
    expect((await retry(order.orderId, { shippingAddress: { ...corrected, name: '' } })).status).toBe(400);
    expect((await retry(order.orderId, { shippingAddress: corrected }, customerToken(order.sub))).status).toBe(403);
    const retried = await retry(order.orderId, { shippingAddress: corrected });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ status: 'PAID', shippingAddress: { line1: '2 Deliverable Close' } });
    expect(eventTypes(retried.json).at(-1)).toBe('SHIPMENT_RETRIED');
    const record = await outboxRecord(db, order.orderId, 'FULFILMENT');
    expect(record?.parkedAt).toBeUndefined();
    expect(record?.GSI1PK).toEqual(expect.any(String));
    // Only a parked shipment is sent again.
    const twice = await retry(order.orderId, {});
    expect({ status: twice.status, code: twice.json.code }).toEqual({ status: 409, code: 'FULFILMENT_NOT_PARKED' });

    // The message it sent, delivered (twice): one label, for the corrected address.
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    expect((await orderOf(order)).status).toBe('SHIPPED');
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });

  it('refuses an order that is not PAID (409) and an unknown one (404)', async () => {
    const pending = await pendingOrder({ prefix: 'ship-cancel', quantity: 1 });
    const answer = await retry(pending.orderId, undefined);
    expect({ status: answer.status, code: answer.json.code }).toEqual({ status: 409, code: 'FULFILMENT_NOT_PARKED' });
    expect((await retry('ord_000000000000nothere', undefined)).status).toBe(404);
  });
});

describe('a paid order cancelled before it ships (DynamoDB Local, sandbox carrier)', () => {
  it('is not shipped when the cancel lands while its label is being bought: the label is voided', async () => {
    const order = await paidOrder();
    const { carrier, hooks } = observedCarrier();
    hooks.whileBuying = async () => {
      expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    };

    expect(await fulfilmentWorker(carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1, refunds: 1 });
    const view = await orderOf(order);
    expect(view.status).toBe('CANCELLED');
    expect(view.shipment).toBeNull();
    expect(eventTypes(view)).not.toContain('SHIPPED');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });

  it('has a label left by a crashed delivery voided when the message comes again, retried through carrier errors', async () => {
    const order = await paidOrder();
    // The first delivery buys the label, then dies before it can mark the order SHIPPED.
    const firstDelivery = await fulfilmentWorker(
      sandboxCarrier(),
      crashingTransitions('Lambda timed out'),
    )(order.orderId);
    expect(firstDelivery.batchItemFailures).toHaveLength(1);
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1, refunds: 0 });

    // The customer cancels before SQS delivers the message again; the carrier fails every attempt of the next delivery.
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    const worker = fulfilmentWorker(sandboxCarrier(), repository());
    await injectCarrierFaults(order.orderId, { serverErrors: 2 });
    expect((await worker(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1, refunds: 0 });

    expect(await worker(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1, refunds: 1 });
    // One more duplicate of the message: the order no longer has work, and nothing more is bought.
    expect(await worker(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1, refunds: 1 });
    expect((await orderOf(order)).shipment).toBeNull();
  });

  it('has a label voided even when every delivery of its message failed (dead-letter queue): reconcile sends the work again', async () => {
    const order = await paidOrder();
    // Every delivery buys (the same label: the stored shipment's) and fails: SQS moves the message to its DLQ.
    const worker = fulfilmentWorker(sandboxCarrier(), crashingTransitions('DynamoDB unavailable'));
    for (let delivery = 0; delivery < 3; delivery++)
      expect((await worker(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1, refunds: 0 });

    // The shop cancels the paid order later (refund and restock); nothing is on the queue any more.
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    const due = await outbox().due({ dueBefore: '9999-12-31T00:00:00.000Z', limit: 100_000 });
    const armed = due.find((work) => work.orderId === order.orderId && work.kind === 'FULFILMENT');
    expect(armed?.message).toEqual({ type: 'FULFILMENT_REQUESTED', orderId: order.orderId });

    // What reconcile sends for the due record: the worker voids the label, then the record goes.
    expect(await fulfilmentWorker(sandboxCarrier(), repository())(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1, refunds: 1 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
    expect((await orderOf(order)).status).toBe('CANCELLED');
  });

  it('keeps the work of a cancellation the carrier did not answer, so it is sent again', async () => {
    const order = await paidOrder();
    expect(
      (await fulfilmentWorker(sandboxCarrier(), crashingTransitions('Lambda timed out'))(order.orderId))
        .batchItemFailures,
    ).toHaveLength(1);
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    await injectCarrierFaults(order.orderId, { serverErrors: 2 });

    expect((await fulfilmentWorker(sandboxCarrier(), repository())(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({ orderId: order.orderId });

    expect(await fulfilmentWorker(sandboxCarrier(), repository())(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1, refunds: 1 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });

  it('acknowledges a parcel the carrier had already dispatched (reported for a recall, not retried)', async () => {
    const order = await paidOrder();
    const { carrier, hooks } = observedCarrier();
    hooks.whileBuying = async () => {
      await dispatchParcel(order.orderId);
      expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    };

    expect(await fulfilmentWorker(carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 1, refunds: 0 });
    expect((await orderOf(order)).status).toBe('CANCELLED');
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });

  it('asks the carrier nothing for an order that was cancelled before it was paid', async () => {
    const order = await pendingOrder({ prefix: 'ship-cancel', quantity: 1 });
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);

    expect(await fulfilmentWorker(sandboxCarrier(), repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 0, requests: 0 });
  });

  it('voids nothing for a paid order cancelled before any shipment was stored (not booked)', async () => {
    const order = await paidOrder();
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);

    expect(await fulfilmentWorker(sandboxCarrier(), repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 0, requests: 0 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });
});
