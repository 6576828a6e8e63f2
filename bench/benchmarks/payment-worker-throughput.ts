import { createHash } from 'node:crypto';
import os from 'node:os';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { keys } from '../../shared/adapters/dynamo/keys';
import { lambdaContext } from '../../test/support/http-event';
import { sqsEvent, sqsRecord } from '../../test/support/sqs-event';
import type { CheckoutStack } from '../bench-context';
import type { Benchmark, ResultRow } from '../benchmark';
import { buildBundle, bundleNamed, loadHandler } from '../lib/build-bundles';
import {
  applyFunctionEnv,
  type CheckoutRequest,
  checkoutRequest,
  describeStatuses,
  type Handler,
  invokeCheckout,
  paymentProbe,
  stackDynamoClient,
} from '../lib/checkout-requests';
import { ms, nsToMs, ratio, verdict } from '../lib/format';
import { addCpu, cpuMeter, cpuPerOperation } from '../lib/process-cpu';
import type { ServiceFunction } from '../lib/serverless-yml';
import { percentile, seededRandom } from '../lib/stats';

/** Target: the worker's messages per second at least this share of the bare loop's. */
const MIN_RATIO = 0.7;
const FUNCTION_NAME = 'payment-worker';
const CREATE_ORDER = 'create-order';
/** The payment queue's event source mapping (serverless.yml): up to 10 records per invocation. */
const BATCH_SIZE = 10;
/** serverless.yml's timeout of the payment worker. */
const INVOCATION_TIMEOUT_MS = 30_000;
/** Per side: warm-up messages, then measured ones (in two halves, ABBA). */
const COUNTS = { warmup: 50, measured: 500 };
const QUICK_DIVISOR = 5;
/** Checkouts in flight while the pending orders are placed (not measured). */
const PLACING_CONCURRENCY = 16;
const BARE: ServiceFunction = {
  name: 'bare-payment-worker',
  entry: 'bench/baseline/bare-payment-worker.ts',
  exportName: 'handler',
};

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** A payment message of a placed order, as the checkout sends it (PAYMENT_REQUESTED). */
interface PaymentMessage {
  type: 'PAYMENT_REQUESTED';
  orderId: string;
  paymentToken: string;
  amount: number;
  currency: string;
}

interface Phase {
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

const perSecond = (phase: Phase) => (phase.messages / phase.elapsedMs) * 1000;
const rateText = (value: number) => value.toFixed(value < 100 ? 1 : 0);
const cpuPerMessage = (phase: Phase, name: string) => cpuPerOperation(phase.cpuMs, name, phase.messages);
const cpuText = (phase: Phase, name: string) => {
  const value = cpuPerMessage(phase, name);
  return value === undefined ? 'n/a' : ms(value);
};

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
): Promise<Phase> {
  const events = batches(messages);
  const before = await queuedFollowUps(probe, stack);
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
interface Settled {
  orders: number;
  paid: number;
  paymentRecordsLeft: number;
  fulfilmentRecordsSent: number;
  notificationRecordsSent: number;
  ledgerEntries: number;
}

/** Reads back every order of a side, its work records and its ledger entry (strongly consistent). */
async function settledOf(db: DynamoDBDocumentClient, tableName: string, orderIds: string[]): Promise<Settled> {
  const result: Settled = {
    orders: orderIds.length,
    paid: 0,
    paymentRecordsLeft: 0,
    fulfilmentRecordsSent: 0,
    notificationRecordsSent: 0,
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
    else if (item.SK === '#OUTBOX#FULFILMENT' && item.sends === 1) result.fulfilmentRecordsSent++;
    else if (item.SK === '#OUTBOX#NOTIFY_PAID' && item.sends === 1) result.notificationRecordsSent++;
  }
  result.ledgerEntries = (await getAll(ledgerKeys)).length;
  return result;
}

const settledProblems = (label: string, settled: Settled): string[] => {
  const n = settled.orders;
  const problems = [
    settled.paid !== n && `${n - settled.paid} of ${n} orders not PAID`,
    settled.paymentRecordsLeft > 0 && `${settled.paymentRecordsLeft} PAYMENT work records not deleted`,
    settled.fulfilmentRecordsSent !== n &&
      `${n - settled.fulfilmentRecordsSent} FULFILMENT records missing or not sent once`,
    settled.notificationRecordsSent !== n &&
      `${n - settled.notificationRecordsSent} NOTIFY_PAID records missing or not sent once`,
    settled.ledgerEntries !== settled.paid &&
      `${settled.paid - settled.ledgerEntries} paid orders without a ledger entry`,
  ].filter((problem): problem is string => typeof problem === 'string');
  return problems.map((problem) => `${label}: ${problem}`);
};

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
  return items
    .map((item) => `${item.SK} ${describe({ ...item, status: undefined })} ${item.status ?? ''}`)
    .sort()
    .join('\n');
}

