/**
 * Places checkouts through the instrumented handler and records what each did to DynamoDB; the
 * design's steps, against which its units are accounted, and the figures of an order by those steps.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keys } from '../../../shared/adapters/dynamo/keys';
import type { BenchContext, CheckoutStack } from '../../bench-context';
import { buildBundle } from '../../lib/build-bundles';
import {
  INDEX_WRITE_FACTOR_IN_TRANSACTION,
  itemSize,
  readCost,
  type TableDefinition,
  tableDefinition,
  type WireItem,
} from '../../lib/capacity';
import {
  type CapacityRecorder,
  computedReadUnits,
  computedWriteUnits,
  type ItemWrite,
  isWriteCall,
  type RecordedCall,
  recordCapacity,
} from '../../lib/capacity-recorder';
import {
  applyFunctionEnv,
  checkoutRequest,
  type Handler,
  invokeCheckout,
  type PaymentRecords,
  paymentProbe,
  stackDynamoClient,
} from '../../lib/checkout-requests';
import type { ServiceFunction } from '../../lib/serverless-yml';
import { mean } from '../../lib/stats';
import { settledCount, startWorkForwarding } from '../../lib/work-forwarding';

/** `create-order` as deployed, plus its DynamoDB client (see the entry file). */
export const ENTRY: ServiceFunction = {
  name: 'create-order-with-client',
  entry: 'bench/entries/create-order-with-client.ts',
  exportName: 'handler',
};
/** One kind of order measured: its lines, simple products or variants (each of another product). */
export interface OrderCase {
  label: string;
  lines: number;
  variants: boolean;
}

export const ORDER_CASES: OrderCase[] = [
  { label: '1-line', lines: 1, variants: false },
  { label: '5-line', lines: 5, variants: false },
  // Each variant of another product, and each seen by the function for the first time: the pricing read
  // finds the variant skus' claims first (decision 0015)...
  { label: '5-variant, first sight', lines: 5, variants: true },
  // ...then the same orders' variants again: the function knows their products (as a cart line does).
  { label: '5-variant, seen before', lines: 5, variants: true },
];
export const ORDERS_PER_SIZE = 10;
export const QUICK_ORDERS_PER_SIZE = 3;

export type Units = { wru: number; rru: number };
const ZERO: Units = { wru: 0, rru: 0 };
const add = (a: Units, b: Units): Units => ({ wru: a.wru + b.wru, rru: a.rru + b.rru });

/** One written item of a checkout, with its part of the cost. */
export interface WriteEntry {
  write: ItemWrite;
  pk: string;
  sk: string;
  key: string;
  table: number;
  index: number;
}

/** Everything one checkout did to DynamoDB. */
export interface Account {
  label: string;
  lines: number;
  /** Distinct products of its variant lines (0 for simple products): the pricing read needs their items too. */
  variantProducts: number;
  calls: RecordedCall[];
  writes: WriteEntry[];
  /** Product items returned by BatchGetItem (the pricing read). */
  pricingReads: WireItem[];
  pricingUnits: number;
  /** The recipient read: GetItem of the customer's profile (the checkout's only GetItem). */
  profileReadUnits: number;
  otherReadUnits: number;
}

function accountOf(order: OrderCase, calls: RecordedCall[]): Account {
  const { label, lines } = order;
  const writes = calls.flatMap((call) =>
    call.writes.map((write) => ({
      write,
      pk: write.key.PK?.S ?? '',
      sk: write.key.SK?.S ?? '',
      key: JSON.stringify(write.key),
      table: write.cost.table,
      index: Object.values(write.cost.indexes).reduce((a, b) => a + b, 0),
    })),
  );
  const pricing = calls.filter((call) => call.operation === 'BatchGetItem');
  return {
    label,
    lines,
    variantProducts: order.variants ? lines : 0,
    calls,
    writes,
    pricingReads: pricing.flatMap((call) => call.reads.flatMap((read) => read.items)),
    pricingUnits: pricing.reduce((sum, call) => sum + computedReadUnits(call), 0),
    profileReadUnits: calls
      .filter((call) => call.operation === 'GetItem')
      .reduce((sum, call) => sum + computedReadUnits(call), 0),
    otherReadUnits: calls
      .filter((call) => call.operation !== 'BatchGetItem' && call.operation !== 'GetItem')
      .reduce((sum, call) => sum + computedReadUnits(call), 0),
  };
}

