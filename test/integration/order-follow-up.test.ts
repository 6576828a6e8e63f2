import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { handler as fulfilmentWorker } from '../../functions/queue/fulfilment-worker';
import { handler as notificationWorker } from '../../functions/queue/notification-worker';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { mintToken } from '../../scripts/local/issuer';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { createDynamoProfileRepository } from '../../shared/adapters/dynamo/dynamo-profile-repository';
import { createDynamoWorkOutbox } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import { returnRepository } from '../../shared/container/returns';
import type { Email, EmailSender } from '../../shared/domain/notifications/email-sender';
import { createNotificationService } from '../../shared/domain/notifications/notification-service';
import { systemClock } from '../../shared/lib/clock';
import { notificationRecordHandler } from '../../shared/workers/order-work-jobs';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import {
  cancel,
  eventTypes,
  orderOf,
  outboxRecord,
  pendingOrder as pendingOrderOf,
  stockOf,
} from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { tableName, testDocumentClient } from '../support/integration';
import { sandboxShipment } from '../support/sandbox-carrier';
import { sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());

type Worker = (event: ReturnType<typeof sqsEvent>, context: ReturnType<typeof lambdaContext>) => unknown;
const deliverTo = (worker: Worker) => async (records: SQSRecord[]) =>
  (await worker(sqsEvent(records), lambdaContext('worker'))) as SQSBatchResponse;

/**
 * Delivers a message `times` times, as SQS at-least-once delivery may: the first deliveries at once
 * (one batch and a separate invocation), the rest one after another; a record reported failed is
 * delivered again, as SQS would after its visibility timeout.
 */
