import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_SCHEMA_DIR, eventJsonSchemas } from '../../scripts/event-schemas';
import { openApiDocument } from '../../shared/api/openapi-document';
import {
  type DomainEvent,
  eventsOfTransition,
  inventoryLowEvent,
  orderPlacedEvent,
  productCreatedEvent,
  productUpdatedEvent,
  returnReceivedEvent,
  returnRefundedEvent,
  returnRequestedEvent,
} from '../../shared/domain/events/domain-event';
import type { Order, OrderStatus } from '../../shared/domain/orders/order';
import type { OrderReturn } from '../../shared/domain/returns/return';
import { teeMediumRecord, teeRecord } from '../support/catalog-records';
import { pendingOrder } from '../support/orders';

const at = '2026-12-08T10:01:00.000Z';
const order: Order = {
  ...pendingOrder({
    orderId: 'ord_3f9a1c0d2b7e4a56b8c9d0e1f2a3b4c5',
    placedAt: '2026-12-08T10:00:00.000Z',
    reservationExpiresAt: '2026-12-08T10:15:00.000Z',
  }),
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical Way',
    line2: null,
    city: 'London',
    postalCode: 'N1 9GU',
    country: 'GB',
  },
};
const ret: OrderReturn = {
  returnId: 'ret_7c1e0a9b3d5f4e21a6b8c0d2e4f6a8b0',
  orderId: order.orderId,
  userId: order.userId,
  status: 'REQUESTED',
  items: [{ sku: 'A', quantity: 1, refundAmount: 500 }],
  refundAmount: 500,
  reason: 'Too small',
  createdAt: at,
  updatedAt: at,
};
const product = teeRecord({ createdAt: at, updatedAt: at });
const variant = teeMediumRecord({ weight: 180, createdAt: at, updatedAt: at });
const moved = (from: OrderStatus, to: OrderStatus, type: Order['events'][number]['type']) =>
  eventsOfTransition(
    { order: { ...order, status: from }, from, to, event: { type, at }, stock: 'none' },
    { ...order, status: to, updatedAt: at },
  );

/** One event of every type the domain writes, made by the code that writes them. */
const written: DomainEvent[] = [
  orderPlacedEvent(order),
  ...moved('PENDING_PAYMENT', 'PAID', 'PAYMENT_SUCCEEDED'),
  ...moved('PENDING_PAYMENT', 'PAYMENT_FAILED', 'PAYMENT_FAILED'),
  ...moved('PAID', 'SHIPPED', 'SHIPPED'),
  ...moved('SHIPPED', 'DELIVERED', 'DELIVERED'),
  ...moved('PAID', 'CANCELLED', 'CANCELLED'),
  ...moved('PENDING_PAYMENT', 'EXPIRED', 'EXPIRED'),
  ...eventsOfTransition(
    {
      order: { ...order, status: 'CANCELLED' },
      from: 'CANCELLED',
      to: 'CANCELLED',
      event: { type: 'REFUNDED', at },
      stock: 'none',
    },
    { ...order, status: 'CANCELLED', refunded: order.total },
  ),
  returnRequestedEvent(ret, at),
  returnReceivedEvent({ ...ret, status: 'RECEIVED' }, at),
  returnRefundedEvent({ ...order, refunded: 500 }, ret, at),
  productCreatedEvent(product, [variant]),
  productUpdatedEvent(product, null, at),
  productUpdatedEvent(product, variant, at),
  inventoryLowEvent(
    {
      sku: 'TEE-M',
      productSku: 'TEE',
      before: { available: 3 },
      after: { onHand: 5, reserved: 3, available: 2, lowStockThreshold: 3 },
    },
    'a-stream-record-id',
    '2026-12-08T10:01:00.000Z',
  ) as DomainEvent,
];

describe('event schemas', () => {
  const files = eventJsonSchemas();

  it('are in docs/events exactly as `npm run event-schemas` writes them', () => {
    const committed = readdirSync(EVENT_SCHEMA_DIR)
      .filter((file) => file.endsWith('.schema.json'))
      .sort();
    expect(committed).toEqual([...files.keys()].sort());
    for (const [file, text] of files)
      expect({ file, text: readFileSync(path.join(EVENT_SCHEMA_DIR, file), 'utf8') }).toEqual({ file, text });
  });

  it('describe every event the domain writes, and each written event is valid against its type’s schema', () => {
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
    expect(new Set(written.map((event) => event.type))).toEqual(
      new Set([...files.keys()].map((file) => file.replace(/\.schema\.json$/, ''))),
    );
    const validators = new Map(
      [...files].map(([file, text]) => [file.replace(/\.schema\.json$/, ''), ajv.compile(JSON.parse(text))]),
    );
    for (const event of written) {
      const validate = validators.get(event.type) as ReturnType<typeof ajv.compile>;
      expect({ type: event.type, valid: validate(event), errors: validate.errors ?? null }).toEqual({
        type: event.type,
        valid: true,
        errors: null,
      });
      // A wrong type, or data missing, is refused (the schemas are not `{}`).
      expect(validate({ ...event, type: 'order.other' })).toBe(false);
      expect(validate({ ...event, data: {} })).toBe(false);
    }
  });

  it('are in the OpenAPI document as its webhooks, each with the signature headers', () => {
    const document = openApiDocument('EUR') as {
      webhooks: Record<string, { post: { parameters: Array<{ name: string }>; requestBody: unknown } }>;
    };
    expect(Object.keys(document.webhooks).sort()).toEqual([...new Set(written.map((event) => event.type))].sort());
    for (const [type, { post }] of Object.entries(document.webhooks)) {
      expect({ type, headers: post.parameters.map((parameter) => parameter.name) }).toEqual({
        type,
        headers: ['Cartwheel-Signature', 'Cartwheel-Event-Id', 'Cartwheel-Event-Type'],
      });
      expect(JSON.stringify(post.requestBody)).toContain('#/components/schemas/');
    }
  });
});
