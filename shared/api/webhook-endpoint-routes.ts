import { EVENT_ID_PATTERN, EVENT_TYPES } from '../domain/events/domain-event';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { TextLine } from './address-schema';
import { Cursor, Limit, pageOf, patterned, Text, Timestamp } from './common-schemas';

const EndpointId = /* @__PURE__ */ z
  .string()
  .check(...patterned(68, /^we_[A-Za-z0-9]{8,64}$/, 'not a webhook endpoint id'))
  .register(z.globalRegistry, {
    description: 'Opaque webhook endpoint id',
    example: 'we_5d0f2a9c7b3e4f1a8c6d0e2b4a6f8c0e',
  });

const Subscribed = /* @__PURE__ */ z.enum([...EVENT_TYPES, '*']);

const endpointFields = {
  id: EndpointId,
  url: /* @__PURE__ */ Text(2048),
  events: /* @__PURE__ */ z.array(Subscribed),
  description: /* @__PURE__ */ z.nullable(Text(500)),
  createdAt: Timestamp,
};

export const WebhookEndpoint = /* @__PURE__ */ z
  .object(endpointFields)
  .register(z.globalRegistry, { id: 'WebhookEndpoint' });

export const CreatedWebhookEndpoint = /* @__PURE__ */ z
  .object({
    ...endpointFields,
    secret: Text(64).register(z.globalRegistry, {
      description: 'Signs every delivery to this endpoint (`Cartwheel-Signature`); shown only in this answer',
    }),
  })
  .register(z.globalRegistry, { id: 'CreatedWebhookEndpoint' });

export const CreateWebhookEndpoint = /* @__PURE__ */ z
  .strictObject({
    url: z.string().check(z.minLength(1), z.maxLength(2048)).register(z.globalRegistry, {
      description: 'https (locally also http://127.0.0.1:<port>); never a private, loopback or link-local address',
      example: 'https://erp.example.com/hooks/cartwheel',
    }),
    events: z
      .array(Subscribed)
      .check(z.minLength(1), z.maxLength(EVENT_TYPES.length + 1))
      .register(z.globalRegistry, { description: 'The event types it receives, or `["*"]` for all' }),
    description: z.optional(TextLine(500)),
  })
  .register(z.globalRegistry, { id: 'CreateWebhookEndpoint' });

export const createWebhookEndpointRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createWebhookEndpoint',
  method: 'POST',
  path: '/v1/admin/webhook-endpoints',
  role: 'admin',
  summary: 'Register a receiver of the shop’s events',
  description:
    'The URL is checked against server-side request forgery: in AWS it must be https, and its host must ' +
    'resolve to public addresses only (no private, loopback, link-local, metadata or reserved address); ' +
    'otherwise 400 `VALIDATION_FAILED` naming `url`. Locally `http://127.0.0.1:<port>` is allowed. The ' +
    '`secret` is shown only in this answer. At most 20 endpoints.',
  tags: ['Webhook endpoints'],
  body: CreateWebhookEndpoint,
  responses: {
    201: { description: 'Registered', schema: CreatedWebhookEndpoint, headers: { Location: 'URL of the endpoint' } },
  },
  errors: [],
});

export const listWebhookEndpointsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listWebhookEndpoints',
  method: 'GET',
  path: '/v1/admin/webhook-endpoints',
  role: 'admin',
  summary: 'The receivers of the shop’s events, oldest first (no secrets)',
  tags: ['Webhook endpoints'],
  responses: {
    200: { description: 'Every endpoint', schema: /* @__PURE__ */ z.object({ items: z.array(WebhookEndpoint) }) },
  },
  errors: [],
});

