import { randomUUID } from 'node:crypto';
import { startWebhookReceiver } from '../../test/support/webhook-receiver';
import type { Benchmark } from '../benchmark';
import { benchLocalStack, LOCAL_STACK_RATE_LIMITS } from '../lib/bench-local-stack';
import { SHIPPING_ADDRESS } from '../lib/checkout-requests';
import { ms } from '../lib/format';
import { percentile } from '../lib/stats';

const ORDERS = 200;
const QUICK_ORDERS = 30;
/**
 * Customers in the shop at once, each placing an order and waiting for its `order.shipped` at the
 * receiver before the next (a closed loop over the whole pipeline, as the order-to-SHIPPED measure):
 * the latency at a load the local stack sustains, not the backlog of a burst.
 */
const IN_FLIGHT = 4;
/** An order whose events have not all arrived this long after its POST counts as lost. */
const ORDER_TIMEOUT_MS = 60_000;
const WARMUP_ORDERS = 8;
/** How long after the last POST the receiver may still be waiting for an order's events. */
const SETTLE_TIMEOUT_MS = 120_000;
const SKU = 'BENCH-EVENTS-0001';
const TYPES = ['order.placed', 'order.paid', 'order.shipped'] as const;

interface Arrival {
  type: string;
  orderId: string;
  occurredAt: number;
  arrivedAt: number;
}

const stats = (values: number[]) =>
  values.length === 0
    ? ['–', '–', '–']
    : [ms(percentile(values, 50)), ms(percentile(values, 99)), ms(Math.max(...values))];

