import { createDynamoCircuitStore } from '../adapters/dynamo/dynamo-circuit-store';
import { createDynamoWebhookEventStore } from '../adapters/dynamo/dynamo-webhook-event-store';
import { createStripePaymentGateway } from '../adapters/payments/stripe-payment-gateway';
import { config } from '../config';
import { circuitBreakingGateway, createCircuitBreaker } from '../domain/payments/circuit-breaker';
import { createPaymentService } from '../domain/payments/payment-service';
import { createPaymentWebhookService } from '../domain/payments/payment-webhook-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { dynamoClient, secretSource, table } from './clients';
import { orderRepository, workOutbox } from './orders';
import { returnRepository } from './returns';
import { paymentCircuitMoved, paymentCircuitStoreFailed, paymentGatewayRetried } from './telemetry';

/** The HMAC secret of payment webhooks (`await paymentWebhookSecret()()`). */
export const paymentWebhookSecret = /* @__PURE__ */ once(() =>
  secretSource(config().paymentWebhookSecret, 'PAYMENT_WEBHOOK_SECRET'),
);

/**
 * The payment gateway: Stripe's API in AWS, the sandbox under `npm start`; a timeout per attempt and
 * bounded retries that resend the same idempotency key (decision 0004); around them, the circuit
 * breaker whose state every instance shares in the table, so an open circuit costs no attempt and
 * a call counts one failure however many attempts it made.
 */
export const paymentGateway = /* @__PURE__ */ once(() => {
  const { paymentGateway: settings, tableName } = config();
  const gateway = createStripePaymentGateway({
    baseUrl: settings.baseUrl,
    secret: secretSource(settings.secret, 'PAYMENT_GATEWAY_SECRET'),
    timeoutMs: settings.timeoutMs,
    retry: { maxAttempts: settings.maxAttempts, baseDelayMs: 200, maxDelayMs: 2000 },
    onRetry: paymentGatewayRetried,
  });
  const breaker = createCircuitBreaker({
    name: 'payment-gateway',
    store: createDynamoCircuitStore(dynamoClient(), tableName),
    clock: systemClock,
    ...settings.circuit,
    onTransition: paymentCircuitMoved,
    onStoreError: paymentCircuitStoreFailed,
  });
  return circuitBreakingGateway(gateway, breaker);
});

/** The payment worker's service: one charge per order, then the conditional PAID / PAYMENT_FAILED transition. */
export const paymentService = /* @__PURE__ */ once(() =>
  createPaymentService({
    orders: orderRepository(),
    gateway: paymentGateway(),
    outbox: workOutbox(),
    // As for the work the order transactions start: the stream hands it to the queue at once, and
    // the reconcile job re-sends it after this long if the refund is still not recorded.
    lateRefundDueAfterSeconds: config().jobs.reconcileResendAfterSeconds,
    returns: returnRepository(),
    clock: systemClock,
  }),
);

/** Payment webhooks: events applied through the payment service's transitions, once per event id. */
export const paymentWebhookService = /* @__PURE__ */ once(() =>
  createPaymentWebhookService({
    payments: paymentService(),
    processed: createDynamoWebhookEventStore(table().db, table().name, systemClock, {
      retentionSeconds: config().paymentWebhookRetentionDays * 24 * 3600,
    }),
  }),
);