export const deleteWebhookEndpointRoute = /* @__PURE__ */ defineRoute({
  operationId: 'deleteWebhookEndpoint',
  method: 'DELETE',
  path: '/v1/admin/webhook-endpoints/{id}',
  role: 'admin',
  summary: 'Stop sending events to a receiver',
  tags: ['Webhook endpoints'],
  params: /* @__PURE__ */ z.strictObject({ id: EndpointId }),
  responses: { 204: { description: 'Deleted' } },
  errors: [{ status: 404, code: 'WEBHOOK_ENDPOINT_NOT_FOUND' }],
});

const EventId = /* @__PURE__ */ z
  .string()
  .check(...patterned(29, EVENT_ID_PATTERN, 'not an event id'))
  .register(z.globalRegistry, {
    description: 'An event’s id (stable across deliveries)',
    example: 'evt_0mipx3k2w9f1c2d3e4f5a6b7c8',
  });

const DeliveryAttempt = /* @__PURE__ */ z.object({
  at: Timestamp,
  status: /* @__PURE__ */ z.nullable(z.number().check(z.int())).register(z.globalRegistry, {
    description: 'The receiver’s HTTP status; null when it gave no answer',
  }),
  error: /* @__PURE__ */ z.nullable(Text(500)).register(z.globalRegistry, {
    description: 'Why there was no answer (timeout, refused address, connection error)',
  }),
  durationMs: /* @__PURE__ */ z.number().check(z.int()),
});

export const WebhookDelivery = /* @__PURE__ */ z
  .object({
    id: EventId.register(z.globalRegistry, { description: 'The delivery’s id: its event’s id' }),
    endpointId: EndpointId,
    eventId: EventId,
    eventType: /* @__PURE__ */ z.enum(EVENT_TYPES),
    occurredAt: Timestamp,
    status: /* @__PURE__ */ z.enum(['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED']).register(z.globalRegistry, {
      description:
        'PENDING: not attempted yet; RETRYING: failed so far, next attempt at `nextAttemptAt`; ' +
        'SUCCEEDED: a 2xx within the timeout; FAILED: retried for 25 hours, then given up on (retry it by hand)',
    }),
    attempts: z.array(DeliveryAttempt),
    nextAttemptAt: z.nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'WebhookDelivery' });

const DeliveryParams = /* @__PURE__ */ z.strictObject({ id: EndpointId, deliveryId: EventId });

export const listWebhookDeliveriesRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listWebhookDeliveries',
  method: 'GET',
  path: '/v1/admin/webhook-endpoints/{id}/deliveries',
  role: 'admin',
  summary: 'Deliveries to a receiver, newest event first, each with every attempt',
  tags: ['Webhook endpoints'],
  params: /* @__PURE__ */ z.strictObject({ id: EndpointId }),
  query: /* @__PURE__ */ z.strictObject({ limit: Limit, cursor: /* @__PURE__ */ z.optional(Cursor) }),
  responses: { 200: { description: 'A page of deliveries', schema: /* @__PURE__ */ pageOf(WebhookDelivery) } },
  errors: [
    { status: 404, code: 'WEBHOOK_ENDPOINT_NOT_FOUND' },
    { status: 400, code: 'INVALID_CURSOR' },
  ],
});

export const retryWebhookDeliveryRoute = /* @__PURE__ */ defineRoute({
  operationId: 'retryWebhookDelivery',
  method: 'POST',
  path: '/v1/admin/webhook-endpoints/{id}/deliveries/{deliveryId}/retry',
  role: 'admin',
  summary: 'Send a delivery again (a failed one, or one the receiver lost): same event, same id',
  description:
    'Starts a new round of attempts with backoff (as a new delivery would have); the answer is the ' +
    'delivery as queued (PENDING). Receivers dedupe by `Cartwheel-Event-Id`.',
  tags: ['Webhook endpoints'],
  params: DeliveryParams,
  responses: { 202: { description: 'Queued', schema: WebhookDelivery } },
  errors: [
    { status: 404, code: 'WEBHOOK_ENDPOINT_NOT_FOUND' },
    { status: 404, code: 'WEBHOOK_DELIVERY_NOT_FOUND' },
  ],
});
