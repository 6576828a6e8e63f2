import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { handler as expireReservations } from '../../functions/scheduled/expire-reservations';
import { createDynamoWorkOutbox } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import { createSqsWorkQueue } from '../../shared/adapters/sqs/sqs-work-queue';
import type { WorkQueue } from '../../shared/domain/orders/order-work';
import { createWorkDispatcher } from '../../shared/domain/orders/work-dispatcher';
import { createWorkReconciler } from '../../shared/domain/orders/work-reconciler';
import { systemClock } from '../../shared/lib/clock';
import { runJobNow } from '../support/admin-jobs';
import {
  address,
  eventTypes,
  orderOf,
  orderServiceWith,
  outboxRecord,
  pastReservation,
  pendingOrder as pendingOrderOf,
  stockedProduct,
  stockOf,
} from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';
import { delaySandboxAnswers, sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

// Tests share one table: let a run read every pending order, however many other tests left.
process.env.JOB_MAX_ITEMS_PER_RUN = '1000000';

const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => {
  db.destroy();
  sqs.destroy();
});

const scheduledEvent = (): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:000000000000:rule/cartwheel-test-expire-reservations'],
  detail: {},
});
const runExpiry = () => expireReservations(scheduledEvent(), lambdaContext('expire-reservations'));
const deliver = async (...records: SQSRecord[]) =>
  (await paymentWorker(sqsEvent(records), lambdaContext('payment-worker'))) as SQSBatchResponse;

/** A pending order for 2 of a product stocked with 10 (placed through the API), and its payment message. */
const pendingOrder = () => pendingOrderOf({ prefix: 'job' });