export const paymentWorkerThroughput: Benchmark = {
  id: 'payment-worker',
  title: 'Payment worker throughput: messages per second against a bare loop',
  howMeasured: [
    `The built bundle of \`${FUNCTION_NAME}\` (deployment esbuild options) is \`require\`d into the bench process with ` +
      'the function environment of the checkout measures (DynamoDB Local in memory, the SQS emulator in a child ' +
      'process) and `PAYMENT_GATEWAY_URL` pointed at the sandbox gateway of `npm start` ' +
      '(`scripts/local/sandbox-gateway.ts`), which the bench runs in a child process of its own, as a remote gateway ' +
      "would not share the worker's event loop. `PAYMENT_CIRCUIT_FAILURE_THRESHOLD` is set out of reach, so a " +
      "hiccup fails its message instead of opening the circuit; the circuit's shared state is still read as in " +
      'production (once per `PAYMENT_CIRCUIT_CACHE_SECONDS`, 2 s).',
    'The pending orders are placed first, not measured: one unit of a product drawn at random (seeded) from the ' +
      `1,000 of the checkout measures, through the \`${CREATE_ORDER}\` handler (${PLACING_CONCURRENCY} in flight), ` +
      'each a new customer paying with `tok_visa`. Their payment messages (PAYMENT_REQUESTED, as the checkout sends ' +
      `them) become SQS records of the event source mapping's shape (\`test/support/sqs-event.ts\`), ${BATCH_SIZE} ` +
      'to an event, built before the clock starts.',
    `The worker: its handler called with one event after the other (${BATCH_SIZE} records in flight, as one Lambda ` +
      'instance takes batch after batch; the batch processor runs the records of a batch in parallel). Per message ' +
      'it reads the order, charges it through the gateway adapter (HTTP to the sandbox), commits the PAID transition ' +
      '(order, stock sold, FULFILMENT and NOTIFY_PAID work records, the PAYMENT record deleted, the sales-ledger ' +
      'entry) and sends the two new work messages, marking each record sent.',
    `The bare loop (\`${BARE.entry}\`, bundled with the same options): a handler doing the same calls in the same ` +
      'order per message — the strongly consistent GetItem, the same POST to the same sandbox (the worker cannot ' +
      'avoid the gateway, so neither does the yardstick), the same TransactWriteItems, the two SendMessage calls and ' +
      'the two UpdateItem calls — without Middy, Powertools, zod, the circuit breaker, the retry wrapper or the ' +
      `service layers, at the same concurrency (${BATCH_SIZE} records of a batch in parallel, batch after batch). It ` +
      'skips the circuit read, about one GetItem per 2 s.',
    `Per side: ${COUNTS.warmup} warm-up messages, then ${COUNTS.measured} measured in two halves, ABBA (bare loop, ` +
      'worker, worker, bare loop), each half on orders of its own; the halves are added up. Throughput = measured ' +
      'messages / wall-clock time; batch p50/p99 = time of one invocation. Ratio = worker / bare loop; target ' +
      `≥ ${MIN_RATIO}×.`,
    'Every measured message must succeed (no failed record) and leave what the PAID transition leaves: afterwards, ' +
      'read back strongly consistent, every order PAID with its ledger entry, its PAYMENT record gone, its FULFILMENT ' +
      'and NOTIFY_PAID records present and marked sent once, and the fulfilment and notification queues grown by one ' +
      'message per order; and one order of each side must have left items of the same shape (attribute names, ' +
      'nested too). Otherwise the row fails. CPU per message: the bench process, DynamoDB Local, the SQS emulator and ' +
      'the gateway during the measured phases.',
  ],
  async run(context) {
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
    const problems: string[] = [];
    const notes: string[] = [];
    let workerPhase: Phase;
    let barePhase: Phase;
    const settled: Record<'worker' | 'bare', Settled> = {} as Record<'worker' | 'bare', Settled>;
    try {
      const warmBare = await runBatches(bare, slices.warmBare, pids, probe, stack);
      const warmWorker = await runBatches(worker, slices.warmWorker, pids, probe, stack);
      for (const [label, phase] of [
        ['bare loop warm-up', warmBare],
        ['worker warm-up', warmWorker],
      ] as const) {
        if (phase.failedRecords > 0) {
          notes.push(
            `${label} (not measured): ${phase.failedRecords} records failed` +
              (phase.errors.length > 0 ? ` (${phase.errors[0]})` : ''),
          );
        }
      }
      const bareA = await runBatches(bare, slices.bareA, pids, probe, stack);
      const workerA = await runBatches(worker, slices.workerA, pids, probe, stack);
      const workerB = await runBatches(worker, slices.workerB, pids, probe, stack);
      const bareB = await runBatches(bare, slices.bareB, pids, probe, stack);
      workerPhase = merge(workerA, workerB);
      barePhase = merge(bareA, bareB);
      const ids = (messages: PaymentMessage[]) => messages.map((message) => message.orderId);
      settled.worker = await settledOf(db, stack.tableName, ids([...slices.workerA, ...slices.workerB]));
      settled.bare = await settledOf(db, stack.tableName, ids([...slices.bareA, ...slices.bareB]));
      const workerShape = await shapeOf(client, db, stack.tableName, slices.workerA[0]?.orderId ?? '');
      const bareShape = await shapeOf(client, db, stack.tableName, slices.bareA[0]?.orderId ?? '');
      if (!workerShape.includes('#OUTBOX#FULFILMENT') || !workerShape.includes('LEDGER')) {
        problems.push(`the worker's order left no work record or no ledger entry: ${JSON.stringify(workerShape)}`);
      } else if (workerShape !== bareShape) {
        problems.push(
          `the bare loop left items of another shape than the worker: worker ${JSON.stringify(workerShape)}, ` +
            `bare loop ${JSON.stringify(bareShape)}`,
        );
      }
    } finally {
      probe.close();
      client.destroy();
    }

    for (const [label, phase] of [
      ['worker', workerPhase],
      ['bare loop', barePhase],
    ] as const) {
      if (phase.failedRecords > 0) {
        problems.push(
          `${label}: ${phase.failedRecords} of ${phase.messages} records failed` +
            (phase.errors.length > 0 ? ` (${phase.errors.join(' | ')})` : ''),
        );
      }
      const n = phase.messages;
      if (phase.queued.fulfilment !== n || phase.queued.notification !== n) {
        problems.push(
          `${label}: ${n} messages, ${phase.queued.fulfilment} fulfilment and ${phase.queued.notification} ` +
            'notification messages queued',
        );
      }
    }
    problems.push(...settledProblems('worker', settled.worker), ...settledProblems('bare loop', settled.bare));

    const measuredRatio = perSecond(workerPhase) / perSecond(barePhase);
    const healthy = problems.length === 0;
    const pass = healthy && measuredRatio >= MIN_RATIO;
    const rows: ResultRow[] = [
      {
        cells: [
          `\`${FUNCTION_NAME}\`, batches of ${BATCH_SIZE}`,
          String(workerPhase.messages),
          rateText(perSecond(workerPhase)),
          ms(percentile(workerPhase.batchMs, 50)),
          ms(percentile(workerPhase.batchMs, 99)),
          rateText(perSecond(barePhase)),
          ms(percentile(barePhase.batchMs, 50)),
          ms(percentile(barePhase.batchMs, 99)),
          ratio(measuredRatio),
          `≥ ${ratio(MIN_RATIO)}`,
          healthy ? verdict(pass) : 'FAIL (outcomes)',
        ],
        pass,
      },
    ];
    const sideRow = (label: string, phase: Phase, side: Settled) => [
      label,
      `${phase.messages - phase.failedRecords} / ${phase.messages}`,
      `${side.paid} / ${side.ledgerEntries}`,
      `${side.fulfilmentRecordsSent} / ${side.notificationRecordsSent} / ${side.paymentRecordsLeft}`,
      `${phase.queued.fulfilment} / ${phase.queued.notification}`,
      cpuText(phase, 'node'),
      cpuText(phase, 'dynamodb'),
      cpuText(phase, 'sqs'),
      cpuText(phase, 'gateway'),
    ];
    return {
      columns: [
        'Handler',
        'Messages',
        'Messages/s',
        'Batch p50',
        'Batch p99',
        'Bare loop messages/s',
        'Bare loop batch p50',
        'Bare loop batch p99',
        'Ratio',
        'Target',
        'Result',
      ],
      rows,
      tables: [
        {
          caption: 'Outcomes (read back after the run) and where the CPU goes (per measured message):',
          columns: [
            'Side',
            'Records succeeded',
            'Orders PAID / ledger entries',
            'FULFILMENT / NOTIFY_PAID records sent once / PAYMENT records left',
            'Fulfilment / notification messages queued',
            'Bench process CPU',
            'DynamoDB Local CPU',
            'SQS CPU',
            'Gateway CPU',
          ],
          rows: [sideRow('worker', workerPhase, settled.worker), sideRow('bare loop', barePhase, settled.bare)],
        },
      ],
      summary:
        `${pass ? 'PASS' : 'FAIL'}: ${rateText(perSecond(workerPhase))} messages/s vs bare loop ` +
        `${rateText(perSecond(barePhase))}/s = ${ratio(measuredRatio)} (target ≥ ${ratio(MIN_RATIO)}; batches of ` +
        `${BATCH_SIZE}, ${workerPhase.messages} messages each)` +
        (healthy ? '' : `; ${problems.length} problem(s) with the outcomes`),
      notes: [
        ...problems.map((problem) => `**Failed outcomes:** ${problem}`),
        ...notes,
        ...analysis(workerPhase, barePhase),
      ],
    };
  },
};

