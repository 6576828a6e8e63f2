/** Drives the payment worker and the bare loop over placed orders, and reads back what they left. */
import { createHash } from 'node:crypto';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { StreamPollers } from '../../../scripts/local/stream-poller';
import { keys } from '../../../shared/adapters/dynamo/keys';
import { lambdaContext } from '../../../test/support/http-event';
import { sqsEvent, sqsRecord } from '../../../test/support/sqs-event';
import type { BenchContext, CheckoutStack } from '../../bench-context';
import { buildBundle, bundleNamed, loadHandler } from '../../lib/build-bundles';
import {
  applyFunctionEnv,
  type CheckoutRequest,
  checkoutRequest,
  describeStatuses,
  type Handler,
  invokeCheckout,
  paymentProbe,
  stackDynamoClient,
} from '../../lib/checkout-requests';
import { nsToMs } from '../../lib/format';
import { addCpu, cpuMeter } from '../../lib/process-cpu';
import type { ServiceFunction } from '../../lib/serverless-yml';
import { seededRandom } from '../../lib/stats';
import { settledCount, startWorkForwarding } from '../../lib/work-forwarding';

export const FUNCTION_NAME = 'payment-worker';
export const CREATE_ORDER = 'create-order';
/** The payment queue's event source mapping (serverless.yml): up to 10 records per invocation. */
export const BATCH_SIZE = 10;
/** serverless.yml's timeout of the payment worker. */
export const INVOCATION_TIMEOUT_MS = 30_000;
/** Per side: warm-up messages, then measured ones (in two halves, ABBA). */
export const COUNTS = { warmup: 50, measured: 500 };
export const QUICK_DIVISOR = 5;
/** Checkouts in flight while the pending orders are placed (not measured). */
export const PLACING_CONCURRENCY = 16;
export const BARE: ServiceFunction = {
  name: 'bare-payment-worker',
  entry: 'bench/baseline/bare-payment-worker.ts',
  exportName: 'handler',
};

export type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** A payment message of a placed order, as the checkout sends it (PAYMENT_REQUESTED). */
export interface PaymentMessage {
  type: 'PAYMENT_REQUESTED';
  orderId: string;
  paymentToken: string;
  amount: number;
  currency: string;
}

export interface Phase {
  messages: number;
  elapsedMs: number;
  batchMs: number[];
  failedRecords: number;
  /** Invocations that threw or timed out (all their records count as failed). */
  errors: string[];
  cpuMs: Record<string, number | undefined>;
  /** Messages the phase added to the fulfilment and notification queues. */
  queued: { fulfilment: number; notification: number };
}

export const perSecond = (phase: Phase) => (phase.messages / phase.elapsedMs) * 1000;

function merge(a: Phase, b: Phase): Phase {
  return {
    messages: a.messages + b.messages,
    elapsedMs: a.elapsedMs + b.elapsedMs,
    batchMs: [...a.batchMs, ...b.batchMs],
    failedRecords: a.failedRecords + b.failedRecords,
    errors: [...a.errors, ...b.errors],
    cpuMs: addCpu(a.cpuMs, b.cpuMs),
    queued: {
      fulfilment: a.queued.fulfilment + b.queued.fulfilment,
      notification: a.queued.notification + b.queued.notification,
    },
  };
}

/** The messages as SQS events of up to {@link BATCH_SIZE} records, built before the clock starts. */
function batches(messages: PaymentMessage[]): SQSEvent[] {
  const events: SQSEvent[] = [];
  for (let start = 0; start < messages.length; start += BATCH_SIZE) {
    events.push(sqsEvent(messages.slice(start, start + BATCH_SIZE).map((message) => sqsRecord(message))));
  }
  return events;
}

