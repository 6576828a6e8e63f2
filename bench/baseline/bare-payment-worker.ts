/**
 * The yardstick of the payment worker measure: the least a Lambda can do to take a batch of payment
 * messages to PAID. Per message the very calls the real worker (functions/queue/payment-worker.ts)
 * makes, in the same order: read the order (strongly consistent), charge it over HTTP with the
 * Stripe form the gateway adapter sends, the TransactWriteItems of the PAID transition (order put,
 * stock sold, fulfilment and e-mail work records put, the payment work record deleted, the sales
 * ledger entry put), then each new work message sent to its queue and its record marked sent.
 * No Middy, Powertools, zod, circuit breaker, retries or service layers: the records of a batch run
 * in parallel, and a record that throws is reported failed.
 *
 * Shapes are written out here rather than imported from the adapters, so nothing of theirs runs;
 * the benchmark checks that what this leaves in the table has the shape the worker leaves.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { keys } from '../../shared/adapters/dynamo/keys';

// Region, endpoints and credentials come from the environment, as in the real functions.
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sqs = new SQSClient({});

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const TABLE = env('TABLE_NAME');
const GATEWAY = env('PAYMENT_GATEWAY_URL').replace(/\/+$/, '');
const SECRET = env('PAYMENT_GATEWAY_SECRET');
const QUEUES = { fulfilment: env('FULFILMENT_QUEUE_URL'), notification: env('NOTIFICATION_QUEUE_URL') };
const GRACE_SECONDS = Number(process.env.RECONCILE_GRACE_SECONDS ?? 60);
const RESEND_AFTER_SECONDS = Number(process.env.RECONCILE_RESEND_AFTER_SECONDS ?? 1800);
/** The sales ledger keeps its entries this long (dynamo-sales-ledger.ts). */
const LEDGER_RETENTION_SECONDS = 400 * 24 * 60 * 60;

/** First byte of the id's SHA-256, modulo the shard count: the outbox (8) and ledger (8) shards. */
const shard = (orderId: string) => (createHash('sha256').update(orderId).digest()[0] ?? 0) % 8;
const plus = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

interface StoredOrder {
  orderId: string;
  status: string;
  total: number;
  shipping?: number;
  tax?: number;
  currency: string;
  createdAt: string;
  items: Array<{ sku: string; quantity: number; lineTotal: number }>;
  payment: { attempts: number };
  events: unknown[];
  updatedAt: string;
  [attribute: string]: unknown;
}

async function charge(order: StoredOrder, paymentToken: string): Promise<string> {
  const form = new URLSearchParams({
    amount: String(order.total),
    currency: order.currency.toLowerCase(),
    confirm: 'true',
    'payment_method_types[]': 'card',
    'metadata[orderId]': order.orderId,
    'payment_method_data[type]': 'card',
    'payment_method_data[card][token]': paymentToken,
  });
  const response = await fetch(`${GATEWAY}/v1/payment_intents`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${SECRET}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      'Idempotency-Key': order.orderId,
      'Stripe-Version': '2024-06-20',
    },
    body: form.toString(),
  });
  const body = (await response.json()) as { id?: string; status?: string };
  if (!response.ok || body.status !== 'succeeded' || !body.id) {
    throw new Error(`charge of ${order.orderId} answered ${response.status} ${body.status}`);
  }
  return body.id;
}

function workRecord(orderId: string, kind: string, queue: string, message: unknown, at: string) {
  return {
    Put: {
      TableName: TABLE,
      Item: {
        ...keys.outbox(orderId, kind),
        ...keys.outboxIndex(shard(orderId), at, orderId, kind),
        type: 'WorkRecord',
        orderId,
        kind,
        queue,
        message,
        createdAt: at,
        dueAt: plus(at, GRACE_SECONDS),
      },
    },
  };
}

async function send(queue: 'fulfilment' | 'notification', orderId: string, kind: string, message: unknown) {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: QUEUES[queue],
      MessageBody: JSON.stringify(message),
      MessageAttributes: { orderId: { DataType: 'String', StringValue: orderId } },
    }),
  );
  try {
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.outbox(orderId, kind),
        UpdateExpression: 'SET dueAt = :due ADD sends :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':due': plus(new Date().toISOString(), RESEND_AFTER_SECONDS), ':one': 1 },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

async function handleRecord(record: SQSRecord): Promise<void> {
  const { orderId, paymentToken } = JSON.parse(record.body) as { orderId: string; paymentToken: string };
  const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: keys.order(orderId), ConsistentRead: true }));
  const order = Item as StoredOrder | undefined;
  if (order?.status !== 'PENDING_PAYMENT') return;
  const paymentIntentId = await charge(order, paymentToken);
  const at = new Date().toISOString();
  const fulfilment = { type: 'FULFILMENT_REQUESTED', orderId };
  const notification = { type: 'NOTIFICATION_REQUESTED', orderId, event: 'PAID' };
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: {
              ...order,
              ...keys.orderStatusIndex('PAID', order.createdAt, orderId),
              status: 'PAID',
              updatedAt: at,
              payment: { status: 'SUCCEEDED', attempts: order.payment.attempts + 1, paymentIntentId },
              events: [...order.events, { type: 'PAYMENT_SUCCEEDED', at }],
            },
            ConditionExpression: '#status = :from AND updatedAt = :seen',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':from': 'PENDING_PAYMENT', ':seen': order.updatedAt },
          },
        },
        ...order.items.map((line) => ({
          Update: {
            TableName: TABLE,
            Key: keys.stock(line.sku),
            UpdateExpression: 'SET onHand = onHand - :q, reserved = reserved - :q',
            ConditionExpression: 'reserved >= :q',
            ExpressionAttributeValues: { ':q': line.quantity },
          },
        })),
        workRecord(orderId, 'FULFILMENT', 'fulfilment', fulfilment, at),
        workRecord(orderId, 'NOTIFY_PAID', 'notification', notification, at),
        { Delete: { TableName: TABLE, Key: keys.outbox(orderId, 'PAYMENT') } },
        {
          Put: {
            TableName: TABLE,
            Item: {
              ...keys.ledgerEntry(at.slice(0, 10), shard(orderId), 'sale', orderId),
              type: 'LedgerEntry',
              kind: 'sale',
              orderId,
              at,
              amount: order.total,
              currency: order.currency,
              shipping: order.shipping ?? 0,
              tax: order.tax ?? 0,
              items: order.items.map(({ sku, quantity, lineTotal }) => ({ sku, quantity, lineTotal })),
              expiresAt: Math.floor(Date.parse(at) / 1000) + LEDGER_RETENTION_SECONDS,
            },
          },
        },
      ],
    }),
  );
  await Promise.all([
    send('fulfilment', orderId, 'FULFILMENT', fulfilment),
    send('notification', orderId, 'NOTIFY_PAID', notification),
  ]);
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const settled = await Promise.allSettled(event.Records.map(handleRecord));
  return {
    batchItemFailures: event.Records.flatMap((record, index) =>
      settled[index]?.status === 'rejected' ? [{ itemIdentifier: record.messageId }] : [],
    ),
  };
}
