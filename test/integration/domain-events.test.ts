import { randomUUID } from 'node:crypto';
import { handler as adjustInventory } from '../../functions/http/adjust-inventory';
import { handler as getProduct } from '../../functions/http/get-product';
import { handler as setLowStockThreshold } from '../../functions/http/set-low-stock-threshold';
import { handler as updateProduct } from '../../functions/http/update-product';
import { handler as updateVariant } from '../../functions/http/update-variant';
import type { StreamPollers } from '../../scripts/local/stream-poller';
import { eventOfStreamImage } from '../../shared/adapters/dynamo/dynamo-event-records';
import { lowStockEventOfStreamRecord } from '../../shared/adapters/dynamo/dynamo-stock-changes';
import { orderRepository } from '../../shared/container/orders';
import type { DomainEvent } from '../../shared/domain/events/domain-event';
import { createEventPublisher } from '../../shared/domain/events/event-publisher';
import type { Transition } from '../../shared/domain/orders/order-ports';
import type { WebhookDeliveryMessage } from '../../shared/domain/webhooks/webhook-delivery';
import type { WebhookEndpoint } from '../../shared/domain/webhooks/webhook-endpoint';
import { eventPublisherRecordHandler } from '../../shared/workers/event-publisher';
import { streamBatchHandler } from '../../shared/workers/stream-batch';
import {
  address,
  orderServiceWith,
  paidOrder,
  pendingOrder,
  stockedProduct,
  variantProduct,
} from '../support/checkout';
import { invoke } from '../support/http-event';
import { adminToken, testDocumentClient } from '../support/integration';
import { eventually } from '../support/sqs-queue';
import { streamTo } from '../support/table-stream';

/**
 * Events are written in the same transaction as their fact and published from the table's stream:
 * DynamoDB Local's stream read by the local event source mapping (the event publisher's filter from
 * serverless.yml), the publisher as deployed, recording bus and queue in place of EventBridge and
 * SQS (so faults can be injected). The table is shared, so each test looks at its own orders.
 */
// The first test reads serverless.yml through `serverless print` when its cache is cold (a fresh clone).
jest.setTimeout(90_000);

const endpoint = (events: WebhookEndpoint['events']): WebhookEndpoint => ({
  id: `we_${randomUUID().replaceAll('-', '')}`,
  url: 'https://erp.example.com/hooks',
  events,
  description: null,
  createdAt: '2020-01-01T00:00:00.000Z',
});

interface Sinks {
  bus: DomainEvent[];
  deliveries: WebhookDeliveryMessage[];
  /** Fails this many delivery sends first (a queue outage, or the function crashing mid-way). */
  failSends: number;
}

async function publishing(sinks: Sinks, endpoints: WebhookEndpoint[]): Promise<StreamPollers> {
  const publisher = createEventPublisher({
    bus: {
      publish: async (events) => {
        sinks.bus.push(...events);
      },
    },
    endpoints: async () => endpoints,
    deliveries: {
      send: async (messages) => {
        if (sinks.failSends > 0) {
          sinks.failSends -= 1;
          throw new Error('injected: the webhook queue is unavailable');
        }
        sinks.deliveries.push(...messages);
      },
    },
  });
  const handler = streamBatchHandler(
    eventPublisherRecordHandler({
      eventOf: eventOfStreamImage,
      derivedEventOf: lowStockEventOfStreamRecord,
      publisher: () => publisher,
    }),
  );
  return streamTo('event-publisher', handler);
}

const oneUnitOf = (sku: string) => ({
  items: [{ sku, quantity: 1 }],
  shippingAddress: address,
  paymentToken: 'tok_visa',
});

/** How many order.placed events name the sku. */
const ofOrderSku = (events: DomainEvent[], sku: string) =>
  events.filter(
    (event) =>
      event.type === 'order.placed' &&
      (event.data.order as { items: Array<{ sku: string }> }).items.some((line) => line.sku === sku),
  ).length;

const ofOrder = (events: DomainEvent[], orderId: string) =>
  events.filter((event) => (event.data.order as { orderId?: string } | undefined)?.orderId === orderId);

