/** Checkout throughput, the measure: the phases of each point, run and recorded (no judging here). */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/adapters/dynamo/keys';
import type { Placement } from '../../../shared/domain/orders/order-ports';
import type { BenchContext } from '../../bench-context';
import { bundleNamed, loadHandler } from '../../lib/build-bundles';
import {
  applyFunctionEnv,
  type CheckoutRequest,
  checkoutRequest,
  type Handler,
  invokeCheckout,
  type PaymentRecords,
  paymentProbe,
  stackDynamoClient,
} from '../../lib/checkout-requests';
import { checkoutTransactions } from '../../lib/checkout-transaction';
import { nsToMs } from '../../lib/format';
import { addCpu, cpuMeter } from '../../lib/process-cpu';
import { seededRandom } from '../../lib/stats';
import { settledCount, startWorkForwarding } from '../../lib/work-forwarding';

export const FUNCTION_NAME = 'create-order';
export const CONCURRENCY = [1, 16, 64] as const;
/** Operations per point; warm-up first (JIT, sockets, the function's lazy set-up), then measured. */
export const COUNTS: Record<(typeof CONCURRENCY)[number], { warmup: number; checkouts: number; ceiling: number }> = {
  1: { warmup: 20, checkouts: 200, ceiling: 1000 },
  16: { warmup: 50, checkouts: 500, ceiling: 2000 },
  64: { warmup: 100, checkouts: 800, ceiling: 3000 },
};
const QUICK_DIVISOR = 5;
/** Bound on each measured phase: one that runs longer stops issuing work and fails its row. */
const PHASE_TIMEOUT_MS = 60_000;

export type Workload = 'hot' | 'spread';
const WORKLOADS: Workload[] = ['spread', 'hot'];

export interface Phase {
  ops: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** By HTTP status for checkouts; 200 = success, 0 = error for the ceiling. */
  outcomes: Map<number, number>;
  truncated: boolean;
  cpuMs: Record<string, number | undefined>;
}

/**
 * Runs `total` operations with `concurrency` of them in flight at any time (a closed loop: each
 * worker starts the next as soon as its last settles). Stops taking work at the deadline.
 */
