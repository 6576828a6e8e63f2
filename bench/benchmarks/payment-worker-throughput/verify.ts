/** Checks what a run of the payment worker measure left: the problems with its outcomes, and pass or fail. */
import { type Measured, perSecond, type Settled } from './measure';

/** Target: the worker's messages per second at least this share of the bare loop's. */
export const MIN_RATIO = 0.7;

export interface Verdict {
  /** Outcomes that fail the row, each one line. */
  problems: string[];
  /** Failed records of the warm-ups (not measured): worth a note, but no problem. */
  warmupNotes: string[];
  measuredRatio: number;
  healthy: boolean;
  pass: boolean;
}

const settledProblems = (label: string, settled: Settled): string[] => {
  const n = settled.orders;
  const problems = [
    settled.paid !== n && `${n - settled.paid} of ${n} orders not PAID`,
    settled.paymentRecordsLeft > 0 && `${settled.paymentRecordsLeft} PAYMENT work records not deleted`,
    settled.fulfilmentRecords !== n && `${n - settled.fulfilmentRecords} FULFILMENT records missing`,
    settled.notificationRecords !== n && `${n - settled.notificationRecords} NOTIFY_PAID records missing`,
    settled.ledgerEntries !== settled.paid &&
      `${settled.paid - settled.ledgerEntries} paid orders without a ledger entry`,
  ].filter((problem): problem is string => typeof problem === 'string');
  return problems.map((problem) => `${label}: ${problem}`);
};

export function verify(measured: Measured): Verdict {
  const { workerPhase, barePhase, settled, workerShape, bareShape } = measured;
  const problems: string[] = [];
  const warmupNotes: string[] = [];
  for (const [label, phase] of measured.warmups) {
    if (phase.failedRecords > 0) {
      warmupNotes.push(
        `${label} (not measured): ${phase.failedRecords} records failed` +
          (phase.errors.length > 0 ? ` (${phase.errors[0]})` : ''),
      );
    }
  }
  if (!workerShape.includes('#OUTBOX#FULFILMENT') || !workerShape.includes('LEDGER')) {
    problems.push(`the worker's order left no work record or no ledger entry: ${JSON.stringify(workerShape)}`);
  } else if (workerShape !== bareShape) {
    problems.push(
      `the bare loop left items of another shape than the worker: worker ${JSON.stringify(workerShape)}, ` +
        `bare loop ${JSON.stringify(bareShape)}`,
    );
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
  return { problems, warmupNotes, measuredRatio, healthy, pass };
}
