import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalStack } from '../../test/support/local-stack';
import type { Benchmark, ResultRow } from '../benchmark';
import { benchLocalStack, LOCAL_STACK_RATE_LIMITS } from '../lib/bench-local-stack';
import { SHIPPING_ADDRESS } from '../lib/checkout-requests';
import { ms } from '../lib/format';
import { percentile } from '../lib/stats';

const ORDERS = 100;
const QUICK_ORDERS = 20;
/**
 * Customers in the shop at once, each placing an order and waiting for SHIPPED before the next (a
 * closed loop). A few, not a crowd: this measures the pipeline's latency, not its behaviour under a
 * burst (the local-load measure does that).
 */
const IN_FLIGHT = 4;
/** Orders followed to SHIPPED before the measured ones, in the same closed loop: cold starts, JIT. */
const WARMUP_ORDERS = 2 * IN_FLIGHT;
/** How often a client reads its order while waiting for SHIPPED. */
const POLL_MS = 500;
/** An order not SHIPPED this long after its POST counts as not arrived. */
const SHIP_TIMEOUT_MS = 60_000;
const SKU = 'BENCH-SHIP-0001';
/** The queue pollers' pause after an empty receive (scripts/local/queue-poller.ts). */
const POLLER_IDLE_MS = 200;

interface OrderView {
  orderId: string;
  status: string;
  createdAt: string;
  events?: Array<{ type: string; at: string }>;
}

/** One order's way from POST to SHIPPED. */
interface Trip {
  /** POST /v1/orders sent → 201 received (client clock). */
  postMs?: number;
  /** Server timestamps: the order's `createdAt`, and the PAYMENT_SUCCEEDED and SHIPPED events' `at`. */
  createdAt?: number;
  paidAt?: number;
  shippedAt?: number;
  /** POST sent → the first read that saw SHIPPED (client clock, so within one poll interval). */
  seenShippedMs?: number;
  /** Why it did not reach SHIPPED. */
  failure?: string;
}

const TERMINAL = new Set(['PAYMENT_FAILED', 'EXPIRED', 'CANCELLED']);

