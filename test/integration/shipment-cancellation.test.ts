import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { createSandboxCarrier } from '../../shared/adapters/carrier/sandbox-carrier';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { createDynamoWorkOutbox } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import {
  type Carrier,
  type ShipmentCancellation,
  ShipmentRejectedError,
  type ShipmentRequest,
} from '../../shared/domain/fulfilment/carrier';
import { createFulfilmentService } from '../../shared/domain/fulfilment/fulfilment-service';
import type { OrderRepository } from '../../shared/domain/orders/order-ports';
import { systemClock } from '../../shared/lib/clock';
import { fulfilmentRecordHandler } from '../../shared/workers/order-work-jobs';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { cancel, eventTypes, orderOf, outboxRecord, pendingOrder, stockOf } from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { tableName, testDocumentClient } from '../support/integration';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());
const outbox = () => createDynamoWorkOutbox(db, tableName());

/**
 * A carrier that remembers its bookings, as a real one does (the sandbox keeps no state), with
 * hooks for what the engines cannot stage: something happening while a booking is in flight, a
 * cancellation that times out, a parcel already on its way.
 */
function statefulCarrier() {
  const sandbox = createSandboxCarrier();
  const bookings = new Map<string, 'booked' | 'cancelled'>();
  const calls = { book: 0, cancel: 0 };
  const faults: {
    whileBooking: (request: ShipmentRequest) => Promise<void>;
    cancelTimeouts: number;
    dispatched: boolean;
  } = { whileBooking: async () => undefined, cancelTimeouts: 0, dispatched: false };
  const carrier: Carrier = {
    async book(request) {
      calls.book++;
      const shipment = await sandbox.book(request);
      if (!bookings.has(request.idempotencyKey)) bookings.set(request.idempotencyKey, 'booked');
      await faults.whileBooking(request);
      return shipment;
    },
    async cancel({ idempotencyKey }): Promise<ShipmentCancellation> {
      calls.cancel++;
      if (faults.cancelTimeouts > 0) {
        faults.cancelTimeouts--;
        throw new Error('carrier timeout');
      }
      if (!bookings.has(idempotencyKey)) return 'not-booked';
      if (faults.dispatched) return 'already-dispatched';
      bookings.set(idempotencyKey, 'cancelled');
      return 'cancelled';
    },
  };
  return { carrier, bookings, calls, faults };
}

/** The fulfilment worker over the real table, with the given carrier (and order repository). */
function fulfilmentWorker(carrier: Carrier, orders: Pick<OrderRepository, 'get' | 'transition'>) {
  const service = createFulfilmentService({ orders, carrier, clock: systemClock, work: outbox() });
  const handler = sqsBatchHandler(fulfilmentRecordHandler(() => service));
  return async (orderId: string) =>
    (await handler(
      sqsEvent([sqsRecord({ type: 'FULFILMENT_REQUESTED', orderId })]),
      lambdaContext('fulfilment-worker'),
    )) as SQSBatchResponse;
}

async function paidOrder() {
  const order = await pendingOrder({ prefix: 'ship-cancel', quantity: 1, onHand: 5 });
  const paid = (await paymentWorker(sqsEvent([sqsRecord(order.message)]), lambdaContext('payment-worker'))) as
    | SQSBatchResponse
    | undefined;
  expect(paid?.batchItemFailures ?? []).toEqual([]);
  expect((await orderOf(order)).status).toBe('PAID');
  return order;
}

const repository = () => createDynamoOrderRepository(db, tableName());

