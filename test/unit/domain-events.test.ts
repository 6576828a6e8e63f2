import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { eventOfStreamImage, eventRecordPut } from '../../shared/adapters/dynamo/dynamo-event-records';
import { lowStockEventOfStreamRecord } from '../../shared/adapters/dynamo/dynamo-stock-changes';
import {
  type DomainEvent,
  EVENT_ID_PATTERN,
  eventsOfTransition,
  newEventId,
  orderPlacedEvent,
} from '../../shared/domain/events/domain-event';
import type { Order, OrderStatus } from '../../shared/domain/orders/order';
import type { Transition } from '../../shared/domain/orders/order-ports';
import { retryDelaySeconds } from '../../shared/domain/webhooks/webhook-delivery';
import { eventPublisherRecordHandler } from '../../shared/workers/event-publisher';
import { pendingOrder } from '../support/orders';

const placedAt = '2026-12-08T10:00:00.000Z';
const order = pendingOrder({ placedAt, reservationExpiresAt: '2026-12-08T10:15:00.000Z' });
const at = '2026-12-08T10:01:00.000Z';

const transition = (from: OrderStatus, to: OrderStatus, type: Transition['event']['type'], base: Order = order) => ({
  order: { ...base, status: from },
  from,
  to,
  event: { type, at },
  stock: 'none' as const,
});

describe('domain events of order facts', () => {
  it('makes one event per status a transition reaches, with the order as the transition leaves it', () => {
    const cases: Array<[OrderStatus, OrderStatus, Transition['event']['type'], string]> = [
      ['PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED', 'order.paid'],
      ['PENDING_PAYMENT', 'PAYMENT_FAILED', 'PAYMENT_FAILED', 'order.payment_failed'],
      ['PENDING_PAYMENT', 'EXPIRED', 'EXPIRED', 'order.expired'],
      ['PENDING_PAYMENT', 'CANCELLED', 'CANCELLED', 'order.cancelled'],
      ['PAID', 'SHIPPED', 'SHIPPED', 'order.shipped'],
      ['SHIPPED', 'DELIVERED', 'DELIVERED', 'order.delivered'],
    ];
    for (const [from, to, type, expected] of cases) {
      const updated = { ...order, status: to, updatedAt: at };
      const events = eventsOfTransition(transition(from, to, type), updated);
      expect(events).toEqual([
        {
          id: expect.stringMatching(EVENT_ID_PATTERN),
          type: expected,
          occurredAt: at,
          data: { order: expect.any(Object) },
        },
      ]);
      expect(events[0]?.data.order).toMatchObject({ orderId: order.orderId, status: to, updatedAt: at });
      expect(events[0]?.data.order).not.toHaveProperty('events');
      expect(events[0]?.data.order).not.toHaveProperty('userId');
    }
  });

  it('makes order.refunded with the amount given back when a refund is recorded, and nothing for other same-status changes', () => {
    const paid = {
      ...order,
      status: 'CANCELLED' as const,
      payment: { status: 'REFUND_PENDING' as const, attempts: 1 },
    };
    const refunded = { ...paid, refunded: paid.total, payment: { status: 'REFUNDED' as const, attempts: 1 } };
    const [event] = eventsOfTransition(transition('CANCELLED', 'CANCELLED', 'REFUNDED', paid), refunded);
    expect(event).toMatchObject({ type: 'order.refunded', data: { refund: { amount: 500, returnId: null } } });
    expect(eventsOfTransition(transition('SHIPPED', 'SHIPPED', 'IN_TRANSIT'), order)).toEqual([]);
  });

  it('gives every event its own id, sorting by the time it occurred', () => {
    const ids = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2027-06-30T12:00:00.000Z'].map(newEventId);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 100 }, () => newEventId(at))).size).toBe(100);
    expect(orderPlacedEvent(order)).toMatchObject({ type: 'order.placed', occurredAt: placedAt });
  });

  it('reads back exactly the event it wrote from a stream image, and refuses what it did not write', () => {
    const event = orderPlacedEvent({ ...order, items: [{ ...order.items[0], options: {} } as Order['items'][0]] });
    const item = eventRecordPut('table', event).Put?.Item as Record<string, unknown>;
    expect(eventOfStreamImage(marshall(item))).toEqual(event);
    expect(eventOfStreamImage(marshall({ ...item, body: '{"id":"evt_x"}' }))).toBe('malformed');
    expect(eventOfStreamImage(marshall({ ...item, body: 'not json' }))).toBe('malformed');
    expect(eventOfStreamImage(marshall({ PK: 'ORDER#1', type: 'Order' }))).toBeUndefined();
  });
});

describe('webhook retry schedule', () => {
  const schedule = { baseDelaySeconds: 30, maxDelaySeconds: 10_800, giveUpAfterSeconds: 90_000 };

  it('doubles from the base with jitter in the upper half, capped, and spans the give-up time in 17 to 26 attempts', () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = Math.min(10_800, 30 * 2 ** (attempt - 1));
      for (let sample = 0; sample < 50; sample++) {
        const delay = retryDelaySeconds(attempt, schedule);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    // The longest delays reach 25 h in 17 attempts, the shortest in 26: either way far fewer receives
    // than the webhook queue's maxReceiveCount (100, serverless.yml), so SQS never dead-letters a round.
    const attemptsToSpan = (delayOf: (attempt: number) => number) => {
      let elapsed = 0;
      let attempts = 1;
      while (elapsed < schedule.giveUpAfterSeconds) elapsed += delayOf(attempts++);
      return attempts;
    };
    expect(attemptsToSpan((n) => Math.min(10_800, 30 * 2 ** (n - 1)))).toBeLessThanOrEqual(17);
    expect(attemptsToSpan((n) => Math.min(10_800, 30 * 2 ** (n - 1)) / 2)).toBeLessThanOrEqual(26);
  });
});

