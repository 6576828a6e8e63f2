/** The checkout capacity measure's section: a row per order size, the accounting tables, the summary and the notes. */
import type { DetailTable, ResultRow, SectionResult } from '../../benchmark';
import { itemSize, TRANSACTION_FACTOR, writeUnitsOf } from '../../lib/capacity';
import { computedReadUnits, computedWriteUnits, isWriteCall } from '../../lib/capacity-recorder';
import { ratio, verdict } from '../../lib/format';
import { mean } from '../../lib/stats';
import {
  type Account,
  type Measured,
  minimumOf,
  ORDER_CASES,
  otherWrites,
  PROFILE_READ_MINIMUM,
  pricingMinimum,
  runOf,
  STEPS,
  stepFigures,
  type Units,
} from './measure';
import { MAX_RATIO, type Verdict } from './verify';

/**
 * On-demand prices per million request units, us-east-1, in force since the 50 % cut of
 * 1 November 2024 (AWS announcement "Amazon DynamoDB reduces prices for on-demand throughput").
 */
export const PRICE = { region: 'us-east-1', since: '2024-11-01', perMillionWru: 0.625, perMillionRru: 0.125 };
/** eu-west-1 (the stack's default region) before that cut; the cut halved every region's price. */
const EU_WEST_1_BEFORE_CUT = { perMillionWru: 1.4135, perMillionRru: 0.283 };

const dollars = (units: Units) => (units.wru * PRICE.perMillionWru + units.rru * PRICE.perMillionRru).toFixed(2);
const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0$/, ''));
const unitsText = (units: Units) => `${fmt(units.wru)} WRU + ${fmt(units.rru)} RRU`;
const bytes = (values: number[]) => {
  if (values.length === 0) return '–';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? `${min} B` : `${min}–${max} B`;
};
const spread = (values: number[]) => {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? fmt(min) : `${fmt(mean(values))} (${fmt(min)}–${fmt(max)})`;
};

export function render(measured: Measured, outcome: Verdict): SectionResult {
  const { results, placed, queued, outbox } = measured;
  const { failures } = outcome;
  const rows: ResultRow[] = [];
  const summaries: string[] = [];
  for (const size of outcome.sizes) {
    const { label } = size;
    if (!('pass' in size)) {
      rows.push({ cells: [label, 'no order placed', '', '', '', '', '', '', 'FAIL'], pass: false });
      continue;
    }
    const { accounts, reported, runs, minimum, run, wruRatio, rruRatio, pass } = size;
    const callNames = accounts[0]?.calls.map((call) => call.operation) ?? [];
    rows.push({
      cells: [
        `${label} order`,
        `${callNames.length}: ${callNames.join(', ')}`,
        `${spread(reported.map((u) => u.wru))} WCU + ${spread(reported.map((u) => u.rru))} RCU`,
        `${spread(runs.map((u) => u.wru))} WRU + ${spread(runs.map((u) => u.rru))} RRU`,
        unitsText(minimum),
        `${ratio(wruRatio)} / ${ratio(rruRatio)}`,
        `$${dollars(run)} (minimum $${dollars(minimum)})`,
        `≤ ${ratio(MAX_RATIO)}`,
        verdict(pass),
      ],
      pass,
    });
    summaries.push(
      `${label} ${unitsText(run)} = ${ratio(wruRatio)} / ${ratio(rruRatio)} minimum, $${dollars(run)}/M orders`,
    );
  }

  const tables: DetailTable[] = [];
  const examples = ORDER_CASES.map(({ label }) => results.get(label)?.[0]);
  if (examples.every((account): account is Account => account !== undefined)) {
    tables.push(accountingTable(examples), callTable(examples));
  }
  const notes = [
    ...failures.map((failure) => `**Failed:** ${failure}`),
    `${placed} orders placed, ${queued} payment messages queued by the stream's forwarder, ${outbox.records} ` +
      `PAYMENT work records in the table, ${outbox.resent} of them sent again by reconcile.`,
    ...transactionNote(examples),
    ...designNotes(examples),
    `Prices: ${PRICE.region} on-demand $${PRICE.perMillionWru} per million WRU and $${PRICE.perMillionRru} per ` +
      `million RRU, in force since ${PRICE.since} (the 50 % cut of on-demand throughput; checked against published ` +
      `summaries of the price list, not the live price list). eu-west-1, the stack's default region, was ` +
      `$${EU_WEST_1_BEFORE_CUT.perMillionWru}/$${EU_WEST_1_BEFORE_CUT.perMillionRru} before the cut, so about ` +
      `$${(EU_WEST_1_BEFORE_CUT.perMillionWru / 2).toFixed(3)}/$${(EU_WEST_1_BEFORE_CUT.perMillionRru / 2).toFixed(4)} ` +
      'now (derived, not verified): about 13 % more than the figures above.',
  ];
  const allPass = rows.every((row) => row.pass);
  return {
    columns: [
      'Order',
      'DynamoDB calls',
      'DynamoDB Local reported',
      'By the rules',
      'Design minimum',
      'Ratio (WRU / RRU)',
      `Cost per 1M orders (${PRICE.region})`,
      'Target',
      'Result',
    ],
    rows,
    tables,
    summary: `${allPass ? 'PASS' : 'FAIL'}: ${summaries.join('; ')} (target ≤ ${ratio(MAX_RATIO)} the design minimum)`,
    notes,
  };
}