describe('a shipment the carrier refuses for good', () => {
  it('is acknowledged and parked: the order stays PAID and reconcile never sends its work again', async () => {
    const order = await paidOrder();
    const fulfilmentKey = { PK: `ORDER#${order.orderId}`, SK: '#OUTBOX#FULFILMENT' };
    const before = await db.send(new GetCommand({ TableName: tableName(), Key: fulfilmentKey, ConsistentRead: true }));
    expect(before.Item?.GSI1PK).toEqual(expect.any(String));
    let bookings = 0;
    const refusing: Carrier = {
      async book(request) {
        bookings++;
        throw new ShipmentRejectedError('undeliverable-address', `order ${request.orderId}: no such street`);
      },
      async cancel() {
        return 'not-booked';
      },
    };
    const ship = fulfilmentWorker(refusing, repository());
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    const parked = await db.send(new GetCommand({ TableName: tableName(), Key: fulfilmentKey, ConsistentRead: true }));
    expect(parked.Item).toMatchObject({ parkedReason: 'undeliverable-address', parkedAt: expect.any(String) });
    expect(parked.Item?.GSI1PK).toBeUndefined();
    // Due for reconcile however far ahead it looks: every other record, not this one.
    const due = await outbox().due({ dueBefore: '9999-12-31T00:00:00.000Z', limit: 100_000 });
    expect(due.some((work) => work.orderId === order.orderId && work.kind === 'FULFILMENT')).toBe(false);
    expect((await orderOf(order)).status).toBe('PAID');
    // A duplicate of the message is refused again, and parks again (nothing to resend either way).
    expect(await ship(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(bookings).toBe(2);
  });
});

describe('a paid order cancelled before it ships (DynamoDB Local, stateful carrier)', () => {
  it('is not shipped when the cancel lands while its shipment is being booked: the booking is cancelled', async () => {
    const order = await paidOrder();
    const carrier = statefulCarrier();
    carrier.faults.whileBooking = async () => {
      expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    };

    expect(await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(carrier.bookings.get(order.orderId)).toBe('cancelled');
    const view = await orderOf(order);
    expect(view.status).toBe('CANCELLED');
    expect(view.shipment).toBeNull();
    expect(eventTypes(view)).not.toContain('SHIPPED');
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('has a booking left by a crashed delivery cancelled when the message comes again, retried through carrier errors', async () => {
    const order = await paidOrder();
    const carrier = statefulCarrier();
    // The first delivery books, then dies before it can mark the order SHIPPED.
    const crashing = {
      get: repository().get,
      transition: async () => {
        throw new Error('Lambda timed out');
      },
    };
    const firstDelivery = await fulfilmentWorker(carrier.carrier, crashing)(order.orderId);
    expect(firstDelivery.batchItemFailures).toHaveLength(1);
    expect(carrier.bookings.get(order.orderId)).toBe('booked');

    // The customer cancels before SQS delivers the message again.
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    const worker = fulfilmentWorker(carrier.carrier, repository());
    carrier.faults.cancelTimeouts = 1;
    expect((await worker(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(carrier.bookings.get(order.orderId)).toBe('booked');

    expect(await worker(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(carrier.bookings.get(order.orderId)).toBe('cancelled');
    // One more duplicate of the message: cancelling again is harmless and books nothing.
    expect(await worker(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(carrier.calls.book).toBe(1);
    expect(carrier.bookings.get(order.orderId)).toBe('cancelled');
    expect((await orderOf(order)).shipment).toBeNull();
  });

  it('has a booking cancelled even when every delivery of its message failed (dead-letter queue): reconcile sends the work again', async () => {
    const order = await paidOrder();
    const carrier = statefulCarrier();
    const crashing = {
      get: repository().get,
      transition: async () => {
        throw new Error('DynamoDB unavailable');
      },
    };
    // Every delivery books (the same booking, by key) and fails: SQS moves the message to its DLQ.
    const worker = fulfilmentWorker(carrier.carrier, crashing);
    for (let delivery = 0; delivery < 3; delivery++)
      expect((await worker(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(carrier.bookings.get(order.orderId)).toBe('booked');

    // The shop cancels the paid order later (refund and restock); nothing is on the queue any more.
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    const due = await outbox().due({ dueBefore: '9999-12-31T00:00:00.000Z', limit: 100_000 });
    const armed = due.find((work) => work.orderId === order.orderId && work.kind === 'FULFILMENT');
    expect(armed?.message).toEqual({ type: 'FULFILMENT_REQUESTED', orderId: order.orderId });
    expect(carrier.calls.cancel).toBe(0);

    // What reconcile sends for the due record: the worker cancels the booking, then the record goes.
    expect(await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(carrier.bookings.get(order.orderId)).toBe('cancelled');
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
    expect((await orderOf(order)).status).toBe('CANCELLED');
  });

  it('keeps the work of a cancellation the carrier did not answer, so it is sent again', async () => {
    const order = await paidOrder();
    const carrier = statefulCarrier();
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    carrier.faults.cancelTimeouts = 1;

    expect((await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).batchItemFailures).toHaveLength(1);
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({ orderId: order.orderId });

    expect(await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(carrier.calls).toEqual({ book: 0, cancel: 2 });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toBeUndefined();
  });

  it('acknowledges a parcel the carrier had already dispatched (reported for a recall, not retried)', async () => {
    const order = await paidOrder();
    const carrier = statefulCarrier();
    carrier.faults.whileBooking = async () => {
      expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    };
    carrier.faults.dispatched = true;

    expect(await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(carrier.calls.cancel).toBe(1);
    expect((await orderOf(order)).status).toBe('CANCELLED');
  });

  it('asks the carrier nothing for an order that was cancelled before it was paid', async () => {
    const order = await pendingOrder({ prefix: 'ship-cancel', quantity: 1 });
    expect((await cancel(order.sub, order.orderId)).status).toBe(200);
    const carrier = statefulCarrier();

    expect(await fulfilmentWorker(carrier.carrier, repository())(order.orderId)).toEqual({ batchItemFailures: [] });

    expect(carrier.calls).toEqual({ book: 0, cancel: 0 });
  });
});