/** One invocation after the other, as one Lambda instance takes batch after batch from its queue. */
async function runBatches(
  handler: BatchHandler,
  messages: PaymentMessage[],
  pids: Record<string, number>,
  probe: ReturnType<typeof paymentProbe>,
  stack: CheckoutStack,
  /** The stream's forwarder, running beside the phase (ours: the worker's transitions only write the records). */
  forward?: () => Promise<StreamPollers>,
): Promise<Phase> {
  const events = batches(messages);
  const before = await queuedFollowUps(probe, stack);
  const forwarding = await forward?.();
  const batchMs: number[] = [];
  const errors: string[] = [];
  let failedRecords = 0;
  const meter = cpuMeter(pids);
  const start = process.hrtime.bigint();
  for (const event of events) {
    const t0 = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        handler(event, lambdaContext(FUNCTION_NAME)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`over ${INVOCATION_TIMEOUT_MS} ms`)), INVOCATION_TIMEOUT_MS);
        }),
      ]);
      failedRecords += result?.batchItemFailures?.length ?? 0;
    } catch (error) {
      failedRecords += event.Records.length;
      if (errors.length < 3) errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    } finally {
      clearTimeout(timer);
    }
    batchMs.push(nsToMs(process.hrtime.bigint() - t0));
  }
  const elapsedMs = nsToMs(process.hrtime.bigint() - start);
  const cpuMs = meter.stop();
  if (forwarding) {
    // Untimed: the forwarder may still be at the last records.
    const expected = before.fulfilment + before.notification + 2 * messages.length;
    await settledCount(async () => {
      const now = await queuedFollowUps(probe, stack);
      return now.fulfilment + now.notification;
    }, expected);
    await forwarding.stop();
  }
  const after = await queuedFollowUps(probe, stack);
  return {
    messages: messages.length,
    elapsedMs,
    batchMs,
    failedRecords,
    errors,
    cpuMs,
    queued: {
      fulfilment: after.fulfilment - before.fulfilment,
      notification: after.notification - before.notification,
    },
  };
}

async function queuedFollowUps(probe: ReturnType<typeof paymentProbe>, stack: CheckoutStack) {
  const [fulfilment, notification] = await Promise.all([
    probe.queued(stack.fulfilmentQueueUrl),
    probe.queued(stack.notificationQueueUrl),
  ]);
  return { fulfilment, notification };
}

/** Places `count` orders of one unit of a random product (not measured): the pending orders to pay. */
async function placeOrders(handler: Handler, stack: CheckoutStack, count: number): Promise<PaymentMessage[]> {
  const random = seededRandom(0x9a1d);
  const requests: CheckoutRequest[] = Array.from({ length: count }, () =>
    checkoutRequest(stack, [stack.spreadSkus[Math.floor(random() * stack.spreadSkus.length)] as string]),
  );
  const placed: PaymentMessage[] = [];
  const statuses = new Map<number, number>();
  let sample = '';
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const result = await invokeCheckout(handler, requests[index] as CheckoutRequest);
      statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
      if (result.statusCode !== 201) {
        sample ||= result.body.slice(0, 240);
        continue;
      }
      const order = JSON.parse(result.body) as { orderId: string; total: number; currency: string };
      placed.push({
        type: 'PAYMENT_REQUESTED',
        orderId: order.orderId,
        paymentToken: 'tok_visa',
        amount: order.total,
        currency: order.currency,
      });
    }
  };
  await Promise.all(Array.from({ length: PLACING_CONCURRENCY }, worker));
  if (placed.length !== count) {
    throw new Error(`placing the pending orders answered ${describeStatuses(statuses)}; e.g. ${sample}`);
  }
  return placed;
}

/** The sales ledger's shard of an order (dynamo-sales-ledger.ts): a wrong copy shows as missing entries. */
const ledgerShard = (orderId: string) => (createHash('sha256').update(orderId).digest()[0] ?? 0) % 8;

type Item = Record<string, unknown>;

