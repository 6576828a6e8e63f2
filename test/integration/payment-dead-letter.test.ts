import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { runJobNow } from '../support/admin-jobs';
import {
  eventTypes,
  orderOf,
  outboxRecord,
  pastReservation,
  placeOrder,
  stockedProduct,
  stockOf,
} from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { testDocumentClient } from '../support/integration';
import { sandboxStats } from '../support/sandbox-gateway';
import { drainQueue, runQueueThrough, workerQueuePair } from '../support/sqs-queue';

/**
 * A payment the gateway never answers, the whole way: checkout, the payment queue with its
 * dead-letter queue (the SQS emulator), the real payment worker driven by the local stand-in for
 * Lambda's event source mapping, and the reservation sweep that finally frees the stock.
 * The queues are this file's own (other files share the configured ones), with a 1 s visibility
 * timeout so that SQS redelivers and dead-letters within seconds.
 */

// Each delivery of a tok_gatewayError charge makes this many gateway calls (retries with backoff).
const GATEWAY_ATTEMPTS = 2;
process.env.PAYMENT_GATEWAY_MAX_ATTEMPTS = String(GATEWAY_ATTEMPTS);
// Tests share one table: let the sweep read every pending order, however many other files left.
process.env.JOB_MAX_ITEMS_PER_RUN = '1000000';

const MAX_RECEIVE_COUNT = 3;
const region = process.env.AWS_REGION ?? 'eu-west-1';
const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS as string;
const sqs = new SQSClient({ region, endpoint: sqsEndpoint });
const db = testDocumentClient();

afterAll(async () => {
  sqs.destroy();
  db.destroy();
});

interface Placed {
  sub: string;
  sku: string;
  orderId: string;
  paymentToken: string;
  message: { type: 'PAYMENT_REQUESTED'; orderId: string; paymentToken: string; amount: number; currency: string };
}

/** An order for 2 of a product stocked with 10, placed through the API, and the payment message checkout queues for it. */
async function placed(paymentToken: string): Promise<Placed> {
  const sub = `dlq-${randomUUID()}`;
  const sku = await stockedProduct(10, 1500);
  const response = await placeOrder(sub, { items: [{ sku, quantity: 2 }], paymentToken });
  if (response.status !== 201) throw new Error(`order not placed: ${response.body}`);
  const { orderId, total: amount, currency } = response.json;
  return {
    sub,
    sku,
    orderId,
    paymentToken,
    message: { type: 'PAYMENT_REQUESTED', orderId, paymentToken, amount, currency },
  };
}

/** Sends the messages as the work queue adapter does (JSON body, orderId attribute); returns how many SQS took. */
async function sendPayments(queueUrl: string, orders: Placed[]): Promise<number> {
  let sent = 0;
  for (let start = 0; start < orders.length; start += 10) {
    const chunk = orders.slice(start, start + 10);
    const { Successful = [], Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((order, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(order.message),
          MessageAttributes: { orderId: { DataType: 'String', StringValue: order.orderId } },
        })),
      }),
    );
    if (Failed.length > 0) throw new Error(`SQS refused ${Failed.length} message(s)`);
    sent += Successful.length;
  }
  return sent;
}

const orderIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { orderId?: string }).orderId;

test('a payment the gateway keeps failing ends in the DLQ with its order PENDING_PAYMENT, and expiry then frees the stock; sent = acknowledged + dead-lettered', async () => {
  const { source, deadLetterUrl } = await workerQueuePair({
    functionName: 'payment-worker',
    maxReceiveCount: MAX_RECEIVE_COUNT,
    // Smaller than serverless.yml's 10, so that several batches mix paid and failing records.
    batchSize: 4,
  });
  const orders = await Promise.all(
    ['tok_visa', 'tok_gatewayError', 'tok_visa', 'tok_gatewayError', 'tok_visa', 'tok_gatewayError', 'tok_visa'].map(
      placed,
    ),
  );
  const paying = orders.filter((order) => order.paymentToken === 'tok_visa');
  const failing = orders.filter((order) => order.paymentToken === 'tok_gatewayError');
  const sent = await sendPayments(source.queueUrl, orders);

  // The real worker, invoked the way Lambda's event source mapping invokes it.
  const { deliveries, acknowledged } = await runQueueThrough(
    sqs,
    source,
    async (event) => (await paymentWorker(event, lambdaContext('payment-worker'))) as SQSBatchResponse,
  );

  const deadLetters = await drainQueue(sqs, deadLetterUrl);
  expect(sent).toBe(orders.length);
  expect(acknowledged.length + deadLetters.length).toBe(sent);
  expect(acknowledged.map((record) => orderIdOf(record.body)).sort()).toEqual(paying.map((o) => o.orderId).sort());
  expect(deadLetters.map((message) => orderIdOf(message.Body)).sort()).toEqual(failing.map((o) => o.orderId).sort());
  for (const message of deadLetters) {
    expect(JSON.parse(message.Body ?? '')).toEqual(failing.find((o) => o.orderId === orderIdOf(message.Body))?.message);
  }

  for (const order of paying) {
    const read = await orderOf(order);
    expect({ orderId: order.orderId, status: read.status, events: eventTypes(read) }).toEqual({
      orderId: order.orderId,
      status: 'PAID',
      events: ['ORDER_PLACED', 'PAYMENT_SUCCEEDED'],
    });
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 8, reserved: 0, available: 8 });
    expect(deliveries.filter((record) => orderIdOf(record.body) === order.orderId)).toHaveLength(1);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1 });
  }
  for (const order of failing) {
    const read = await orderOf(order);
    expect({ orderId: order.orderId, status: read.status, payment: read.payment }).toEqual({
      orderId: order.orderId,
      status: 'PENDING_PAYMENT',
      payment: { status: 'PENDING', attempts: 0 },
    });
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    // SQS delivered it maxReceiveCount times; each delivery's gateway retries are bounded.
    const received = deliveries.filter((record) => orderIdOf(record.body) === order.orderId);
    expect(received.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(await sandboxStats(order.orderId)).toMatchObject({
      charges: 0,
      chargeAttempts: MAX_RECEIVE_COUNT * GATEWAY_ATTEMPTS,
    });
    // The payment work is not done: its durable record stays for reconcile.
    expect(await outboxRecord(db, order.orderId)).toBeDefined();
  }

  // Their reservations run out (moved into the past in the table; the clock stays as it is for other files).
  for (const order of failing) await pastReservation(db, order.orderId);
  const sweep = await runJobNow('expire-reservations');
  expect(sweep.status).toBe(200);

  for (const order of failing) {
    const read = await orderOf(order);
    expect({ orderId: order.orderId, status: read.status, events: eventTypes(read) }).toEqual({
      orderId: order.orderId,
      status: 'EXPIRED',
      events: ['ORDER_PLACED', 'EXPIRED'],
    });
    expect(await stockOf(db, order.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await outboxRecord(db, order.orderId)).toBeUndefined();
  }
  // The paid orders were never the sweep's business.
  for (const order of paying) expect((await orderOf(order)).status).toBe('PAID');
}, 120_000);