describe('expire-reservations', () => {
  it('expires an order past its reservation and releases its stock; a fresh order stays PENDING_PAYMENT', async () => {
    const [due, fresh] = await Promise.all([pendingOrder(), pendingOrder()]);
    await pastReservation(db, due.orderId);

    const run = await runExpiry();
    expect(run.summary.expired).toBeGreaterThanOrEqual(1);

    const expired = await orderOf(due);
    expect(expired.status).toBe('EXPIRED');
    expect(eventTypes(expired)).toEqual(['ORDER_PLACED', 'EXPIRED']);
    expect(await stockOf(db, due.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect((await orderOf(fresh)).status).toBe('PENDING_PAYMENT');
    expect(await stockOf(db, fresh.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    // A second run finds nothing more to do for these orders, and releases nothing twice.
    await runExpiry();
    expect(await stockOf(db, due.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(eventTypes(await orderOf(due))).toEqual(['ORDER_PLACED', 'EXPIRED']);
  });

  it('racing a successful payment, each order ends exactly PAID (stock sold) or EXPIRED (stock released, any charge refunded)', async () => {
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 20; round++) {
      const placed = await pendingOrder();
      await pastReservation(db, placed.orderId);
      // Every other round the gateway answers late, so the charge lands while the job runs.
      if (round % 2 === 1) await delaySandboxAnswers(placed.orderId, { ms: 400 });
      const [delivered] = await Promise.all([deliver(sqsRecord(placed.message)), runExpiry()]);
      expect(delivered).toEqual({ batchItemFailures: [] });

      const order = await orderOf(placed);
      const stats = await sandboxStats(placed.orderId);
      const stock = await stockOf(db, placed.sku);
      const types = eventTypes(order);
      if (order.status === 'PAID') {
        expect({ round, types, stock, charges: stats.charges, refunds: stats.refunds }).toEqual({
          round,
          types: ['ORDER_PLACED', 'PAYMENT_SUCCEEDED'],
          stock: { onHand: 8, reserved: 0, available: 8 },
          charges: 1,
          refunds: 0,
        });
      } else {
        expect({ round, status: order.status, stock }).toEqual({
          round,
          status: 'EXPIRED',
          stock: { onHand: 10, reserved: 0, available: 10 },
        });
        expect({ round, refunds: stats.refunds }).toEqual({ round, refunds: stats.charges });
        expect(types).toEqual(
          stats.charges > 0 ? ['ORDER_PLACED', 'EXPIRED', 'REFUNDED'] : ['ORDER_PLACED', 'EXPIRED'],
        );
      }
      outcomes[order.status] = (outcomes[order.status] ?? 0) + 1;
    }
    expect(Object.values(outcomes).reduce((sum, n) => sum + n, 0)).toBe(20);
  });
});

describe('reconcile', () => {
  /** Makes a work record look `seconds` older: created and due that much earlier. */
  async function ageOutboxRecord(orderId: string, kind: string, seconds: number) {
    const record = await outboxRecord(db, orderId, kind);
    const earlier = (at: unknown) => new Date(Date.parse(at as string) - seconds * 1000).toISOString();
    const createdAt = earlier(record?.createdAt);
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: `ORDER#${orderId}`, SK: `#OUTBOX#${kind}` },
        UpdateExpression: 'SET createdAt = :at, dueAt = :due, GSI1SK = :sk',
        ExpressionAttributeValues: {
          ':at': createdAt,
          ':due': earlier(record?.dueAt),
          ':sk': `${createdAt}#${orderId}#${kind}`,
        },
      }),
    );
  }

  /** The reconcile job over the real outbox, sending every kind of work to one queue of the test's. */
  function reconcilerSendingTo(queue: WorkQueue) {
    const outbox = createDynamoWorkOutbox(db, tableName());
    return createWorkReconciler({
      outbox,
      dispatcher: createWorkDispatcher({
        queues: { payment: queue, fulfilment: queue, notification: queue },
        outbox,
        clock: systemClock,
        resendAfterSeconds: 1800,
        onSendFailure: () => undefined,
      }),
      clock: systemClock,
      maxRecordsPerRun: 1_000_000,
    });
  }

  async function receiveFor(queueUrl: string, orderIds: string[]) {
    const found: Array<Record<string, unknown>> = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) {
        const body = JSON.parse(m.Body ?? '{}') as Record<string, unknown>;
        if (orderIds.includes(body.orderId as string)) found.push(body);
      }
    }
    return found;
  }

  it('sends work whose message was lost once it is due, and the order gets paid', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `reconcile-${randomUUID()}` }));
    const queueUrl = QueueUrl as string;
    try {
      const sub = `reconcile-${randomUUID()}`;
      const sku = await stockedProduct(10, 700);
      // No forwarder reads the stream here: as if the messages of both orders were lost.
      const checkout = orderServiceWith(db);
      const lines = { items: [{ sku, quantity: 1 }], shippingAddress: address, paymentToken: 'tok_visa' };
      const lost = await checkout.place({ sub, email: null }, lines, null);
      const cancelled = await checkout.place({ sub, email: null }, lines, null);
      await checkout.cancel(cancelled.orderId, { sub, isAdmin: false });
      expect(await outboxRecord(db, lost.orderId)).toBeDefined();
      // The cancel ended the payment work and started the customer's e-mail.
      expect(await outboxRecord(db, cancelled.orderId)).toBeUndefined();
      expect(await outboxRecord(db, cancelled.orderId, 'NOTIFY_CANCELLED')).toBeDefined();

      const reconciler = reconcilerSendingTo(createSqsWorkQueue(sqs, queueUrl));

      // The stream hands fresh records to their queues: reconcile leaves them alone until they
      // are RECONCILE_RESEND_AFTER_SECONDS old.
      await reconciler.run();
      expect(await receiveFor(queueUrl, [lost.orderId, cancelled.orderId])).toEqual([]);
      await ageOutboxRecord(lost.orderId, 'PAYMENT', 1700);
      await reconciler.run();
      expect(await receiveFor(queueUrl, [lost.orderId, cancelled.orderId])).toEqual([]);

      // Past it, the work is still not done: taken as lost and sent again. The records are aged
      // rather than the clock moved on, so the run leaves alone the fresh records that concurrently
      // running test files rely on.
      await ageOutboxRecord(lost.orderId, 'PAYMENT', 200);
      await ageOutboxRecord(cancelled.orderId, 'NOTIFY_CANCELLED', 1900);
      const summary = await reconciler.run();
      expect(summary.resent).toBeGreaterThanOrEqual(2);
      expect(summary.examined).toBe(summary.resent + summary.failed);

      const messages = await receiveFor(queueUrl, [lost.orderId, cancelled.orderId]);
      const payment = { type: 'PAYMENT_REQUESTED', orderId: lost.orderId, paymentToken: 'tok_visa', amount: 700 };
      expect(messages).toEqual(
        expect.arrayContaining([
          { ...payment, currency: 'EUR' },
          { type: 'NOTIFICATION_REQUESTED', orderId: cancelled.orderId, event: 'CANCELLED' },
        ]),
      );
      expect(messages).toHaveLength(2);
      // Sent, not done: the records stay, due again only if the work is still not done much later.
      const record = await outboxRecord(db, lost.orderId);
      expect(record).toMatchObject({ sends: 1 });
      expect(Date.parse(record?.dueAt as string)).toBeGreaterThan(Date.now() + 1700 * 1000);

      const paymentMessage = messages.find((m) => m.type === 'PAYMENT_REQUESTED');
      expect(await deliver(sqsRecord(paymentMessage))).toEqual({ batchItemFailures: [] });
      const order = await orderOf({ sub, orderId: lost.orderId });
      expect(order.status).toBe('PAID');
      expect(await sandboxStats(lost.orderId)).toMatchObject({ charges: 1 });
      expect(await stockOf(db, sku)).toEqual({ onHand: 9, reserved: 0, available: 9 });
      // Paying ended the payment work in the same transaction and started fulfilment.
      expect(await outboxRecord(db, lost.orderId)).toBeUndefined();
      expect(await outboxRecord(db, lost.orderId, 'FULFILMENT')).toBeDefined();
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    }
  });

  it('sends again work resent once and still not done, after another RECONCILE_RESEND_AFTER_SECONDS', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `reconcile-lost-${randomUUID()}` }));
    const queueUrl = QueueUrl as string;
    try {
      const sub = `reconcile-lost-${randomUUID()}`;
      const sku = await stockedProduct(10, 300);
      // This queue is read by nobody: every message sent to it is as good as lost.
      const reconciler = reconcilerSendingTo(createSqsWorkQueue(sqs, queueUrl));
      const placed = await orderServiceWith(db).place(
        { sub, email: null },
        { items: [{ sku, quantity: 1 }], shippingAddress: address, paymentToken: 'tok_visa' },
        null,
      );
      await ageOutboxRecord(placed.orderId, 'PAYMENT', 1900);
      await reconciler.run();
      expect(await receiveFor(queueUrl, [placed.orderId])).toHaveLength(1);
      expect(await outboxRecord(db, placed.orderId)).toMatchObject({ sends: 1 });

      // Right after the resend it is not due; half an hour on, still not done, it goes out again.
      await reconciler.run();
      expect(await receiveFor(queueUrl, [placed.orderId])).toEqual([]);
      await ageOutboxRecord(placed.orderId, 'PAYMENT', 1900);
      const summary = await reconciler.run();
      expect(summary.resent).toBeGreaterThanOrEqual(1);
      expect(await receiveFor(queueUrl, [placed.orderId])).toEqual([
        expect.objectContaining({ type: 'PAYMENT_REQUESTED', orderId: placed.orderId }),
      ]);
      expect(await outboxRecord(db, placed.orderId)).toMatchObject({ sends: 2 });
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    }
  });
});