async function closedLoop(
  total: number,
  concurrency: number,
  op: (index: number) => Promise<number>,
  cpuPids: Record<string, number>,
): Promise<Phase> {
  const latencies: number[] = [];
  const outcomes = new Map<number, number>();
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  let next = 0;
  let truncated = false;
  const worker = async () => {
    for (let index = next++; index < total; index = next++) {
      if (Date.now() > deadline) {
        truncated = true;
        return;
      }
      const start = process.hrtime.bigint();
      const outcome = await op(index);
      latencies.push(nsToMs(process.hrtime.bigint() - start));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  const meter = cpuMeter(cpuPids);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const elapsedMs = nsToMs(process.hrtime.bigint() - start);
  return {
    ops: latencies.length,
    elapsedMs,
    latenciesMs: latencies,
    outcomes,
    truncated,
    cpuMs: meter.stop(),
  };
}

/** Two phases of the same operations as one. */
function merge(a: Phase, b: Phase): Phase {
  const outcomes = new Map(a.outcomes);
  for (const [key, count] of b.outcomes) outcomes.set(key, (outcomes.get(key) ?? 0) + count);
  return {
    ops: a.ops + b.ops,
    elapsedMs: a.elapsedMs + b.elapsedMs,
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs],
    outcomes,
    truncated: a.truncated || b.truncated,
    cpuMs: addCpu(a.cpuMs, b.cpuMs),
  };
}

export interface Point {
  workload: Workload;
  concurrency: number;
  ceiling: Phase;
  /** The checkout's own TransactWriteItems alone, at the same concurrency. */
  transaction: Phase;
  checkout: Phase;
  warmupStatuses: Map<number, number>;
  /** Payment messages the stream's forwarder queued for the measured checkouts. */
  paymentsQueued: number;
  /** PAYMENT work records the measured checkouts wrote, and of those how many reconcile sent again. */
  outbox: PaymentRecords;
  sampleFailures: string[];
}

const recordsBetween = (before: PaymentRecords, after: PaymentRecords): PaymentRecords => ({
  records: after.records - before.records,
  resent: after.resent - before.resent,
});

/** Operations per second of a phase. */
export const perSecond = (phase: Phase) => (phase.ops / phase.elapsedMs) * 1000;
export const opsText = (value: number) => value.toFixed(value < 100 ? 1 : 0);

/** Every point of the measure: for each workload and concurrency, the three phases and the outcomes. */
export async function measurePoints(context: BenchContext): Promise<Point[]> {
  const { functions } = await context.bundles();
  const bundle = bundleNamed(functions, FUNCTION_NAME);
  const stack = await context.checkoutStack();
  applyFunctionEnv(stack.env);
  const handler = loadHandler<Handler>(bundle);
  // The hand-off runs as deployed, beside the checkouts: the stream's forwarder sends their messages.
  const forwarding = await startWorkForwarding(stack, functions);

  const raw = stackDynamoClient(stack);
  const db = DynamoDBDocumentClient.from(raw);
  const probe = paymentProbe(stack);
  const transactions = checkoutTransactions(stack, db);
  const random = seededRandom(0xc4ec);
  const skuFor = (workload: Workload) =>
    workload === 'hot' ? stack.hotSku : (stack.spreadSkus[Math.floor(random() * stack.spreadSkus.length)] as string);
  const pids = { node: process.pid, dynamodb: stack.dynamoPid, sqs: stack.sqsPid };
  const divisor = context.quick ? QUICK_DIVISOR : 1;
  const points: Point[] = [];
  try {
    for (const workload of WORKLOADS) {
      for (const concurrency of CONCURRENCY) {
        const counts = COUNTS[concurrency];
        const n = (count: number) => Math.max(concurrency, Math.round(count / divisor));
        const ceilingOp = async () => {
          try {
            await db.send(
              new UpdateCommand({
                TableName: stack.tableName,
                Key: keys.stock(skuFor(workload)),
                UpdateExpression: 'SET available = available - :q',
                ConditionExpression: 'available >= :q',
                ExpressionAttributeValues: { ':q': 1 },
              }),
            );
            return 200;
          } catch {
            return 0;
          }
        };
        const half = (count: number) => Math.max(1, Math.round(n(count) / 2));
        const ceilingPhase = () => closedLoop(half(counts.ceiling), concurrency, ceilingOp, pids);
        const prepare = (count: number): CheckoutRequest[] =>
          Array.from({ length: count }, () => checkoutRequest(stack, [skuFor(workload)]));
        const transactionPhase = (placements: Placement[]) =>
          closedLoop(
            placements.length,
            concurrency,
            (index) => transactions.commit(placements[index] as Placement),
            pids,
          );
        const failures: string[] = [];
        const checkoutPhase = (requests: CheckoutRequest[]) =>
          closedLoop(
            requests.length,
            concurrency,
            async (index) => {
              const result = await invokeCheckout(handler, requests[index] as CheckoutRequest);
              if (result.statusCode !== 201 && failures.length < 3) {
                failures.push(`${result.statusCode}: ${result.body.slice(0, 240)}`);
              }
              return result.statusCode;
            },
            pids,
          );
        // Warm-ups, then the three measured in halves, in mirrored order (ceiling, transaction, checkout,
        // checkout, transaction, ceiling), so that a slow spell of the machine weighs on all alike. Tokens
        // are signed, and the transactions prepared, before each phase starts.
        await closedLoop(n(counts.ceiling / 5), concurrency, ceilingOp, pids);
        await transactionPhase(await transactions.prepare(prepare(n(counts.warmup))));
        const warmup = await checkoutPhase(prepare(n(counts.warmup)));
        const firstRequests = prepare(half(counts.checkouts));
        const [firstPlacements, secondPlacements] = [
          await transactions.prepare(prepare(half(counts.checkouts))),
          await transactions.prepare(prepare(half(counts.checkouts))),
        ];
        const queuedBefore = await probe.queuedMessages();
        const recordsBefore = await probe.paymentRecords();
        const ceilingA = await ceilingPhase();
        const transactionA = await transactionPhase(firstPlacements);
        const checkoutA = await checkoutPhase(firstRequests);
        const checkoutB = await checkoutPhase(prepare(half(counts.checkouts)));
        const transactionB = await transactionPhase(secondPlacements);
        const ceilingB = await ceilingPhase();
        // The bare transactions wrote PAYMENT work records too, which the forwarder sent as well: they
        // are not the checkout's. The forwarder may still be at the last records: given time to settle.
        const transaction = merge(transactionA, transactionB);
        const committed = transaction.outcomes.get(200) ?? 0;
        const created = (checkoutA.outcomes.get(201) ?? 0) + (checkoutB.outcomes.get(201) ?? 0);
        const queued = await settledCount(() => probe.queuedMessages(), queuedBefore + created + committed);
        const paymentsQueued = queued - queuedBefore - committed;
        const records = recordsBetween(recordsBefore, await probe.paymentRecords());
        const outbox = { ...records, records: records.records - committed };
        const ceiling = merge(ceilingA, ceilingB);
        const checkout = { warmup, measured: merge(checkoutA, checkoutB), paymentsQueued, outbox, failures };
        points.push({
          workload,
          concurrency,
          ceiling,
          transaction,
          checkout: checkout.measured,
          warmupStatuses: checkout.warmup.outcomes,
          paymentsQueued: checkout.paymentsQueued,
          outbox: checkout.outbox,
          sampleFailures: checkout.failures,
        });
        process.stdout.write(
          `bench:   ${workload} c=${concurrency}: checkout ${opsText(perSecond(checkout.measured))}/s, ` +
            `transaction ${opsText(perSecond(transaction))}/s, ceiling ${opsText(perSecond(ceiling))}/s\n`,
        );
      }
    }
  } finally {
    await forwarding.stop();
    probe.close();
    raw.destroy();
  }
  return points;
}