async function follow(stack: LocalStack, token: string, deadlineMs = SHIP_TIMEOUT_MS): Promise<Trip> {
  const auth = { authorization: `Bearer ${token}` };
  const trip: Trip = {};
  const start = performance.now();
  const response = await fetch(`${stack.baseUrl}/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      items: [{ sku: SKU, quantity: 1 }],
      shippingAddress: SHIPPING_ADDRESS,
      paymentToken: 'tok_visa',
    }),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return { failure: `POST failed: ${response.message}` };
  const text = await response.text();
  trip.postMs = performance.now() - start;
  if (response.status !== 201) return { ...trip, failure: `POST answered ${response.status}: ${text.slice(0, 200)}` };
  const placed = JSON.parse(text) as OrderView;
  trip.createdAt = Date.parse(placed.createdAt);
  for (;;) {
    await sleep(POLL_MS);
    if (performance.now() - start > deadlineMs) return { ...trip, failure: `not SHIPPED after ${deadlineMs / 1000} s` };
    const read = await fetch(`${stack.baseUrl}/v1/orders/${placed.orderId}`, { headers: auth }).catch(() => undefined);
    if (!read) continue;
    if (read.status !== 200) {
      if (read.status === 429 || read.status >= 500) {
        return { ...trip, failure: `GET answered ${read.status}: ${(await read.text()).slice(0, 200)}` };
      }
      continue;
    }
    const order = (await read.json()) as OrderView;
    if (order.status === 'SHIPPED') {
      trip.seenShippedMs = performance.now() - start;
      const at = (type: string) => {
        const event = order.events?.find((entry) => entry.type === type);
        return event ? Date.parse(event.at) : undefined;
      };
      trip.paidAt = at('PAYMENT_SUCCEEDED');
      trip.shippedAt = at('SHIPPED');
      if (trip.shippedAt === undefined) return { ...trip, failure: 'SHIPPED without a SHIPPED event' };
      return trip;
    }
    if (TERMINAL.has(order.status)) return { ...trip, failure: `ended ${order.status}` };
  }
}

async function adminRequest(stack: LocalStack, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token('bench-admin', 'admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

const duration = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : ms(value));
const stats = (values: number[]) =>
  values.length === 0
    ? ['–', '–', '–']
    : [duration(percentile(values, 50)), duration(percentile(values, 99)), duration(Math.max(...values))];
const defined = (values: Array<number | undefined>) => values.filter((value): value is number => value !== undefined);

export const orderToShipped: Benchmark = {
  id: 'order-to-shipped',
  title: 'Order to SHIPPED: POST /v1/orders to SHIPPED on the local stack',
  howMeasured: [
    '`npm start` as the end-to-end tests run it (`test/support/local-stack.ts`): serverless-offline with every ' +
      'function bundled by serverless-esbuild, DynamoDB Local (on disk, in a throw-away data directory), the SQS ' +
      'emulator, the sandbox payment gateway and the queue pollers standing in for the event source mappings, on ' +
      'free loopback ports; the shell environment is the one the bench was started with, with ' +
      `${Object.entries(LOCAL_STACK_RATE_LIMITS)
        .map(([name, value]) => `\`${name}=${value}\``)
        .join(' and ')} (the defaults, pinned). A watchdog process stops the stack if the bench dies; otherwise the ` +
      'bench stops it (Ctrl-C to its process group) and checks that no process of it is left.',
    `An admin creates one product with 100,000 units over HTTP. Then ${IN_FLIGHT} customers at a time (a closed ` +
      'loop: each places an order, follows it to SHIPPED, and only then places the next), each order by a new ' +
      "customer (its own token from the stack's issuer, so no per-customer limit is reached): `POST /v1/orders` " +
      `with one unit, \`tok_visa\`, an \`Idempotency-Key\`, then \`GET /v1/orders/{orderId}\` every ${POLL_MS} ms ` +
      `until the order is SHIPPED (or ends otherwise, or ${SHIP_TIMEOUT_MS / 1000} s pass). The first ` +
      `${WARMUP_ORDERS} orders are not measured (cold starts of the functions' instances); then ${ORDERS} are. ` +
      'A few customers rather than an arrival rate: this measures the latency of the pipeline, not a burst (see the ' +
      'local-load measure).',
    "Server-side time (the figure reported): the SHIPPED event's `at` minus the order's `createdAt`, both stamped " +
      'by the functions on the one machine; `createdAt` is taken inside the checkout, after authentication, the ' +
      'rate limits and the idempotency claim. The legs split it at the PAYMENT_SUCCEEDED event. Client-side time: ' +
      `from sending the POST to the first read that saw SHIPPED, so up to one poll interval (${POLL_MS} ms) late.`,
    `No target: the contract says an order paid with \`tok_visa\` reaches SHIPPED "within a few seconds" locally. ` +
      'The row fails only if an order does not get there.',
  ],
  async run(context) {
    const count = context.quick ? QUICK_ORDERS : ORDERS;
    // Every order is its own customer, polling twice a second: neither pinned limit is reached.
    const stack = await benchLocalStack(context);
    const trips: Trip[] = [];
    const problems: string[] = [];
    const notes: string[] = [];
    try {
      await adminRequest(stack, 'POST', '/v1/products', {
        sku: SKU,
        name: 'Bench shipping box',
        price: 1990,
        category: 'Bench',
      });
      await adminRequest(stack, 'PUT', `/v1/inventory/${SKU}`, { onHand: 100_000 });
      // Tokens are minted before the clock starts (each reads the issuer's key files).
      const tokens = Array.from({ length: WARMUP_ORDERS + count }, (_, index) =>
        stack.token(`bench-ship-${index}-${randomUUID()}`, 'customer'),
      );
      let next = 0;
      const customer = async () => {
        for (let index = next++; index < tokens.length; index = next++) {
          const trip = await follow(stack, tokens[index] as string);
          if (index >= WARMUP_ORDERS) trips.push(trip);
          else if (trip.failure) notes.push(`A warm-up order (not measured): ${trip.failure}.`);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, customer));
    } finally {
      const stopped = await stack.stop();
      if (stopped.leftovers.length > 0) {
        problems.push(`processes of the stack left after Ctrl-C (killed): ${stopped.leftovers.join(', ')}`);
      }
    }

    const shipped = trips.filter((trip) => trip.failure === undefined);
    const failures = new Map<string, number>();
    for (const trip of trips) {
      if (trip.failure) failures.set(trip.failure, (failures.get(trip.failure) ?? 0) + 1);
    }
    for (const [failure, times] of failures) problems.push(`${times} order(s): ${failure}`);
    const serverMs = defined(shipped.map((trip) => (trip.shippedAt ?? Number.NaN) - (trip.createdAt ?? Number.NaN)));
    const clientMs = defined(shipped.map((trip) => trip.seenShippedMs));
    const paymentLeg = defined(
      shipped.map((trip) =>
        trip.paidAt === undefined || trip.createdAt === undefined ? undefined : trip.paidAt - trip.createdAt,
      ),
    );
    const fulfilmentLeg = defined(
      shipped.map((trip) =>
        trip.paidAt === undefined || trip.shippedAt === undefined ? undefined : trip.shippedAt - trip.paidAt,
      ),
    );
    const postMs = defined(trips.map((trip) => trip.postMs));
    const allShipped = shipped.length === count && trips.length === count;
    const healthy = allShipped && problems.length === 0;
    const [serverP50, serverP99] = stats(serverMs);
    const [clientP50, clientP99] = stats(clientMs);
    const rows: ResultRow[] = [
      {
        cells: [
          `${count} orders, ${IN_FLIGHT} customers at a time`,
          `${shipped.length} / ${count}`,
          serverP50 as string,
          serverP99 as string,
          clientP50 as string,
          clientP99 as string,
          healthy ? 'no target' : 'FAIL (outcomes)',
        ],
        ...(!healthy && { pass: false }),
      },
    ];
    return {
      columns: [
        'Load',
        'Reached SHIPPED',
        'Server-side p50',
        'Server-side p99',
        `Client-side p50 (polled every ${POLL_MS} ms)`,
        'Client-side p99',
        'Result',
      ],
      rows,
      tables: [
        {
          caption: 'Where the time goes (orders that reached SHIPPED; server-side legs from the timeline):',
          columns: ['Leg', 'p50', 'p99', 'max'],
          rows: [
            ['`POST /v1/orders` sent → 201 received (client)', ...stats(postMs)],
            ['`createdAt` → PAYMENT_SUCCEEDED (payment queue, payment worker, gateway)', ...stats(paymentLeg)],
            ['PAYMENT_SUCCEEDED → SHIPPED (fulfilment queue, fulfilment worker, carrier)', ...stats(fulfilmentLeg)],
            ['`createdAt` → SHIPPED (server-side, reported)', ...stats(serverMs)],
            [`POST sent → SHIPPED seen (client, reads every ${POLL_MS} ms)`, ...stats(clientMs)],
          ],
        },
      ],
      summary:
        `${healthy ? 'no target' : 'FAIL'}: ${shipped.length}/${count} orders SHIPPED, server-side p50 ${serverP50} / ` +
        `p99 ${serverP99} (createdAt → SHIPPED; ${IN_FLIGHT} customers at a time)`,
      notes: [
        ...problems.map((problem) => `**Failed outcomes:** ${problem}`),
        ...notes,
        'Each order crosses two queues (payment, then fulfilment). Locally the queue pollers stand in for the ' +
          `event source mappings and pause ${POLLER_IDLE_MS} ms after an empty receive, so each hop may wait up to ` +
          `that long before its worker is invoked; in AWS the mapping long-polls. Each function runs in ` +
          "serverless-offline's Lambda emulation, on the same cores as DynamoDB Local, the SQS emulator, the " +
          'notification worker writing its e-mails and the clients: the figures are for the local stack, not for AWS.',
      ],
    };
  },
};