describe('inventory.low from the stream', () => {
  const record = (
    oldImage: Record<string, unknown>,
    newImage: Record<string, unknown>,
    { eventName = 'MODIFY', sk = '#STOCK', eventID = 'rec-1' } = {},
  ): DynamoDBRecord => ({
    eventID,
    eventName: eventName as DynamoDBRecord['eventName'],
    dynamodb: {
      ApproximateCreationDateTime: 1796700000,
      Keys: marshall({ PK: 'PRODUCT#MUG', SK: sk }) as never,
      OldImage: marshall(oldImage) as never,
      NewImage: marshall(newImage) as never,
      SequenceNumber: '100',
    },
  });
  const stock = (available: number, extra: Record<string, unknown> = {}) => ({
    PK: 'PRODUCT#MUG',
    SK: '#STOCK',
    type: 'Stock',
    sku: 'MUG',
    onHand: 10,
    reserved: 10 - available,
    available,
    ...extra,
  });

  it('makes one event when available falls from the threshold or more to below it, with an id the record fixes', () => {
    const crossing = record(stock(3, { lowStockThreshold: 3 }), stock(2, { lowStockThreshold: 3 }));
    const event = lowStockEventOfStreamRecord(crossing);
    expect(event).toEqual({
      id: expect.stringMatching(EVENT_ID_PATTERN),
      type: 'inventory.low',
      // The end of the record's second: the stream gives seconds.
      occurredAt: new Date(1796700000 * 1000 + 999).toISOString(),
      data: { sku: 'MUG', productSku: 'MUG', onHand: 10, reserved: 8, available: 2, lowStockThreshold: 3 },
    });
    // Read again (a retried batch): the same event, same id; another record: another id.
    expect(lowStockEventOfStreamRecord(crossing)?.id).toBe(event?.id);
    const other = record(stock(3, { lowStockThreshold: 3 }), stock(2, { lowStockThreshold: 3 }), { eventID: 'rec-2' });
    expect(lowStockEventOfStreamRecord(other)?.id).not.toBe(event?.id);
  });

  it('makes none while above, once already below, without a threshold, or for other changes', () => {
    const cases = [
      record(stock(5, { lowStockThreshold: 3 }), stock(4, { lowStockThreshold: 3 })),
      record(stock(5, { lowStockThreshold: 3 }), stock(3, { lowStockThreshold: 3 })),
      record(stock(2, { lowStockThreshold: 3 }), stock(1, { lowStockThreshold: 3 })),
      record(stock(2, { lowStockThreshold: 3 }), stock(4, { lowStockThreshold: 3 })),
      record(stock(5), stock(0)),
      record(stock(5, { lowStockThreshold: 3 }), stock(1, { lowStockThreshold: 3 }), { eventName: 'INSERT' }),
      record(stock(5, { lowStockThreshold: 3 }), stock(1, { lowStockThreshold: 3 }), { sk: '#PRODUCT' }),
    ];
    for (const change of cases) expect(lowStockEventOfStreamRecord(change)).toBeUndefined();
  });

  it('names a variant’s product', () => {
    const variant = (available: number) => ({
      ...stock(available, { lowStockThreshold: 1 }),
      sku: 'TEE-M',
      productSku: 'TEE',
    });
    const event = lowStockEventOfStreamRecord(record(variant(1), variant(0), { sk: '#VARIANT#TEE-M' }));
    expect(event?.data).toMatchObject({ sku: 'TEE-M', productSku: 'TEE', available: 0 });
  });
});

describe('event publisher record handler', () => {
  const published: DomainEvent[] = [];
  const publisher = () => ({
    publish: async (event: DomainEvent) => {
      published.push(event);
      return { deliveries: 0 };
    },
  });

  it('skips a change record it cannot read (logged), so it never holds the shard', async () => {
    const handle = eventPublisherRecordHandler({
      eventOf: () => undefined,
      derivedEventOf: () => {
        throw new Error('unreadable image');
      },
      publisher,
    });
    await expect(handle({ eventName: 'MODIFY', dynamodb: {} } as DynamoDBRecord)).resolves.toBeUndefined();
    expect(published).toEqual([]);
  });

  it('publishes what a change record makes, and an event record’s event', async () => {
    const derived = orderPlacedEvent(order);
    const handle = eventPublisherRecordHandler({
      eventOf: () => derived,
      derivedEventOf: () => derived,
      publisher,
    });
    await handle({ eventName: 'MODIFY', dynamodb: {} } as DynamoDBRecord);
    await handle({ eventName: 'INSERT', dynamodb: { NewImage: {} } } as DynamoDBRecord);
    await handle({ eventName: 'REMOVE', dynamodb: { NewImage: {} } } as DynamoDBRecord);
    expect(published).toEqual([derived, derived]);
  });
});