/**
 * The design's steps, in the order a checkout takes them. Each says which writes are its own, which
 * part of their cost (the table item, or the index entries DynamoDB writes for it) it accounts for,
 * and how many distinct items the design writes. The design minimum counts each of those items once
 * at its actual size; the run counts every write the checkout really made.
 */
export interface Step {
  title: string;
  operation: string;
  rule: string;
  match: (entry: WriteEntry) => boolean;
  part: 'table' | 'index';
  /** Distinct items the design writes, for an order of `lines` lines. */
  items: (lines: number) => number;
  /** The item whose size is shown (default: the larger of before and after). */
  size?: (write: ItemWrite) => number;
}

const tx = (entry: WriteEntry) => entry.write.transactional;
const larger = (write: ItemWrite) => Math.max(itemSize(write.before), itemSize(write.after));
const one = () => 1;
export const STEPS: Step[] = [
  {
    title: 'Request rate limit: counter of the principal this second',
    operation: 'UpdateItem',
    rule: '1 WRU per KB',
    match: (e) => !tx(e) && e.pk.startsWith('RATE#requests#'),
    part: 'table',
    items: one,
  },
  {
    title: 'Idempotency claim (IN_PROGRESS record)',
    operation: 'PutItem',
    rule: '1 WRU per KB',
    match: (e) => !tx(e) && e.sk.startsWith(keys.idempotencyPrefix) && e.write.action === 'Put',
    part: 'table',
    items: one,
  },
  {
    title: 'Checkout rate limit: counter of the customer this minute',
    operation: 'UpdateItem',
    rule: '1 WRU per KB',
    match: (e) => !tx(e) && e.pk.startsWith('RATE#checkouts#'),
    part: 'table',
    items: one,
  },
  {
    // Every customer of this measure is new; a returning customer's profile is only read (decision 0009).
    title: "Customer profile created with the sign-in account's verified e-mail (a customer's first checkout)",
    operation: 'PutItem',
    rule: '1 WRU per KB',
    match: (e) => !tx(e) && e.sk === '#PROFILE' && e.write.action === 'Put',
    part: 'table',
    items: one,
  },
  {
    title: "Stock reservation, one per line (`available >= :q`): the product's stock item, or the variant's",
    operation: 'TransactWriteItems · Update',
    rule: '2 WRU per KB, each',
    match: (e) => tx(e) && (e.sk === '#STOCK' || e.sk.startsWith(keys.variantPrefix)),
    part: 'table',
    items: (lines) => lines,
  },
  {
    title: 'Order item (PENDING_PAYMENT, lines, address, events)',
    operation: 'TransactWriteItems · Put',
    rule: '2 WRU per KB',
    match: (e) => tx(e) && e.sk === '#ORDER',
    part: 'table',
    items: one,
  },
  {
    title: 'Payment work record (transactional outbox)',
    operation: 'TransactWriteItems · Put',
    rule: '2 WRU per KB',
    match: (e) => tx(e) && e.sk === '#OUTBOX#PAYMENT',
    part: 'table',
    items: one,
  },
  {
    // Issue 16: the order's first event, written with the order so no crash can lose it (decision 0020).
    title: 'Domain event `order.placed` (the order as JSON text, for the event publisher)',
    operation: 'TransactWriteItems · Put',
    rule: '2 WRU per KB',
    match: (e) => tx(e) && e.sk === '#EVENT',
    part: 'table',
    items: one,
  },
  {
    // Issue 11: the hold that caps a customer's unpaid orders (decision 0008), in the same transaction.
    title: "The customer's pending orders: the order's id added to the set, under `MAX_PENDING_ORDERS_PER_CUSTOMER`",
    operation: 'TransactWriteItems · Update',
    rule: '2 WRU per KB of the larger of before/after',
    match: (e) => tx(e) && e.sk === keys.pendingOrders('').SK,
    part: 'table',
    items: one,
  },
  {
    title: 'Idempotency completion (COMPLETED + the stored 201 response)',
    operation: 'TransactWriteItems · Update',
    rule: '2 WRU per KB of the larger of before/after',
    match: (e) => tx(e) && e.sk.startsWith(keys.idempotencyPrefix),
    part: 'table',
    items: one,
  },
  {
    title: "Index entries of the order: GSI1 (customer's orders) and GSI2 (orders by status)",
    operation: 'index replicas',
    rule: `${INDEX_WRITE_FACTOR_IN_TRANSACTION} WRU per KB of the projected item (ALL), per index`,
    match: (e) => tx(e) && e.sk === '#ORDER',
    part: 'index',
    items: one,
    size: (write) => itemSize(write.after),
  },
  {
    title: 'Index entry of the work record: GSI1 (outbox shard, for the reconcile job)',
    operation: 'index replica',
    rule: `${INDEX_WRITE_FACTOR_IN_TRANSACTION} WRU per KB of the projected item`,
    match: (e) => tx(e) && e.sk === '#OUTBOX#PAYMENT',
    part: 'index',
    items: one,
    size: (write) => itemSize(write.after),
  },
];

