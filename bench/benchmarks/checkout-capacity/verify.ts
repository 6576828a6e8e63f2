/** Checks a run of the checkout capacity measure: failures of placing and sending, each size's ratios, pass or fail. */
import {
  type Account,
  type Measured,
  meanUnits,
  minimumOf,
  ORDER_CASES,
  reportedOf,
  runOf,
  STEPS,
  stepFigures,
  type Units,
} from './measure';

/** Target: what a checkout consumes at most this many times what the design needs. */
export const MAX_RATIO = 1.5;

/** One order size: its accounts and, when any order was placed, their figures and verdict. */
export type SizeVerdict =
  | { label: string; accounts: [] }
  | {
      label: string;
      accounts: Account[];
      runs: Units[];
      reported: Array<Units & { missing: number }>;
      run: Units;
      minimum: Units;
      wruRatio: number;
      rruRatio: number;
      pass: boolean;
    };

export interface Verdict {
  /** Every failure, in the order found: placing, sending, then each size's accounting. */
  failures: string[];
  sizes: SizeVerdict[];
}

export function verify(measured: Measured): Verdict {
  const { results, placed, queued, outbox } = measured;
  const failures = [...measured.failures];
  if (queued !== placed) failures.push(`${placed} orders placed but ${queued} payment messages queued`);
  if (outbox.records !== placed) failures.push(`${placed} orders placed but ${outbox.records} PAYMENT work records`);
  if (outbox.resent > 0) failures.push(`${outbox.resent} PAYMENT work records sent again by reconcile`);

  // Failures of placing orders or sending payments hold for every row; the accounting's are per size.
  const placingFailures = failures.length;
  const sizes: SizeVerdict[] = [];
  for (const { label } of ORDER_CASES) {
    const accounts = results.get(label) ?? [];
    if (accounts.length === 0) {
      sizes.push({ label, accounts: [] });
      continue;
    }
    const runs = accounts.map(runOf);
    const minimums = accounts.map(minimumOf);
    const reported = accounts.map(reportedOf);
    const run = meanUnits(runs);
    const minimum = meanUnits(minimums);
    const wruRatio = run.wru / minimum.wru;
    const rruRatio = minimum.rru > 0 ? run.rru / minimum.rru : run.rru > 0 ? Number.POSITIVE_INFINITY : 1;
    // A step of the design the checkout did not take (or took for other items) means the accounting, or the
    // checkout, is not what this measure assumes: the row fails rather than report a smaller minimum.
    const unexpected = new Set(
      accounts.flatMap((account) =>
        STEPS.flatMap((step) => {
          const { mismatch } = stepFigures(step, account);
          return mismatch ? [`${label} order, "${step.title}": ${mismatch}`] : [];
        }),
      ),
    );
    const recorderProblems = new Set(
      accounts.flatMap((account) =>
        account.calls.flatMap((call) => call.problems.map((text) => `${label} order, ${call.operation}: ${text}`)),
      ),
    );
    failures.push(...unexpected, ...[...recorderProblems].map((text) => `recorder: ${text}`));
    const pass =
      wruRatio <= MAX_RATIO &&
      rruRatio <= MAX_RATIO &&
      placingFailures === 0 &&
      unexpected.size === 0 &&
      recorderProblems.size === 0;
    sizes.push({ label, accounts, runs, reported, run, minimum, wruRatio, rruRatio, pass });
  }
  return { failures, sizes };
}