/** Where the difference goes, in words, from the figures of the run. */
function analysis(worker: Phase, bare: Phase): string[] {
  const names = ['node', 'dynamodb', 'sqs', 'gateway'];
  const total = (phase: Phase) => names.reduce((sum, name) => sum + (cpuPerMessage(phase, name) ?? 0), 0);
  const nodeWorker = cpuPerMessage(worker, 'node');
  const nodeBare = cpuPerMessage(bare, 'node');
  if (nodeWorker === undefined || nodeBare === undefined || worker.cpuMs.dynamodb === undefined) return [];
  const extra = nodeWorker - nodeBare;
  return [
    `A message costs ${ms(total(worker))} of CPU in all with the worker and ${ms(total(bare))} with the bare loop; ` +
      `the bench process (handler, SDK, HTTP client) spends ${ms(nodeWorker)} against ${ms(nodeBare)}, so ` +
      (extra > 0
        ? `the worker's framework and layers add about ${ms(extra)} per message. `
        : 'the framework and layers of the worker cost nothing measurable beyond the bare loop (the difference is ' +
          'within the noise). ') +
      'DynamoDB Local, the SQS emulator and the gateway do the same work for both and take most of the CPU: with ' +
      `${BATCH_SIZE} records in flight on ${os.cpus().length} cores shared by all of them, the phases are ` +
      'CPU-bound, and the ratio follows the total CPU per message more than the latency of any one call.',
  ];
}