/** The design minimum line by line, for a 1-line and a 5-line order, beside what the run spent. */
function accountingTable(examples: Account[]): DetailTable {
  const header = examples.flatMap((account) => [
    `${account.label}: item size`,
    `${account.label}: minimum`,
    `${account.label}: this run`,
  ]);
  const rows = STEPS.map((step) => [
    step.title,
    step.operation,
    step.rule,
    ...examples.flatMap((account) => {
      const figures = stepFigures(step, account);
      return [
        bytes(figures.sizes),
        `${fmt(figures.minimum)} WRU${figures.mismatch ? ` (${figures.mismatch})` : ''}`,
        `${fmt(figures.run)} WRU`,
      ];
    }),
  ]);
  rows.splice(
    3,
    0,
    [
      "Pricing read: the product items of the lines (a variant's: its item and its product's) and the shop's shipping methods (one item)",
      'BatchGetItem',
      '½ RRU per 4 KB per item (eventually consistent)',
      ...examples.flatMap((account) => [
        bytes(account.pricingReads.map((item) => itemSize(item))),
        `${fmt(pricingMinimum(account))} RRU`,
        `${fmt(account.pricingUnits)} RRU`,
      ]),
    ],
    [
      "Recipient read: the customer's profile (its cached verified e-mail)",
      'GetItem',
      '½ RRU per 4 KB (eventually consistent)',
      ...examples.flatMap((account) => [
        '',
        `${fmt(PROFILE_READ_MINIMUM)} RRU`,
        `${fmt(account.profileReadUnits)} RRU`,
      ]),
    ],
  );
  rows.push([
    'Anything else (other items written, other reads)',
    '',
    '',
    ...examples.flatMap((account) => [
      '',
      '0',
      `${fmt(otherWrites(account))} WRU + ${fmt(account.otherReadUnits)} RRU`,
    ]),
  ]);
  rows.push([
    '**Total**',
    '',
    '',
    ...examples.flatMap((account) => ['', unitsText(minimumOf(account)), unitsText(runOf(account))]),
  ]);
  return {
    caption:
      'Where the units go (one order of each size; "minimum" counts each item the design needs once, "this run" ' +
      'every write and read the checkout made, both by the published rules):',
    columns: ['Step', 'Call', 'Rule', ...header],
    rows,
  };
}

