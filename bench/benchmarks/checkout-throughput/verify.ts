/** Checkout throughput, the verdicts: whether a point's outcomes hold, and whether it meets the target. */
import { describeStatuses } from '../../lib/checkout-requests';
import { percentile } from '../../lib/stats';
import type { Point } from './measure';

/**
 * Target: a checkout's latency at concurrency 1 (p50, spread skus) at most this many times its own
 * transaction's alone. The old target (checkouts per second ≥ 0.5× a bare conditional update) judged
 * DynamoDB Local's CPU, not our design: retired (its figures stay in the table for information).
 */
export const MAX_LATENCY_RATIO = 2.0;
export const TARGET_CONCURRENCY = 1;

/** The checkout's p50 over its transaction's alone, at the same point. */
export const latencyRatio = (point: Point) =>
  percentile(point.checkout.latenciesMs, 50) / percentile(point.transaction.latenciesMs, 50);
/** The one point the target judges; the others are for information. */
export const isJudged = (point: Point) => point.workload === 'spread' && point.concurrency === TARGET_CONCURRENCY;

export interface Judgement {
  label: string;
  created: number;
  /** Every outcome as it must be (all 201, every payment message and record, no failed ceiling or transaction). */
  healthy: boolean;
  /** undefined: a row without a target whose outcomes hold. */
  pass: boolean | undefined;
  /** What went wrong, one line each (the row then fails). */
  problems: string[];
  /** What is worth saying but fails nothing (a warm-up that answered otherwise). */
  notes: string[];
}

export function judge(point: Point): Judgement {
  const { checkout, ceiling, transaction, outbox } = point;
  const label = `${point.workload === 'hot' ? 'hot sku' : 'spread skus'}, c=${point.concurrency}`;
  const created = checkout.outcomes.get(201) ?? 0;
  const allCreated = created === checkout.ops && !checkout.truncated;
  const paymentsOk = point.paymentsQueued === created && outbox.records === created && outbox.resent === 0;
  const ceilingOk = (ceiling.outcomes.get(200) ?? 0) === ceiling.ops && !ceiling.truncated;
  const transactionOk = (transaction.outcomes.get(200) ?? 0) === transaction.ops && !transaction.truncated;
  const healthy = allCreated && paymentsOk && ceilingOk && transactionOk;
  const pass = isJudged(point) ? healthy && latencyRatio(point) <= MAX_LATENCY_RATIO : healthy ? undefined : false;
  const problems: string[] = [];
  if (!allCreated)
    problems.push(`${label}: ${describeStatuses(checkout.outcomes)}; e.g. ${point.sampleFailures.join(' | ')}`);
  if (!paymentsOk) {
    problems.push(
      `${label}: ${created} orders created, ${point.paymentsQueued} payment messages queued, ` +
        `${outbox.records} PAYMENT work records written, ${outbox.resent} of them sent again by reconcile`,
    );
  }
  if (!ceilingOk) problems.push(`${label}: ${ceiling.ops - (ceiling.outcomes.get(200) ?? 0)} ceiling updates failed`);
  if (!transactionOk)
    problems.push(`${label}: ${describeStatuses(transaction.outcomes)} from the bare checkout transactions`);
  const notes: string[] = [];
  const warmupCreated = point.warmupStatuses.get(201) ?? 0;
  const warmupTotal = [...point.warmupStatuses.values()].reduce((a, b) => a + b, 0);
  if (warmupCreated !== warmupTotal) {
    notes.push(`${label}: warm-up answered ${describeStatuses(point.warmupStatuses)} (not measured).`);
  }
  return { label, created, healthy, pass, problems, notes };
}
