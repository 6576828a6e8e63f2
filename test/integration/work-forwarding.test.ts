import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '../../functions/http/create-order';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import type { StreamPollers } from '../../scripts/local/stream-poller';
import { createDynamoWorkOutbox, workOfStreamImage } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import { keys } from '../../shared/adapters/dynamo/keys';
import { createSqsWorkQueue } from '../../shared/adapters/sqs/sqs-work-queue';
import type { WorkMessage, WorkQueue } from '../../shared/domain/orders/order-work';
import { streamBatchHandler } from '../../shared/workers/stream-batch';
import { workForwarderRecordHandler } from '../../shared/workers/work-forwarder';
import { address, orderServiceWith, outboxRecord, stockedProduct, stockOf } from '../support/checkout';
import { invoke, lambdaContext } from '../support/http-event';
import { customerToken, tableName, testDocumentClient } from '../support/integration';
import { sqsEvent, sqsRecord } from '../support/sqs-event';
import { drainQueue, eventually } from '../support/sqs-queue';
import { streamTo } from '../support/table-stream';

/**
 * The hand-off of follow-up work through the table's stream, on the real engines: DynamoDB Local's
 * stream read by the local event source mapping (as `npm start` does), the forwarder as deployed
 * (its filter patterns from serverless.yml), and a queue of the SQS engine. The table is shared with
 * the other test files, so the forwarder sees their work too; each test looks at its own orders.
 */
const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => {
  db.destroy();
  sqs.destroy();
});

/** Forwards every new work record of the test table to `queue` (all three kinds of work), until stopped. */
async function forwardingTo(queue: WorkQueue): Promise<StreamPollers> {
  const handler = streamBatchHandler(
    workForwarderRecordHandler({
      workOf: workOfStreamImage,
      queues: () => ({ payment: queue, fulfilment: queue, notification: queue }),
    }),
  );
  return streamTo('work-forwarder', handler);
}