describe('domain events through the table stream', () => {
  it('publishes a paid order’s order.placed and order.paid once each, in order, and delivers only what an endpoint subscribed to', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 0 };
    const paidOnly = endpoint(['order.paid']);
    const pollers = await publishing(sinks, [paidOnly, endpoint(['product.created'])]);
    try {
      const { orderId, total } = await paidOrder({ prefix: 'events' });
      await eventually(async () => ofOrder(sinks.bus, orderId).length >= 2, 'the order’s events on the bus');
      const published = ofOrder(sinks.bus, orderId);
      expect(published.map((event) => event.type)).toEqual(['order.placed', 'order.paid']);
      expect(new Set(published.map((event) => event.id)).size).toBe(2);
      const [placed, paid] = published as [DomainEvent, DomainEvent];
      expect(placed.occurredAt <= paid.occurredAt).toBe(true);
      expect(placed.data.order).toMatchObject({ orderId, status: 'PENDING_PAYMENT', total });
      expect(paid.data.order).toMatchObject({ orderId, status: 'PAID', total, payment: { status: 'SUCCEEDED' } });
      expect(paid.data.order).not.toHaveProperty('events');

      const delivered = sinks.deliveries.filter((message) => ofOrder([message.event], orderId).length > 0);
      expect(delivered).toEqual([{ endpointId: paidOnly.id, event: paid }]);
    } finally {
      await pollers.stop();
    }
  });

  it('publishes an event once the stream is read again after the publisher failed, always with the same id', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 2 };
    const all = endpoint(['*']);
    const pollers = await publishing(sinks, [all]);
    try {
      const { orderId } = await pendingOrder({ prefix: 'events-retry' });
      await eventually(
        async () =>
          ofOrder(
            sinks.deliveries.map((message) => message.event),
            orderId,
          ).length > 0,
        'the order.placed delivery after two failed sends',
      );
      const copies = ofOrder(sinks.bus, orderId);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.map((event) => `${event.id} ${event.type}`))).toEqual(
        new Set([`${copies[0]?.id} order.placed`]),
      );
      expect(sinks.failSends).toBe(0);
    } finally {
      await pollers.stop();
    }
  });

  it('publishes product.created and product.updated, in the transactions of the catalog’s writes', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 0 };
    const pollers = await publishing(sinks, []);
    try {
      const sku = await stockedProduct(3, 1500);
      const read = await invoke(getProduct, {
        method: 'GET',
        path: `/v1/products/${sku}`,
        route: '/v1/products/{sku}',
        pathParameters: { sku },
        token: adminToken(),
      });
      const updated = await invoke(updateProduct, {
        method: 'PATCH',
        path: `/v1/products/${sku}`,
        route: '/v1/products/{sku}',
        pathParameters: { sku },
        body: { price: 1700 },
        token: adminToken(),
        headers: { 'If-Match': read.headers.etag as string },
      });
      expect(updated.status).toBe(200);
      const ofProduct = () =>
        sinks.bus.filter((event) => (event.data.product as { sku?: string } | undefined)?.sku === sku);
      await eventually(async () => ofProduct().length >= 2, 'the product’s events');
      expect(ofProduct().map((event) => event.type)).toEqual(['product.created', 'product.updated']);
      expect(ofProduct().map((event) => (event.data.product as { price: number }).price)).toEqual([1500, 1700]);
      expect(ofProduct()[1]?.data.variant).toBeNull();
    } finally {
      await pollers.stop();
    }
  });

  it('publishes inventory.low once, when a checkout takes the available stock below the sku’s threshold', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 0 };
    const pollers = await publishing(sinks, []);
    try {
      const sku = await stockedProduct(5, 900);
      const set = await invoke(setLowStockThreshold, {
        method: 'PUT',
        path: `/v1/inventory/${sku}/low-stock-threshold`,
        route: '/v1/inventory/{sku}/low-stock-threshold',
        pathParameters: { sku },
        body: { threshold: 3 },
        token: adminToken(),
      });
      expect(set.status).toBe(200);
      const service = orderServiceWith(testDocumentClient());
      // 5 → 4 → 3 (not below yet) → 2 (below: the event) → 1 (below already: none).
      for (let unit = 0; unit < 4; unit++)
        await service.place({ sub: `low-stock-${randomUUID()}`, email: null }, oneUnitOf(sku), null);
      const low = () => sinks.bus.filter((event) => event.type === 'inventory.low' && event.data.sku === sku);
      await eventually(async () => low().length > 0, 'inventory.low');
      // The three other changes of this sku were read too (and made nothing): the stream is ordered per item.
      await eventually(async () => ofOrderSku(sinks.bus, sku) >= 4, 'the four orders’ events');
      expect(low()).toEqual([
        {
          id: expect.stringMatching(/^evt_/),
          type: 'inventory.low',
          occurredAt: expect.any(String),
          data: { sku, productSku: sku, onHand: 5, reserved: 3, available: 2, lowStockThreshold: 3 },
        },
      ]);
    } finally {
      await pollers.stop();
    }
  });

  it('publishes inventory.low of a variant when an admin’s adjustment takes it below, and none for a price edit', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 0 };
    const pollers = await publishing(sinks, []);
    try {
      const { sku, variant } = await variantProduct({ S: 6, M: 6 });
      const admin = adminToken();
      const threshold = await invoke(setLowStockThreshold, {
        method: 'PUT',
        path: `/v1/inventory/${variant('S')}/low-stock-threshold`,
        route: '/v1/inventory/{sku}/low-stock-threshold',
        pathParameters: { sku: variant('S') },
        body: { threshold: 5 },
        token: admin,
      });
      expect(threshold.status).toBe(200);
      const priced = await invoke(updateVariant, {
        method: 'PATCH',
        path: `/v1/products/${sku}/variants/${variant('S')}`,
        route: '/v1/products/{sku}/variants/{variantSku}',
        pathParameters: { sku, variantSku: variant('S') },
        body: { price: 2500 },
        token: admin,
      });
      expect(priced.status).toBe(200);
      const adjusted = await invoke(adjustInventory, {
        method: 'POST',
        path: `/v1/inventory/${variant('S')}/adjustments`,
        route: '/v1/inventory/{sku}/adjustments',
        pathParameters: { sku: variant('S') },
        body: { delta: -2, reason: 'damaged' },
        token: admin,
      });
      expect(adjusted.status).toBe(200);
      const low = () => sinks.bus.filter((event) => event.type === 'inventory.low' && event.data.productSku === sku);
      await eventually(async () => low().length > 0, 'inventory.low of the variant');
      // The price edit's product.updated came through the same stream, before the adjustment.
      await eventually(
        async () =>
          sinks.bus.some(
            (event) =>
              event.type === 'product.updated' && (event.data.variant as { sku?: string } | null)?.sku === variant('S'),
          ),
        'the price edit’s event',
      );
      expect(low().map((event) => event.data)).toEqual([
        { sku: variant('S'), productSku: sku, onHand: 4, reserved: 0, available: 4, lowStockThreshold: 5 },
      ]);
    } finally {
      await pollers.stop();
    }
  });

  it('publishes the event of a transition whose function crashed right after the commit, and none of a refused one', async () => {
    const sinks: Sinks = { bus: [], deliveries: [], failSends: 0 };
    const pollers = await publishing(sinks, []);
    try {
      const { orderId } = await pendingOrder({ prefix: 'events-crash' });
      const stale = await orderRepository().get(orderId);
      if (!stale) throw new Error('no order');
      const at = new Date().toISOString();
      const transition = (to: 'CANCELLED' | 'EXPIRED'): Transition => ({
        order: stale,
        from: 'PENDING_PAYMENT',
        to,
        event: { type: to, at },
        stock: 'release',
      });
      // The function dies right after its transaction committed: nothing of it runs any more.
      const crashing = async () => {
        await orderRepository().transition(transition('CANCELLED'));
        throw new Error('injected: the function crashed after the commit');
      };
      await expect(crashing()).rejects.toThrow('injected');
      // A transition prepared from the same (now stale) read is refused: its event never exists.
      expect(await orderRepository().transition(transition('EXPIRED'))).toBe(false);

      await eventually(
        async () => ofOrder(sinks.bus, orderId).some((event) => event.type === 'order.cancelled'),
        'order.cancelled',
      );
      // The placement's own event, then the cancellation's; no order.expired was ever written.
      await eventually(async () => ofOrder(sinks.bus, orderId).length >= 2, 'both events');
      expect(ofOrder(sinks.bus, orderId).map((event) => event.type)).toEqual(['order.placed', 'order.cancelled']);
    } finally {
      await pollers.stop();
    }
  });
});
