import { EVENT_ID_PATTERN, type EventType } from '../domain/events/domain-event';
import * as z from '../lib/zod';
import { ProductFacts, VariantFacts } from './catalog-routes';
import { Money, patterned, Sku, Text, Timestamp } from './common-schemas';
import { OrderSummary } from './order-routes';
import { Return } from './return-routes';

/**
 * The events Cartwheel sends (contract §5.7), as zod schemas built from the API's own
 * representations: the OpenAPI document lists them under `webhooks`, the docs page shows them, and
 * `npm run event-schemas` writes one JSON Schema per type to `docs/events/` from the same source.
 */

export const EventId = /* @__PURE__ */ z
  .string()
  .check(...patterned(29, EVENT_ID_PATTERN, 'not an event id'))
  .register(z.globalRegistry, {
    description: 'The event’s id: the same in every delivery of it (receivers dedupe by it); ids sort by time',
    example: 'evt_0mxe1h1ai4bfbabe4b776468d',
  });

const envelope = <T extends EventType, D extends z.core.$ZodType>(type: T, data: D, description: string) =>
  z.object({ id: EventId, type: z.literal(type), occurredAt: Timestamp, data }).register(z.globalRegistry, {
    id: `${type
      .split(/[._]/)
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')}Event`,
    description,
  });

const orderData = /* @__PURE__ */ z.object({ order: OrderSummary });

const Refund = /* @__PURE__ */ z.object({
  amount: /* @__PURE__ */ z.clone(Money).register(z.globalRegistry, { description: 'What this refund gave back' }),
  returnId: /* @__PURE__ */ z.nullable(Text(68)).register(z.globalRegistry, {
    description: 'The return it refunds; null for the refund of a cancelled order',
  }),
});

/** Every event type that is sent, with its schema and when it happens. */
export const EVENT_SCHEMAS = /* @__PURE__ */ (() =>
  [
    envelope('order.placed', orderData, 'An order was placed (PENDING_PAYMENT, its stock reserved).'),
    envelope('order.paid', orderData, 'An order’s payment succeeded (PAID); fulfilment starts.'),
    envelope('order.payment_failed', orderData, 'An order’s payment was refused for good (PAYMENT_FAILED).'),
    envelope(
      'order.shipped',
      orderData,
      'The carrier’s label was bought (SHIPPED); `order.shipment` has the tracking.',
    ),
    envelope('order.delivered', orderData, 'The carrier reported the parcel delivered (DELIVERED).'),
    envelope(
      'order.cancelled',
      orderData,
      'An order was cancelled (by its customer, an admin, an erasure or a refund made at the gateway).',
    ),
    envelope(
      'order.expired',
      orderData,
      'An unpaid order’s reservation ran out (EXPIRED); its stock is available again.',
    ),
    envelope(
      'order.refunded',
      /* @__PURE__ */ z.object({ order: OrderSummary, refund: Refund }),
      'A refund of the order was recorded: a cancelled paid order’s, or a received return’s.',
    ),
    envelope('return.requested', /* @__PURE__ */ z.object({ return: Return }), 'A customer asked to return units.'),
    envelope(
      'return.received',
      /* @__PURE__ */ z.object({ return: Return }),
      'The shop received a return; its refund follows.',
    ),
    envelope(
      'product.created',
      /* @__PURE__ */ z.object({ product: ProductFacts, variants: z.array(VariantFacts) }),
      'A product was created (with the variants it was created with).',
    ),
    envelope(
      'product.updated',
      /* @__PURE__ */ z.object({
        product: ProductFacts,
        variant: z.nullable(VariantFacts).register(z.globalRegistry, {
          description: 'The variant added or edited, as it now is; null when the product itself was edited',
        }),
      }),
      'A product was edited, or one of its variants added or edited.',
    ),
    envelope(
      'inventory.low',
      /* @__PURE__ */ z.object({
        sku: Sku,
        productSku: /* @__PURE__ */ z.clone(Sku).register(z.globalRegistry, {
          description: 'Its product (its own sku for a simple product)',
        }),
        onHand: z.number().check(z.int()),
        reserved: z.number().check(z.int()),
        available: z.number().check(z.int()),
        lowStockThreshold: z.number().check(z.int()),
      }),
      'A stock change took a sku’s `available` from its low-stock threshold or more to below it (set with ' +
        '`PUT /v1/inventory/{sku}/low-stock-threshold`). `occurredAt` is to the second.',
    ),
  ] as const)();

export type SentEventType = (typeof EVENT_SCHEMAS)[number]['shape']['type']['_zod']['output'];