async function withQueue<T>(run: (queueUrl: string) => Promise<T>): Promise<T> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `work-forwarding-${randomUUID()}` }));
  try {
    return await run(QueueUrl as string);
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

const lines = (sku: string, quantity = 1) => ({
  items: [{ sku, quantity }],
  shippingAddress: address,
  paymentToken: 'tok_visa',
});

describe('handing follow-up work to its queue through the table stream', () => {
  it('sends each committed work record once, and the checkout writes nothing after its transaction', async () => {
    await withQueue(async (queueUrl) => {
      const pollers = await forwardingTo(createSqsWorkQueue(sqs, queueUrl));
      try {
        const sku = await stockedProduct(5, 900);
        const service = orderServiceWith(db);
        const sub = `forward-${randomUUID()}`;
        const placed = await service.place({ sub, email: null }, lines(sku, 2), null);
        const cancelled = await service.place({ sub, email: null }, lines(sku), null);
        await service.cancel(cancelled.orderId, { sub, isAdmin: false });
        const ours = [placed.orderId, cancelled.orderId];

        const bodies: WorkMessage[] = [];
        await eventually(async () => {
          for (const message of await drainQueue(sqs, queueUrl)) {
            const body = JSON.parse(message.Body ?? '{}') as WorkMessage;
            if (ours.includes(body.orderId)) bodies.push(body);
          }
          return bodies.length >= 3;
        }, 'the work of both orders on the queue');
        // A moment longer: a second copy of any of them would arrive now.
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const message of await drainQueue(sqs, queueUrl)) {
          const body = JSON.parse(message.Body ?? '{}') as WorkMessage;
          if (ours.includes(body.orderId)) bodies.push(body);
        }
        const payment = (orderId: string, amount: number) => ({
          type: 'PAYMENT_REQUESTED',
          orderId,
          paymentToken: 'tok_visa',
          amount,
          currency: 'EUR',
        });
        expect(bodies).toEqual(
          expect.arrayContaining([
            payment(placed.orderId, 1800),
            payment(cancelled.orderId, 900),
            { type: 'NOTIFICATION_REQUESTED', orderId: cancelled.orderId, event: 'CANCELLED' },
          ]),
        );
        expect(bodies).toHaveLength(3);

        // The record is as its transaction wrote it (no mark-sent update), due only if still not
        // done after RECONCILE_RESEND_AFTER_SECONDS.
        const record = await outboxRecord(db, placed.orderId);
        expect(record).toMatchObject({ kind: 'PAYMENT', queue: 'payment' });
        expect(record?.sends).toBeUndefined();
        expect(Date.parse(record?.dueAt) - Date.parse(record?.createdAt)).toBe(1800 * 1000);
      } finally {
        await pollers.stop();
      }
    });
  });

  it('when the queue fails, retries from the failed record on: nothing lost, nothing but duplicates', async () => {
    await withQueue(async (queueUrl) => {
      const real = createSqsWorkQueue(sqs, queueUrl);
      const sub = `forward-fail-${randomUUID()}`;
      // The order id is known only after the commit, and the forwarder may be at its record before
      // that: this test's payment is told apart by its amount, a price no other test uses.
      const price = 50_000 + Math.floor(Math.random() * 40_000);
      let failuresLeft = 2;
      const flaky: WorkQueue = {
        send: async (message) => {
          const ours = message.type === 'PAYMENT_REQUESTED' && message.amount === price;
          if (ours && failuresLeft-- > 0) throw new Error('SQS unavailable');
          await real.send(message);
        },
      };
      const pollers = await forwardingTo(flaky);
      try {
        const sku = await stockedProduct(5, price);
        const placed = await orderServiceWith(db).place({ sub, email: null }, lines(sku), null);
        await eventually(async () => {
          const messages = await drainQueue(sqs, queueUrl);
          return messages.some((m) => (JSON.parse(m.Body ?? '{}') as WorkMessage).orderId === placed.orderId);
        }, 'the payment message, once the queue recovers');
        // Two failed sends, then the third went through.
        expect(failuresLeft).toBe(-1);
      } finally {
        await pollers.stop();
      }
    });
  });

  it('a checkout transaction resent after its answer was lost is answered as the commit it was: one order', async () => {
    const sku = await stockedProduct(5, 900);
    // Injected: the transaction commits, its answer is lost, and the same request is sent again, as the SDK does.
    let answersToLose = 1;
    const losingAnswers = {
      send: async (command: unknown) => {
        const answer = await db.send(command as TransactWriteCommand);
        if (command instanceof TransactWriteCommand && answersToLose-- > 0) return db.send(command);
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const order = await orderServiceWith(losingAnswers).place(
      { sub: `forward-${randomUUID()}`, email: null },
      lines(sku, 2),
      null,
    );
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(answersToLose).toBe(0); // the resend was made
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 2, available: 3 });
  });

  it('carries the trace of the request that placed an order (its id and X-Ray header) to the message and to the work that follows', async () => {
    const requestId = `trace-${randomUUID()}`;
    // What Lambda sets for the invocation when active tracing is on.
    const traceHeader = 'Root=1-6756a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
    await withQueue(async (queueUrl) => {
      const pollers = await forwardingTo(createSqsWorkQueue(sqs, queueUrl));
      try {
        const sku = await stockedProduct(3, 900);
        process.env._X_AMZN_TRACE_ID = traceHeader;
        const placed = await invoke(createOrder, {
          method: 'POST',
          path: '/v1/orders',
          body: lines(sku),
          headers: { 'Idempotency-Key': randomUUID(), 'X-Request-Id': requestId },
          token: customerToken(`trace-${randomUUID()}`),
        }).finally(() => {
          delete process.env._X_AMZN_TRACE_ID;
        });
        expect(placed.status).toBe(201);
        expect(placed.headers['x-request-id']).toBe(requestId);
        const { orderId } = placed.json as { orderId: string };
        const stored = await db.send(new GetCommand({ TableName: tableName(), Key: keys.order(orderId) }));
        expect(stored.Item?.correlationId).toBe(requestId);

        let sent: Message | undefined;
        await eventually(async () => {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              MessageAttributeNames: ['All'],
              // (the SQS emulator returns AWSTraceHeader only with the system attributes asked for as `All`)
              MessageSystemAttributeNames: ['All'],
              AttributeNames: ['All'],
            }),
          );
          sent ??= Messages.find((message) => message.MessageAttributes?.orderId?.StringValue === orderId);
          return sent !== undefined;
        }, 'the order’s payment message');
        expect(sent?.MessageAttributes?.correlationId?.StringValue).toBe(requestId);
        expect(sent?.Attributes?.AWSTraceHeader).toBe(traceHeader);

        // The payment worker gets it as Lambda hands it over; the work its transition starts keeps the trace.
        const attribute = (stringValue: string) => ({
          stringValue,
          dataType: 'String',
          stringListValues: [],
          binaryListValues: [],
        });
        const record = sqsRecord(JSON.parse(sent?.Body ?? '{}'));
        record.messageAttributes = { correlationId: attribute(requestId), orderId: attribute(orderId) };
        record.attributes.AWSTraceHeader = traceHeader;
        expect(await paymentWorker(sqsEvent([record]), lambdaContext('payment-worker'))).toEqual({
          batchItemFailures: [],
        });
        expect(await outboxRecord(db, orderId, 'FULFILMENT')).toMatchObject({ correlationId: requestId, traceHeader });
        expect(await outboxRecord(db, orderId, 'NOTIFY_PAID')).toMatchObject({ correlationId: requestId, traceHeader });

        // The reconcile job re-sends a record with the trace it stored, whatever trace it runs in.
        const due = await createDynamoWorkOutbox(db, tableName()).due({ dueBefore: '9999', limit: 10_000 });
        expect(due.find((work) => work.orderId === orderId && work.kind === 'FULFILMENT')?.trace).toEqual({
          correlationId: requestId,
          traceHeader,
        });
      } finally {
        await pollers.stop();
      }
    });
  });
});