export interface StepFigures {
  minimum: number;
  run: number;
  sizes: number[];
  /** Distinct items seen, when not what the design writes. */
  mismatch?: string;
}

export function stepFigures(step: Step, account: Account): StepFigures {
  const matching = account.writes.filter(step.match);
  const cost = (entry: WriteEntry) => (step.part === 'table' ? entry.table : entry.index);
  const firsts = new Map<string, WriteEntry>();
  for (const entry of matching) if (!firsts.has(entry.key)) firsts.set(entry.key, entry);
  const expected = step.items(account.lines);
  return {
    minimum: [...firsts.values()].slice(0, expected).reduce((sum, entry) => sum + cost(entry), 0),
    run: matching.reduce((sum, entry) => sum + cost(entry), 0),
    sizes: [...firsts.values()].map((entry) => (step.size ?? larger)(entry.write)),
    ...(firsts.size !== expected && { mismatch: `${firsts.size} distinct items, the design writes ${expected}` }),
  };
}

/** Writes no step claims (a retry's writes are claimed by their step; these are other items). */
export function otherWrites(account: Account): number {
  return account.writes
    .filter((entry) => !STEPS.some((step) => step.part === 'table' && step.match(entry)))
    .reduce((sum, entry) => sum + entry.table + entry.index, 0);
}

/** The shop's shipping methods: one item, in the pricing read. */
const SHIPPING_METHOD_ITEMS = 1;

export function pricingMinimum(account: Account): number {
  const distinct = new Map<string, WireItem>();
  // A variant sku's claim only says which product it belongs to: a cart line, or a warm function, knows.
  for (const item of account.pricingReads.filter((read) => read.type?.S !== 'VariantRef'))
    distinct.set(JSON.stringify([item.PK, item.SK]), item);
  // Prices may be a moment stale: an eventually consistent read is all the design needs; a variant
  // needs its item and its product's (the name, whether it is sold, the price it may inherit); and
  // the shop's shipping methods are one item read with them (decision 0017).
  return [...distinct.values()]
    .slice(0, account.lines + account.variantProducts + SHIPPING_METHOD_ITEMS)
    .reduce((sum, item) => sum + readCost(itemSize(item), 'eventual'), 0);
}

/** The recipient read: the customer's profile, eventually consistent (a miss costs the same minimum). */
export const PROFILE_READ_MINIMUM = readCost(0, 'eventual');

export function minimumOf(account: Account): Units {
  const writes = STEPS.reduce((sum, step) => sum + stepFigures(step, account).minimum, 0);
  return { wru: writes, rru: pricingMinimum(account) + PROFILE_READ_MINIMUM };
}

export function runOf(account: Account): Units {
  return {
    wru: account.calls.reduce((sum, call) => sum + computedWriteUnits(call), 0),
    rru: account.calls.reduce((sum, call) => sum + computedReadUnits(call), 0),
  };
}

/** What DynamoDB Local reported: write calls' units as WCU, read calls' as RCU. */
export function reportedOf(account: Account): Units & { missing: number } {
  let missing = 0;
  const units = account.calls.reduce((sum, call) => {
    if (!call.reported) {
      missing++;
      return sum;
    }
    return isWriteCall(call)
      ? add(sum, { wru: call.reported.total, rru: 0 })
      : add(sum, { wru: 0, rru: call.reported.total });
  }, ZERO);
  return { ...units, missing };
}

export const meanUnits = (list: Units[]) => ({ wru: mean(list.map((u) => u.wru)), rru: mean(list.map((u) => u.rru)) });

