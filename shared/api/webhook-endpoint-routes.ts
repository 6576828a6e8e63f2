import { EVENT_TYPES } from '../domain/webhooks/webhook-endpoint';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { TextLine } from './address-schema';
import { patterned, Text, Timestamp } from './common-schemas';

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