/** Per call: what DynamoDB Local reported beside the published rules. */
function callTable(examples: Account[]): DetailTable {
  const longest = examples.reduce((a, b) => (b.calls.length > a.calls.length ? b : a));
  const rows = longest.calls.map((_, index) => {
    const name = examples.map((account) => account.calls[index]?.operation).find(Boolean) ?? '';
    return [
      `${index + 1}. ${name}`,
      ...examples.flatMap((account) => {
        const call = account.calls[index];
        if (!call) return ['', ''];
        const write = isWriteCall(call);
        const unit = write ? 'WCU' : 'RCU';
        const local = call.reported
          ? `${fmt(call.reported.total)} ${unit}${
              Object.keys(call.reported.indexes).length
                ? ` (table ${fmt(call.reported.table)}, ${Object.entries(call.reported.indexes)
                    .map(([name, units]) => `${name} ${fmt(units)}`)
                    .join(', ')})`
                : ''
            }`
          : 'not reported';
        const indexes = call.writes.reduce<Record<string, number>>((sum, entry) => {
          for (const [name, units] of Object.entries(entry.cost.indexes)) sum[name] = (sum[name] ?? 0) + units;
          return sum;
        }, {});
        const tableUnits = call.writes.reduce((sum, entry) => sum + entry.cost.table, 0);
        const rules = write
          ? `${fmt(computedWriteUnits(call))} WRU${
              Object.keys(indexes).length
                ? ` (table ${fmt(tableUnits)}, ${Object.entries(indexes)
                    .map(([name, units]) => `${name} ${fmt(units)}`)
                    .join(', ')})`
                : ''
            }`
          : `${fmt(computedReadUnits(call))} RRU`;
        return [local + (call.error ? ` — failed: ${call.error}` : ''), rules];
      }),
    ];
  });
  return {
    caption: 'Measured against computed, call by call (the same orders): what DynamoDB Local reported, and the rules.',
    columns: [
      'Call',
      ...examples.flatMap((account) => [`${account.label}: DynamoDB Local reported`, `${account.label}: by the rules`]),
    ],
    rows,
  };
}

/**
 * The payment work record outlives the checkout: the payment's transition deletes it, in its own
 * transaction, after this measure. What that adds per order, at the record's measured size.
 */
function laterOutboxNote(account: Account, atCheckout: number): string[] {
  const step = STEPS.find((entry) => entry.title.startsWith('Payment work record'));
  const size = step ? stepFigures(step, account).sizes[0] : undefined;
  if (size === undefined) return [];
  const removal = TRANSACTION_FACTOR * writeUnitsOf(size) + writeUnitsOf(size);
  return [
    "The payment work record reaches its queue through the table's stream (decision 0012): no send and no " +
      "update on the request, and Lambda's reads of a DynamoDB stream that triggers it are not charged. The record " +
      'stays until the payment settles, so that the reconcile job can send a lost message again, and the transition ' +
      'that settles it (PAID, PAYMENT_FAILED, EXPIRED or CANCELLED) deletes it in its transaction: ' +
      `${TRANSACTION_FACTOR * writeUnitsOf(size)} WRU (transactional delete of ${size} B) + ${writeUnitsOf(size)} ` +
      `(its index entry removed) = ${removal} WRU outside the checkout, not counted above. The payment work then costs ` +
      `${atCheckout} + ${removal} = ${atCheckout + removal} WRU per order in all (with the update that marked the ` +
      `record sent after a send from the checkout, it cost ${atCheckout + 2 + removal}).`,
  ];
}

