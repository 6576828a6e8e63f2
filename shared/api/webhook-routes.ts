import { isPaymentEventType, PAYMENT_EVENT_TYPES } from '../domain/payments/gateway-events';
import type { WebhookEvent } from '../domain/payments/payment-webhook-service';
import { PAYMENT_SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from '../domain/payments/webhook-signature';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Money, patterned } from './common-schemas';
import { EventId, WebhookReceipt } from './webhook-schemas';

export const PaymentEventData = /* @__PURE__ */ z
  .strictObject({
    orderId: z.string().check(z.minLength(1), z.maxLength(128)),
    paymentIntentId: z
      .string()
      .check(...patterned(255, /^[A-Za-z0-9_-]{1,255}$/, 'a payment id: 1–255 characters of A-Z a-z 0-9 _ -')),
    amount: Money,
    currency: z.optional(
      z
        .string()
        .check(...patterned(3, /^[A-Za-z]{3}$/, 'an ISO 4217 code'))
        .register(z.globalRegistry, {
          description: "ISO 4217, any case; when absent the amount is in the order's currency",
        }),
    ),
  })
  .register(z.globalRegistry, {
    id: 'PaymentEventData',
    description:
      'The payment an event is about: paid (`payment_intent.*`) or refunded (`charge.refunded`) amount in minor units',
  });

type PaymentEventDataOut = z.output<typeof PaymentEventData>;

/**
 * The envelope is strict; `data` is checked by type: the handled types need `PaymentEventData`, other
 * types (gateways send many) are acknowledged whatever their data, and not applied. The union only
 * documents the shape: the transform picks the schema by `type`, so the errors name the right fields.
 */
export const PaymentWebhookBody = /* @__PURE__ */ z.pipe(
  /* @__PURE__ */ z.strictObject({
    id: EventId,
    type: /* @__PURE__ */ z
      .string()
      .check(z.minLength(1), z.maxLength(100))
      .register(z.globalRegistry, {
        description: `Handled: ${/* @__PURE__ */ PAYMENT_EVENT_TYPES.join(', ')}. Other types are acknowledged and ignored.`,
        example: 'payment_intent.succeeded',
      }),
    data: /* @__PURE__ */ z
      .union([PaymentEventData, z.looseObject({})], { error: 'data must be an object' })
      .register(z.globalRegistry, {
        description: '`PaymentEventData` for the handled types; any object for other types',
      }),
  }),
  /* @__PURE__ */ z.transform((event, ctx): WebhookEvent => {
    const { id, type } = event;
    if (!isPaymentEventType(type)) return { id, type, payment: null };
    const parsed = z.safeParse(PaymentEventData, event.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.issues.push({ ...issue, path: ['data', ...issue.path], input: event.data } as (typeof ctx.issues)[number]);
      }
      return z.NEVER;
    }
    const data: PaymentEventDataOut = parsed.data;
    return {
      id,
      type,
      payment: {
        type,
        orderId: data.orderId,
        paymentIntentId: data.paymentIntentId,
        amount: data.amount,
        currency: data.currency ?? null,
      },
    };
  }),
);

export const receivePaymentWebhookRoute = /* @__PURE__ */ defineRoute({
  operationId: 'receivePaymentWebhook',
  method: 'POST',
  path: '/v1/webhooks/payments',
  role: 'public',
  summary: 'Receive a payment gateway event',
  description:
    'For the payment gateway, not for clients: no bearer token, the request is authenticated by ' +
    `its \`${PAYMENT_SIGNATURE_HEADER}\` header, \`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">\` ` +
    'with the shared secret (`PAYMENT_WEBHOOK_SECRET`), checked over the body exactly as sent, before it ' +
    'is parsed. Several `v1=` signatures may be sent (secret rotation); one must match. A missing, ' +
    `malformed or wrong signature, or a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes ` +
    'from now, is 400 `INVALID_SIGNATURE` and changes nothing.\n\n' +
    'Events go through the same conditional order transitions as the payment worker, so an event ' +
    'racing the worker applies once: `payment_intent.succeeded` pays a `PENDING_PAYMENT` order ' +
    '(amount and currency must be the order’s; a mismatch is logged and not applied) or, if the order ' +
    'closed before the money arrived, refunds the payment (`REFUNDED`, the order keeps its status); ' +
    '`payment_intent.payment_failed` moves a `PENDING_PAYMENT` order to `PAYMENT_FAILED`; ' +
    '`charge.refunded` records the full refund of the order’s payment (`REFUNDED`), and first cancels a ' +
    '`PAID` order that has not shipped yet (`CANCELLED`, stock back on the shelf, no second refund), so ' +
    'goods refunded in the gateway’s dashboard are never shipped. An event id that was applied ' +
    'before is acknowledged with `duplicate: true` and not applied again. Other event types, and ' +
    'events about unknown orders, are acknowledged (200) and ignored. A 5xx means the event was not ' +
    '(completely) applied: the gateway should deliver it again.',
  tags: ['Webhooks'],
  headers: [
    {
      name: PAYMENT_SIGNATURE_HEADER,
      required: true,
      description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> (several v1= allowed)',
    },
  ],
  body: PaymentWebhookBody,
  responses: { 200: { description: 'The event was received (applied, or nothing to apply)', schema: WebhookReceipt } },
  errors: [
    { status: 400, code: 'INVALID_SIGNATURE' },
    { status: 502, code: 'PAYMENT_GATEWAY_ERROR' },
  ],
});