describe('POST /v1/admin/jobs/{job}', () => {
  const post = (job: string, token = adminToken(), body?: unknown) => runJobNow(job, { token, body });
  const timestamp = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

  it('runs a job now and answers its summary', async () => {
    const expiry = await post('expire-reservations');
    expect(expiry.status).toBe(200);
    expect(expiry.json).toEqual({
      job: 'expire-reservations',
      startedAt: timestamp,
      finishedAt: timestamp,
      summary: {
        examined: expect.any(Number),
        expired: expect.any(Number),
        skipped: expect.any(Number),
        deferred: expect.any(Number),
        timeLimited: 0,
      },
    });
    expect(expiry.json.finishedAt >= expiry.json.startedAt).toBe(true);

    const reconcile = await post('reconcile', adminToken(), {});
    expect(reconcile.status).toBe(200);
    expect(reconcile.json).toEqual({
      job: 'reconcile',
      startedAt: timestamp,
      finishedAt: timestamp,
      summary: { examined: expect.any(Number), resent: expect.any(Number), failed: expect.any(Number), timeLimited: 0 },
    });
  });

  it.each([
    ['no body field at all (API Gateway)', {}],
    ['body null (serverless-offline)', { rawEventBody: null }],
    ['an empty body', { rawEventBody: '' }],
  ])('runs a job sent without a body or Content-Type: %s', async (_name, event) => {
    const known = await runJobNow('reconcile', { event });
    const unknown = await runJobNow('no-such-job', { event });

    expect(known.status).toBe(200);
    expect(known.json).toMatchObject({ job: 'reconcile', summary: expect.any(Object) });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('JOB_NOT_FOUND');
  });

  it('answers 404 JOB_NOT_FOUND for a job that does not exist', async () => {
    for (const job of ['no-such-job', 'toString']) {
      const result = await post(job);
      expect({ job, status: result.status, code: result.json.code }).toEqual({
        job,
        status: 404,
        code: 'JOB_NOT_FOUND',
      });
    }
  });

  it('refuses customers (403) and unknown body fields (400)', async () => {
    const customer = await post('reconcile', customerToken(`job-${randomUUID()}`));
    expect(customer.status).toBe(403);
    expect(customer.json.code).toBe('FORBIDDEN');
    const withDate = await post('expire-reservations', adminToken(), { date: '2026-01-01' });
    expect(withDate.status).toBe(400);
    expect(withDate.json.code).toBe('VALIDATION_FAILED');
  });
});
