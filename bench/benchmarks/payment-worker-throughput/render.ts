/** The payment worker measure's section: its row, the outcomes table, the summary and the notes. */
import os from 'node:os';
import type { ResultRow, SectionResult } from '../../benchmark';
import { ms, ratio, verdict } from '../../lib/format';
import { cpuPerOperation } from '../../lib/process-cpu';
import { percentile } from '../../lib/stats';
import { BATCH_SIZE, FUNCTION_NAME, type Measured, type Phase, perSecond, type Settled } from './measure';
import { MIN_RATIO, type Verdict } from './verify';

const rateText = (value: number) => value.toFixed(value < 100 ? 1 : 0);
const cpuPerMessage = (phase: Phase, name: string) => cpuPerOperation(phase.cpuMs, name, phase.messages);
const cpuText = (phase: Phase, name: string) => {
  const value = cpuPerMessage(phase, name);
  return value === undefined ? 'n/a' : ms(value);
};

export function render(measured: Measured, outcome: Verdict): SectionResult {
  const { workerPhase, barePhase, settled } = measured;
  const { problems, measuredRatio, healthy, pass } = outcome;
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
    `${side.fulfilmentRecords} / ${side.notificationRecords} / ${side.paymentRecordsLeft}`,
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
          'FULFILMENT / NOTIFY_PAID records / PAYMENT records left',
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
      ...outcome.warmupNotes,
      ...analysis(workerPhase, barePhase),
    ],
  };
}

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
