import { CARRIER_SIGNATURE_HEADER } from '../domain/fulfilment/carrier-webhook-signature';
import type { TrackingUpdate } from '../domain/fulfilment/tracking-service';
import type { ShipmentStatus } from '../domain/orders/order';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { patterned } from './common-schemas';
import { EventId, WebhookReceipt } from './webhook-schemas';

/**
 * EasyPost's tracker statuses (its `Tracker.status`) as the shipment statuses of contract §5.5;
 * `unknown`, `cancelled`, `error` and anything new say nothing about where the parcel is.
 */
const TRACKER_STATUSES: Record<string, ShipmentStatus> = {
  pre_transit: 'LABEL_CREATED',
  in_transit: 'IN_TRANSIT',
  available_for_pickup: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  failure: 'DELIVERY_FAILED',
  return_to_sender: 'RETURNED_TO_SENDER',
};

export const TRACKER_EVENT_TYPES = ['tracker.created', 'tracker.updated'] as const;

const CarrierTimestamp = /* @__PURE__ */ z.iso.datetime({ offset: true });

/** The part of EasyPost's `Tracker` that Cartwheel reads; the rest is accepted and ignored. */
export const CarrierTracker = /* @__PURE__ */ z
  .looseObject({
    object: z.literal('Tracker'),
    tracking_code: z.string().check(...patterned(128, /^[A-Za-z0-9-]{1,128}$/, 'a tracking code')),
    status: z.string().check(z.minLength(1), z.maxLength(64)),
    shipment_id: z.optional(
      z.nullable(z.string().check(...patterned(128, /^shp_[A-Za-z0-9_]{1,124}$/, 'a shipment id: shp_…'))),
    ),
    updated_at: CarrierTimestamp,
  })
  .register(z.globalRegistry, {
    id: 'CarrierTracker',
    description: 'The tracker an event is about (EasyPost `Tracker`); other fields are ignored',
  });

/**
 * An EasyPost `Event`. The envelope is loose (the carrier adds fields); `result` is read as a tracker
 * for the tracker events, and any other event is acknowledged and not applied.
 */
export const CarrierWebhookBody = /* @__PURE__ */ z.pipe(
  /* @__PURE__ */ z.looseObject({
    id: EventId,
    description: /* @__PURE__ */ z
      .string()
      .check(z.minLength(1), z.maxLength(100))
      .register(z.globalRegistry, {
        description: `Handled: ${TRACKER_EVENT_TYPES.join(', ')}. Other events are acknowledged and ignored.`,
        example: 'tracker.updated',
      }),
    result: /* @__PURE__ */ z.looseObject({}).register(z.globalRegistry, {
      description: '`CarrierTracker` for the tracker events; any object for other events',
    }),
  }),
  /* @__PURE__ */ z.transform((event, ctx): TrackingUpdate => {
    const ignored = { eventId: event.id, shipmentId: null, trackingNumber: '', carrierStatus: '', status: null };
    if (!(TRACKER_EVENT_TYPES as readonly string[]).includes(event.description))
      return { ...ignored, at: new Date(0).toISOString() };
    const parsed = z.safeParse(CarrierTracker, event.result);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.issues.push({
          ...issue,
          path: ['result', ...issue.path],
          input: event.result,
        } as (typeof ctx.issues)[number]);
      }
      return z.NEVER;
    }
    const tracker = parsed.data;
    return {
      eventId: event.id,
      shipmentId: tracker.shipment_id ?? null,
      trackingNumber: tracker.tracking_code,
      carrierStatus: tracker.status,
      status: TRACKER_STATUSES[tracker.status] ?? null,
      at: new Date(tracker.updated_at).toISOString(),
    };
  }),
);

export const receiveCarrierWebhookRoute = /* @__PURE__ */ defineRoute({
  operationId: 'receiveCarrierWebhook',
  method: 'POST',
  path: '/v1/webhooks/carrier',
  role: 'public',
  summary: 'Receive a carrier tracking event',
  description:
    'For the carrier (EasyPost), not for clients: no bearer token, the request is authenticated by ' +
    `its \`${CARRIER_SIGNATURE_HEADER}\` header, \`hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>\` with ` +
    'the webhook secret (`CARRIER_WEBHOOK_SECRET`, NFKD-normalised), checked over the body exactly as sent, ' +
    'before it is parsed; a missing, malformed or wrong signature is 400 `INVALID_SIGNATURE` and changes ' +
    'nothing.\n\n' +
    'A tracker event moves the shipment of the order it is about forward (`Order.shipment.status`) and ' +
    'appends the status to the order’s events: `in_transit` and `available_for_pickup` → `IN_TRANSIT`, ' +
    '`out_for_delivery` → `OUT_FOR_DELIVERY`, `failure` → `DELIVERY_FAILED`, `return_to_sender` → ' +
    '`RETURNED_TO_SENDER`, `delivered` → `DELIVERED`, which also moves the order `SHIPPED → DELIVERED` ' +
    'and e-mails the customer. A status that is not ahead of the shipment’s (an update out of order, ' +
    'anything after `DELIVERED` or `RETURNED_TO_SENDER`) changes nothing. An event id applied before is ' +
    'acknowledged with `duplicate: true`. Other events, statuses that say nothing (`unknown`), and ' +
    'trackers of shipments that are not this shop’s are acknowledged (200) and ignored. 503 ' +
    '`SHIPMENT_NOT_RECORDED` (with `Retry-After`) while the order’s label is bought but its shipment ' +
    'not yet recorded: the carrier should deliver the event again.',
  tags: ['Webhooks'],
  headers: [
    {
      name: CARRIER_SIGNATURE_HEADER,
      required: true,
      description: 'hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>',
    },
  ],
  body: CarrierWebhookBody,
  responses: { 200: { description: 'The event was received (applied, or nothing to apply)', schema: WebhookReceipt } },
  errors: [
    { status: 400, code: 'INVALID_SIGNATURE' },
    { status: 503, code: 'SHIPMENT_NOT_RECORDED' },
  ],
});