/** What a side left in the table for its orders; every figure should equal the order count. */
export interface Settled {
  orders: number;
  paid: number;
  paymentRecordsLeft: number;
  /** Work records the PAID transition wrote (their messages are counted on the queues). */
  fulfilmentRecords: number;
  notificationRecords: number;
  ledgerEntries: number;
}

/** Reads back every order of a side, its work records and its ledger entry (strongly consistent). */
async function settledOf(db: DynamoDBDocumentClient, tableName: string, orderIds: string[]): Promise<Settled> {
  const result: Settled = {
    orders: orderIds.length,
    paid: 0,
    paymentRecordsLeft: 0,
    fulfilmentRecords: 0,
    notificationRecords: 0,
    ledgerEntries: 0,
  };
  const getAll = async (keyList: Array<{ PK: string; SK: string }>): Promise<Item[]> => {
    const found: Item[] = [];
    for (let start = 0; start < keyList.length; start += 100) {
      let pending: Array<{ PK: string; SK: string }> | undefined = keyList.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0 && attempt < 10; attempt++) {
        const output = await db.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...((output.Responses?.[tableName] as Item[] | undefined) ?? []));
        pending = output.UnprocessedKeys?.[tableName]?.Keys as typeof pending;
      }
    }
    return found;
  };
  const items = await getAll(
    orderIds.flatMap((id) => [
      keys.order(id),
      keys.outbox(id, 'PAYMENT'),
      keys.outbox(id, 'FULFILMENT'),
      keys.outbox(id, 'NOTIFY_PAID'),
    ]),
  );
  const ledgerKeys: Array<{ PK: string; SK: string }> = [];
  for (const item of items) {
    if (item.SK === '#ORDER') {
      if (item.status !== 'PAID') continue;
      result.paid++;
      const paidAt = (item.events as Array<{ type: string; at: string }>).find(
        (event) => event.type === 'PAYMENT_SUCCEEDED',
      )?.at;
      const id = item.orderId as string;
      if (paidAt) ledgerKeys.push(keys.ledgerEntry(paidAt.slice(0, 10), ledgerShard(id), 'sale', id));
    } else if (item.SK === '#OUTBOX#PAYMENT') result.paymentRecordsLeft++;
    else if (item.SK === '#OUTBOX#FULFILMENT') result.fulfilmentRecords++;
    else if (item.SK === '#OUTBOX#NOTIFY_PAID') result.notificationRecords++;
  }
  result.ledgerEntries = (await getAll(ledgerKeys)).length;
  return result;
}

/**
 * The attribute names of what an order left (its partition, and its ledger entry), with the keys of
 * nested maps and of the list elements: the bare loop must write what the worker writes.
 */