async function deliverRepeatedly(
  deliver: (records: SQSRecord[]) => Promise<SQSBatchResponse>,
  body: unknown,
  times: number,
) {
  const concurrent = Math.min(times, 3);
  const first = await Promise.all([
    deliver(Array.from({ length: concurrent - 1 }, () => sqsRecord(body))),
    deliver([sqsRecord(body)]),
  ]);
  let retries = first.flatMap((result) => result.batchItemFailures).length;
  for (let i = concurrent; i < times; i++) retries += (await deliver([sqsRecord(body)])).batchItemFailures.length;
  for (let attempt = 0; retries > 0 && attempt < 20; attempt++) {
    retries = (await deliver([sqsRecord(body)])).batchItemFailures.length;
    if (retries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (retries > 0) throw new Error('a redelivered message kept failing');
}

async function pendingOrder(paymentToken: string) {
  const sub = `follow-${randomUUID()}`;
  // Access tokens carry no e-mail address (as in Cognito): the sign-in account's verified one is
  // looked up at checkout.
  mintToken({ dir: process.env.LOCAL_ISSUER_DIR as string, sub, role: 'customer', email: `${sub}@example.com` });
  const placed = await pendingOrderOf({ sub, paymentToken, quantity: 1, price: 800 });
  return { ...placed, payment: placed.message };
}

/** The notification messages whose work records an order has (what its transitions started). */
async function notificationsStarted(orderId: string) {
  const events = ['PAID', 'PAYMENT_FAILED', 'SHIPPED', 'CANCELLED', 'EXPIRED'];
  const started = [];
  for (const event of events)
    if (await outboxRecord(db, orderId, `NOTIFY_${event}`))
      started.push({ type: 'NOTIFICATION_REQUESTED', orderId, event });
  return started;
}

describe('after payment: fulfilment and e-mails (DynamoDB Local, SQS emulator, sandbox gateway)', () => {
  it('when every message is delivered 2–5 times, some at once: one charge per order and one e-mail per order event', async () => {
    const sent: Email[] = [];
    const countingSender: EmailSender = {
      async send(email) {
        sent.push(email);
      },
    };
    const notifications = createNotificationService({
      orders: createDynamoOrderRepository(db, tableName()),
      returns: returnRepository(),
      profiles: createDynamoProfileRepository(db, tableName()),
      outbox: createDynamoWorkOutbox(db, tableName()),
      email: countingSender,
      clock: systemClock,
      shopName: 'Test shop',
      claimSeconds: 45,
    });
    const deliverNotification = deliverTo(sqsBatchHandler(notificationRecordHandler(() => notifications)) as Worker);

    const orders = await Promise.all(
      ['tok_visa', 'tok_visa', 'tok_visa', 'tok_chargeDeclined', 'tok_chargeDeclined'].map(pendingOrder),
    );
    await Promise.all(
      orders.map((order, index) =>
        deliverRepeatedly(deliverTo(paymentWorker as Worker), order.payment, 2 + (index % 4)),
      ),
    );
    // Paid orders ship, whatever the fulfilment message's duplicates.
    await Promise.all(
      orders
        .filter((order) => order.payment.paymentToken === 'tok_visa')
        .map((order) =>
          deliverRepeatedly(
            deliverTo(fulfilmentWorker as Worker),
            { type: 'FULFILMENT_REQUESTED', orderId: order.orderId },
            3,
          ),
        ),
    );
    for (const [index, order] of orders.entries())
      for (const message of await notificationsStarted(order.orderId))
        await deliverRepeatedly(deliverNotification, message, 2 + ((index + 1) % 4));

    for (const order of orders) {
      const paid = order.payment.paymentToken === 'tok_visa';
      const view = await orderOf(order);
      expect(view.status).toBe(paid ? 'SHIPPED' : 'PAYMENT_FAILED');
      expect(eventTypes(view)).toEqual(
        paid ? ['ORDER_PLACED', 'PAYMENT_SUCCEEDED', 'SHIPPED'] : ['ORDER_PLACED', 'PAYMENT_FAILED'],
      );
      // One charge per paid order; a declined card is never charged.
      expect(await sandboxStats(order.orderId)).toMatchObject({ charges: paid ? 1 : 0, refunds: 0 });
      const mails = sent.filter((email) => email.tags?.['X-Cartwheel-Order'] === order.orderId);
      expect(mails.map((email) => email.tags?.['X-Cartwheel-Event']).sort()).toEqual(
        paid ? ['PAID', 'SHIPPED'] : ['PAYMENT_FAILED'],
      );
      expect(await stockOf(db, order.sku)).toEqual(
        paid ? { onHand: 9, reserved: 0, available: 9 } : { onHand: 10, reserved: 0, available: 10 },
      );
      // All work done: no record is left for the reconcile job.
      for (const kind of ['PAYMENT', 'FULFILMENT', 'NOTIFY_PAID', 'NOTIFY_SHIPPED', 'NOTIFY_PAYMENT_FAILED'])
        expect({ kind, record: await outboxRecord(db, order.orderId, kind) }).toEqual({ kind, record: undefined });
    }
  });

  it('ships a paid order with a tracking number and writes its e-mails to the outbox directory', async () => {
    const order = await pendingOrder('tok_visa');
    const deliver = (worker: Worker, body: unknown) => deliverTo(worker)([sqsRecord(body)]);
    expect(await deliver(paymentWorker as Worker, order.payment)).toEqual({ batchItemFailures: [] });
    const fulfilment = { type: 'FULFILMENT_REQUESTED', orderId: order.orderId };
    expect(await deliver(fulfilmentWorker as Worker, fulfilment)).toEqual({ batchItemFailures: [] });

    const shipped = await orderOf(order);
    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.shipment).toEqual(sandboxShipment());
    // A repeated booking is the same booking.
    expect(await deliver(fulfilmentWorker as Worker, fulfilment)).toEqual({ batchItemFailures: [] });
    expect((await orderOf(order)).shipment).toEqual(shipped.shipment);

    for (const event of ['PAID', 'SHIPPED']) {
      const message = { type: 'NOTIFICATION_REQUESTED', orderId: order.orderId, event };
      expect(await deliver(notificationWorker as Worker, message)).toEqual({ batchItemFailures: [] });
    }
    const outbox = process.env.EMAIL_OUTBOX_DIR as string;
    const paidMail = await readFile(path.join(outbox, `${order.orderId}-PAID.eml`), 'utf8');
    const shippedMail = await readFile(path.join(outbox, `${order.orderId}-SHIPPED.eml`), 'utf8');
    expect(paidMail).toMatch(/^To: .*@example\.com/m);
    expect(paidMail).toContain(`X-Cartwheel-Order: ${order.orderId}`);
    expect(shippedMail).toContain(shipped.shipment.trackingNumber);
  });

  it('cancelling a paid order restocks it and refunds it once, however often the refund message comes', async () => {
    const order = await pendingOrder('tok_visa');
    expect(await deliverTo(paymentWorker as Worker)([sqsRecord(order.payment)])).toEqual({ batchItemFailures: [] });
    const cancelled = await cancel(order.sub, order.orderId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.payment.status).toBe('REFUND_PENDING');
    expect(await outboxRecord(db, order.orderId, 'REFUND')).toBeDefined();
    // The paid order's fulfilment work now cancels whatever an earlier delivery may have booked.
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({
      message: { type: 'FULFILMENT_REQUESTED', orderId: order.orderId },
    });

    const refund = { type: 'REFUND_REQUESTED', orderId: order.orderId };
    await deliverRepeatedly(deliverTo(paymentWorker as Worker), refund, 4);

    const view = await orderOf(order);
    expect(view.status).toBe('CANCELLED');
    expect(view.payment.status).toBe('REFUNDED');
    expect(eventTypes(view)).toEqual(['ORDER_PLACED', 'PAYMENT_SUCCEEDED', 'CANCELLED', 'REFUNDED']);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, refunds: 1 });
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await outboxRecord(db, order.orderId, 'REFUND')).toBeUndefined();

    // A fulfilment message still in flight for the cancelled order books nothing.
    const late = { type: 'FULFILMENT_REQUESTED', orderId: order.orderId };
    expect(await deliverTo(fulfilmentWorker as Worker)([sqsRecord(late)])).toEqual({ batchItemFailures: [] });
    expect((await orderOf(order)).shipment).toBeNull();
  });
});