export const eventLatency: Benchmark = {
  id: 'event-latency',
  title: 'Event latency: from the fact to a webhook receiver, on the local stack',
  howMeasured: [
    '`npm start` as the end-to-end tests run it (the order-to-SHIPPED measure says how), with ' +
      `${Object.entries(LOCAL_STACK_RATE_LIMITS)
        .map(([name, value]) => `\`${name}=${value}\``)
        .join(' and ')}. A webhook receiver in the bench process on 127.0.0.1 answers 200 at once and notes ` +
      'when each delivery arrived; an admin registers it for `order.placed`, `order.paid` and `order.shipped`.',
    `${IN_FLIGHT} customers at a time, each placing a one-unit \`tok_visa\` order (a new customer each) and ` +
      'waiting for its `order.shipped` at the receiver before the next (a closed loop over the whole pipeline, as the ' +
      `order-to-SHIPPED measure); the first ${WARMUP_ORDERS} orders not measured, then ${ORDERS}.`,
    "Latency: the arrival time minus the event's `occurredAt`, both on this machine's clock. `occurredAt` is " +
      'stamped by the function just before the transaction that writes the fact and its event, so the figure is ' +
      "commit + the table's stream (read by the local poller) + the event publisher + the webhook queue (its " +
      'poller) + the webhook worker + the POST. No target: the contract asks for at-least-once delivery, not a ' +
      'latency; a measured event that never arrives fails the row.',
  ],
  async run(context) {
    const count = context.quick ? QUICK_ORDERS : ORDERS;
    const stack = await benchLocalStack(context);
    const receiver = await startWebhookReceiver();
    context.onClose(() => receiver.stop());
    const arrivals: Arrival[] = [];
    const measured = new Set<string>();
    const problems: string[] = [];
    const admin = {
      authorization: `Bearer ${stack.token('bench-admin', 'admin')}`,
      'content-type': 'application/json',
    };
    const call = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${stack.baseUrl}${path}`, { method, headers: admin, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    };
    try {
      await call('POST', '/v1/products', { sku: SKU, name: 'Bench event box', price: 990, category: 'Bench' });
      await call('PUT', `/v1/inventory/${SKU}`, { onHand: 100_000 });
      await call('POST', '/v1/admin/webhook-endpoints', { url: `${receiver.url}/events`, events: [...TYPES] });
      const tokens = Array.from({ length: WARMUP_ORDERS + count }, (_, index) =>
        stack.token(`bench-events-${index}-${randomUUID()}`, 'customer'),
      );
      let next = 0;
      const customer = async () => {
        for (let index = next++; index < tokens.length; index = next++) {
          const response = await fetch(`${stack.baseUrl}/v1/orders`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens[index]}`,
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({
              items: [{ sku: SKU, quantity: 1 }],
              shippingAddress: SHIPPING_ADDRESS,
              paymentToken: 'tok_visa',
            }),
          });
          const text = await response.text();
          if (response.status !== 201) {
            problems.push(`POST answered ${response.status}: ${text.slice(0, 160)}`);
            continue;
          }
          const { orderId } = JSON.parse(text) as { orderId: string };
          if (index >= WARMUP_ORDERS) measured.add(orderId);
          const deadline = Date.now() + ORDER_TIMEOUT_MS;
          while (!shippedArrived(orderId) && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const shippedArrived = (orderId: string) =>
        receiver.received.some((request) => request.body.includes(`"order.shipped"`) && request.body.includes(orderId));
      await Promise.all(Array.from({ length: IN_FLIGHT }, customer));
      const collect = () => {
        arrivals.length = 0;
        const seen = new Set<string>();
        for (const request of receiver.received) {
          const event = JSON.parse(request.body) as {
            id: string;
            type: string;
            occurredAt: string;
            data: { order?: { orderId: string } };
          };
          const orderId = event.data.order?.orderId ?? '';
          // At least once: a repeated delivery of an event is not a second measurement.
          if (!measured.has(orderId) || seen.has(event.id)) continue;
          seen.add(event.id);
          arrivals.push({
            type: event.type,
            orderId,
            occurredAt: Date.parse(event.occurredAt),
            arrivedAt: request.receivedAt,
          });
        }
        return arrivals.length;
      };
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (collect() < measured.size * TYPES.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      const stopped = await stack.stop();
      if (stopped.leftovers.length > 0)
        problems.push(`processes of the stack left after Ctrl-C: ${stopped.leftovers.join(', ')}`);
    }
    const expected = measured.size * TYPES.length;
    const arrivedAll = measured.size === count && arrivals.length === expected;
    if (!arrivedAll) problems.push(`${arrivals.length} of ${count * TYPES.length} events arrived`);
    const latencies = (type?: string) =>
      arrivals.filter((arrival) => type === undefined || arrival.type === type).map((a) => a.arrivedAt - a.occurredAt);
    const [p50, p99] = stats(latencies());
    const healthy = problems.length === 0;
    return {
      columns: ['Load', 'Events arrived', 'p50', 'p99', 'max', 'Result'],
      rows: [
        {
          cells: [
            `${count} orders, ${IN_FLIGHT} customers at a time, 3 events each`,
            `${arrivals.length} / ${count * TYPES.length}`,
            ...stats(latencies()),
            healthy ? 'no target' : 'FAIL (outcomes)',
          ],
          ...(!healthy && { pass: false }),
        },
      ],
      tables: [
        {
          caption: 'By event type (occurredAt → arrival at the receiver):',
          columns: ['Event', 'p50', 'p99', 'max'],
          rows: TYPES.map((type) => [`\`${type}\``, ...stats(latencies(type))]),
        },
      ],
      summary: `${healthy ? 'no target' : 'FAIL'}: ${arrivals.length}/${count * TYPES.length} events at the receiver, p50 ${p50} / p99 ${p99} from occurredAt`,
      notes: [
        ...problems.map((problem) => `**Failed outcomes:** ${problem}`),
        'Two local pollers are on the way (the table stream: 100 ms after an empty read; the webhook queue: 200 ms ' +
          'after an empty receive), so each event may wait up to 300 ms more than in AWS, where the mappings ' +
          'long-poll; everything runs on the same two cores as the checkouts.',
      ],
    };
  },
};