/**
 * The skus of one order: distinct spread skus, or variants of distinct products where no two orders
 * of the run name the same variant (so each is the function's first sight of it).
 */
function orderSkus(stack: CheckoutStack, kind: OrderCase, order: number, firstSku: number): string[] {
  const products = stack.variantProducts;
  return Array.from({ length: kind.lines }, (_, line) => {
    if (!kind.variants)
      return stack.spreadSkus[(firstSku + order * kind.lines + line) % stack.spreadSkus.length] as string;
    const product = products[(order * kind.lines + line) % products.length] as CheckoutStack['variantProducts'][number];
    return product.variantSkus[
      Math.floor((order * kind.lines + line) / products.length) % product.variantSkus.length
    ] as string;
  });
}

async function placeOrders(
  handler: Handler,
  recorder: CapacityRecorder,
  stack: CheckoutStack,
  kind: OrderCase,
  count: number,
  firstSku: number,
): Promise<{ accounts: Account[]; failures: string[] }> {
  const accounts: Account[] = [];
  const failures: string[] = [];
  for (let order = 0; order < count; order++) {
    const skus = orderSkus(stack, kind, order, firstSku);
    recorder.reset();
    const result = await invokeCheckout(handler, checkoutRequest(stack, skus));
    if (result.statusCode !== 201) {
      failures.push(`${kind.label} order answered ${result.statusCode}: ${result.body.slice(0, 300)}`);
      continue;
    }
    accounts.push(accountOf(kind, [...recorder.calls]));
  }
  return { accounts, failures };
}

/** The raw figures of a run: each size's accounts, and what the orders left on the queue and in the table. */
export interface Measured {
  results: Map<string, Account[]>;
  /** Orders that were not placed (not answered 201), warm-up included. */
  failures: string[];
  placed: number;
  queued: number;
  outbox: PaymentRecords;
}

export async function measure(context: BenchContext): Promise<Measured> {
  // After the function bundles: building those clears the build directory.
  const { functions } = await context.bundles();
  const bundle = await buildBundle(ENTRY);
  const stack = await context.checkoutStack();
  applyFunctionEnv(stack.env);
  const loaded = require(bundle.file) as { handler?: unknown; dynamoClient?: unknown };
  if (typeof loaded.handler !== 'function' || typeof loaded.dynamoClient !== 'function') {
    throw new Error(`${bundle.file} does not export handler and dynamoClient`);
  }
  const handler = loaded.handler as Handler;
  const client = (loaded.dynamoClient as () => DynamoDBClient)();
  const table: TableDefinition = tableDefinition(stack.definition.resources?.Resources ?? {});
  const snapshot = stackDynamoClient(stack);
  const probe = paymentProbe(stack);
  const recorder = recordCapacity(client, { snapshot, table });
  const perSize = context.quick ? QUICK_ORDERS_PER_SIZE : ORDERS_PER_SIZE;
  // The stream's forwarder runs beside, as deployed: it reads no item, so it adds no unit of the table.
  const forwarding = await startWorkForwarding(stack, functions);
  const results = new Map<string, Account[]>();
  const failures: string[] = [];
  let placed = 0;
  const queuedBefore = await probe.queuedMessages();
  const recordsBefore = await probe.paymentRecords();
  try {
    // One unrecorded order first: the function's lazy set-up (configuration, keys) is not capacity.
    const warm = await placeOrders(handler, recorder, stack, ORDER_CASES[0] as OrderCase, 1, 900);
    failures.push(...warm.failures);
    placed += warm.accounts.length;
    for (const [index, kind] of ORDER_CASES.entries()) {
      const { accounts, failures: failed } = await placeOrders(handler, recorder, stack, kind, perSize, index * 100);
      results.set(kind.label, accounts);
      failures.push(...failed);
      placed += accounts.length;
    }
  } finally {
    recorder.reset();
    snapshot.destroy();
  }
  const queued = (await settledCount(() => probe.queuedMessages(), queuedBefore + placed)) - queuedBefore;
  await forwarding.stop();
  const recordsAfter = await probe.paymentRecords();
  probe.close();
  const outbox: PaymentRecords = {
    records: recordsAfter.records - recordsBefore.records,
    resent: recordsAfter.resent - recordsBefore.resent,
  };
  return { results, failures, placed, queued, outbox };
}