async function shapeOf(client: DynamoDBClient, db: DynamoDBDocumentClient, tableName: string, orderId: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: keys.order(orderId).PK } },
      ConsistentRead: true,
    }),
  );
  const items = Items.map((item) => unmarshall(item));
  const order = items.find((item) => item.SK === '#ORDER');
  const paidAt = (order?.events as Array<{ type: string; at: string }> | undefined)?.find(
    (event) => event.type === 'PAYMENT_SUCCEEDED',
  )?.at;
  if (paidAt) {
    const key = keys.ledgerEntry(paidAt.slice(0, 10), ledgerShard(orderId), 'sale', orderId);
    const { Responses } = await db.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [key], ConsistentRead: true } } }),
    );
    items.push(...((Responses?.[tableName] as Item[] | undefined) ?? []).map((item) => ({ ...item, SK: 'LEDGER' })));
  }
  const describe = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.length > 0 ? describe(value[value.length - 1]) : ''}]`;
    if (value && typeof value === 'object') {
      return `{${Object.keys(value)
        .sort()
        .map((name) => `${name}${describe((value as Item)[name])}`)
        .join(',')}}`;
    }
    return '';
  };
  // `sends` is the bare loop's mark on a record it sent itself; ours are sent by the stream's forwarder, unmarked.
  return items
    .map((item) => `${item.SK} ${describe({ ...item, status: undefined, sends: undefined })} ${item.status ?? ''}`)
    .sort()
    .join('\n');
}

/** The raw figures of a run: the measured phases of both sides, what they left, and the warm-ups. */
export interface Measured {
  workerPhase: Phase;
  barePhase: Phase;
  settled: Record<'worker' | 'bare', Settled>;
  workerShape: string;
  bareShape: string;
  /** The warm-up phases (not measured), bare loop first. */
  warmups: Array<readonly [label: string, phase: Phase]>;
}

export async function measure(context: BenchContext): Promise<Measured> {
  const { functions } = await context.bundles();
  const workerBundle = bundleNamed(functions, FUNCTION_NAME);
  const createOrderBundle = bundleNamed(functions, CREATE_ORDER);
  // After the function bundles: building those clears the build directory.
  const bareBundle = await buildBundle(BARE);
  const stack = await context.checkoutStack();
  const gateway = await context.paymentGateway();
  applyFunctionEnv(stack.env);
  const createOrder = loadHandler<Handler>(createOrderBundle);
  const worker = loadHandler<BatchHandler>(workerBundle);
  const bare = loadHandler<BatchHandler>(bareBundle);

  const divisor = context.quick ? QUICK_DIVISOR : 1;
  const warmup = Math.max(BATCH_SIZE, Math.round(COUNTS.warmup / divisor));
  const half = Math.max(BATCH_SIZE, Math.round(COUNTS.measured / divisor / 2));
  const orders = await placeOrders(createOrder, stack, 2 * (warmup + 2 * half));
  let taken = 0;
  const take = (count: number) => {
    taken += count;
    return orders.slice(taken - count, taken);
  };
  const slices = {
    warmBare: take(warmup),
    warmWorker: take(warmup),
    bareA: take(half),
    workerA: take(half),
    workerB: take(half),
    bareB: take(half),
  };

  const probe = paymentProbe(stack);
  const client = stackDynamoClient(stack);
  const db = DynamoDBDocumentClient.from(client);
  const pids = { node: process.pid, dynamodb: stack.dynamoPid, sqs: stack.sqsPid, gateway: gateway.pid };
  const settled: Record<'worker' | 'bare', Settled> = {} as Record<'worker' | 'bare', Settled>;
  // Our worker's follow-up messages are sent by the stream's forwarder, so it runs beside our phases
  // (and only those: the bare loop sends its own messages).
  const forward = () => startWorkForwarding(stack, functions);
  try {
    const warmBare = await runBatches(bare, slices.warmBare, pids, probe, stack);
    const warmWorker = await runBatches(worker, slices.warmWorker, pids, probe, stack, forward);
    const bareA = await runBatches(bare, slices.bareA, pids, probe, stack);
    const workerA = await runBatches(worker, slices.workerA, pids, probe, stack, forward);
    const workerB = await runBatches(worker, slices.workerB, pids, probe, stack, forward);
    const bareB = await runBatches(bare, slices.bareB, pids, probe, stack);
    const ids = (messages: PaymentMessage[]) => messages.map((message) => message.orderId);
    settled.worker = await settledOf(db, stack.tableName, ids([...slices.workerA, ...slices.workerB]));
    settled.bare = await settledOf(db, stack.tableName, ids([...slices.bareA, ...slices.bareB]));
    const workerShape = await shapeOf(client, db, stack.tableName, slices.workerA[0]?.orderId ?? '');
    const bareShape = await shapeOf(client, db, stack.tableName, slices.bareA[0]?.orderId ?? '');
    return {
      workerPhase: merge(workerA, workerB),
      barePhase: merge(bareA, bareB),
      settled,
      workerShape,
      bareShape,
      warmups: [
        ['bare loop warm-up', warmBare],
        ['worker warm-up', warmWorker],
      ],
    };
  } finally {
    probe.close();
    client.destroy();
  }
}
