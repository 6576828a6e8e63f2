import { createEasyPostCarrier } from '../adapters/carrier/easypost-carrier';
import { createDynamoWebhookEventStore } from '../adapters/dynamo/dynamo-webhook-event-store';
import { config } from '../config';
import { createFulfilmentRedrive } from '../domain/fulfilment/fulfilment-redrive';
import { createFulfilmentService } from '../domain/fulfilment/fulfilment-service';
import { createTrackingService } from '../domain/fulfilment/tracking-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { secretSource, table } from './clients';
import { orderRepository, workDispatcher, workOutbox } from './orders';
import { carrierRetried } from './telemetry';

/**
 * The fulfilment worker's carrier: EasyPost's API in AWS, the sandbox under `npm start` and in tests
 * (decision 0018); a timeout per attempt and bounded retries of the very same request.
 */
export const carrier = /* @__PURE__ */ once(() => {
  const settings = config().carrier;
  return createEasyPostCarrier({
    baseUrl: settings.baseUrl,
    apiKey: secretSource(settings.apiKey, 'CARRIER_API_KEY'),
    fromAddressId: settings.fromAddressId,
    timeoutMs: settings.timeoutMs,
    retry: { maxAttempts: settings.maxAttempts, baseDelayMs: 200, maxDelayMs: 2000 },
    onRetry: carrierRetried,
  });
});

/** The fulfilment worker's service: one carrier shipment per order, its label bought once, then PAID → SHIPPED. */
export const fulfilmentService = /* @__PURE__ */ once(() =>
  createFulfilmentService({
    orders: orderRepository(),
    carrier: carrier(),
    clock: systemClock,
    work: workOutbox(),
    defaultParcelGrams: config().carrier.defaultParcelGrams,
  }),
);

/** The HMAC secret of carrier webhooks (`await carrierWebhookSecret()()`). */
export const carrierWebhookSecret = /* @__PURE__ */ once(() =>
  secretSource(config().carrier.webhookSecret, 'CARRIER_WEBHOOK_SECRET'),
);

/** Carrier tracking webhooks: forward-only shipment statuses, SHIPPED → DELIVERED, once per event id. */
export const trackingService = /* @__PURE__ */ once(() =>
  createTrackingService({
    orders: orderRepository(),
    processed: createDynamoWebhookEventStore(table().db, table().name, systemClock, {
      retentionSeconds: config().paymentWebhookRetentionDays * 24 * 3600,
    }),
    clock: systemClock,
  }),
);

/** The shop's re-drive of a refused shipment: the order's fulfilment work sent again. */
export const fulfilmentRedrive = /* @__PURE__ */ once(() =>
  createFulfilmentRedrive({ orders: orderRepository(), dispatcher: workDispatcher(), clock: systemClock }),
);