/** DynamoDB Local's figures for the transaction, beside the rules. */
function transactionNote(examples: Array<Account | undefined>): string[] {
  const parts: string[] = [];
  let indexDoubled = true;
  let indexExtra = 0;
  for (const account of examples) {
    const call = account?.calls.find((entry) => entry.operation === 'TransactWriteItems');
    if (!account || !call?.reported) continue;
    const tableRules = call.writes.reduce((sum, entry) => sum + entry.cost.table, 0);
    const indexRules = call.writes.reduce(
      (sum, entry) => sum + Object.values(entry.cost.indexes).reduce((a, b) => a + b, 0),
      0,
    );
    const indexReported = Object.values(call.reported.indexes).reduce((a, b) => a + b, 0);
    if (indexReported !== 2 * indexRules) indexDoubled = false;
    indexExtra = Math.max(indexExtra, indexRules);
    parts.push(
      `${account.label} order: table items ${fmt(call.reported.table)} reported, ${fmt(tableRules)} by the rules ` +
        `(${call.writes.length} items: ${call.writes.map((entry) => fmt(entry.cost.table)).join(' + ')}); index ` +
        `entries ${fmt(indexReported)} reported, ${fmt(indexRules)} by the rules`,
    );
  }
  if (parts.length === 0) return [];
  return [
    `DynamoDB Local reports every single-item call exactly as the rules compute it (the table above), but not ` +
      `transactions: ${parts.join('; ')}. Its sum over a transaction's items is not the published per-item sum (in a ` +
      'scratch test, a transaction putting two new 100-byte items reported 2 WCU, not 4), so the transaction figures ' +
      'used here are the rules applied to the items as stored before and after the call.' +
      (indexDoubled
        ? ' DynamoDB Local doubles the index entries of a transaction (exactly twice the rules, so the entry sizes ' +
          `agree); if AWS billed them that way too, add ${fmt(indexExtra)} WRU or less per order.`
        : ''),
  ];
}

/** Where the units go, in words, and what a design change would save. */
function designNotes(examples: Array<Account | undefined>): string[] {
  const account = examples.find((entry) => entry?.lines === 1) ?? examples[0];
  if (!account) return [];
  const unitsOf = (title: string, source: Account = account) => {
    const step = STEPS.find((entry) => entry.title.startsWith(title));
    return step ? stepFigures(step, source).minimum : 0;
  };
  const total = minimumOf(account).wru;
  const share = (units: number) => `${Math.round((units / total) * 100)} %`;
  const counters = unitsOf('Request rate limit') + unitsOf('Checkout rate limit');
  const idempotency = unitsOf('Idempotency claim') + unitsOf('Idempotency completion');
  const outbox = unitsOf('Payment work record') + unitsOf('Index entry of the work record');
  const order = unitsOf('Order item') + unitsOf('Index entries of the order');
  const stock = unitsOf('Stock reservation');
  const notes = [
    `Of the ${fmt(total)} WRU a 1-line order needs: the order and its two index entries ${fmt(order)} ` +
      `(${share(order)}), the idempotency record ${fmt(idempotency)} (${share(idempotency)}), the payment work record ` +
      `(transactional put and its GSI1 entry) ${fmt(outbox)} ` +
      `(${share(outbox)}), the ` +
      `two rate-limit counters ${fmt(counters)} (${share(counters)}), the stock reservation itself ${fmt(stock)} ` +
      `(${share(stock)}). Each extra line adds 2 WRU (its stock item, transactional) and ½ RRU (its price).`,
  ];
  const completion = STEPS.find((step) => step.title.startsWith('Idempotency completion'));
  const records = examples.flatMap((example) => {
    const figures = example && completion ? stepFigures(completion, example) : undefined;
    const size = figures?.sizes[0];
    return example && figures && size !== undefined ? [{ lines: example.lines, size, units: figures.minimum }] : [];
  });
  if (records.some((record) => record.size > 1024)) {
    notes.push(
      'The idempotency record stores the whole 201 response, so it grows with the order: ' +
        records
          .map(
            (record) =>
              `${record.size} B for ${record.lines} line${record.lines > 1 ? 's' : ''} ` +
              `(${record.units} WRU inside the transaction${
                record.size > 1024 && record.size - 1024 < 128 ? `, ${record.size - 1024} B over 1 KB` : ''
              })`,
          )
          .join(', ') +
        '. Storing the order id instead and rebuilding a replay from the order item would keep it under 1 KB ' +
        '(2 WRU) for any order, at the price of one read per replay.',
    );
  }
  notes.push(
    'Both indexes project ALL attributes, so the order item is written three times (table, GSI1, GSI2) and every ' +
      'later status change rewrites both entries; projecting only what the lists show would make each entry 1 WRU ' +
      'whatever the order size.',
    ...laterOutboxNote(account, outbox),
  );
  return notes;
}
