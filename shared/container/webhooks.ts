import { createEventBridgeBus, createEventBridgeClient } from '../adapters/aws/eventbridge-event-bus';
import { systemResolver } from '../adapters/dns-resolver';
import { createDynamoCircuitStore } from '../adapters/dynamo/dynamo-circuit-store';
import { createDynamoWebhookDeliveryStore } from '../adapters/dynamo/dynamo-webhook-delivery-store';
import { createDynamoWebhookEndpointRepository } from '../adapters/dynamo/dynamo-webhook-endpoint-repository';
import { createSqsWebhookDeliveryQueue } from '../adapters/sqs/sqs-webhook-delivery-queue';
import { createHttpWebhookSender } from '../adapters/webhooks/http-webhook-sender';
import { config } from '../config';
import { createEventPublisher } from '../domain/events/event-publisher';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitStore,
  createCircuitBreaker,
} from '../domain/payments/circuit-breaker';
import { endpointSecret } from '../domain/webhooks/endpoint-secret';
import {
  createWebhookDeliverer,
  createWebhookDeliveryListing,
  createWebhookDeliveryRetry,
  type EndpointCircuit,
  isDeliveryFailure,
  type RetrySchedule,
  type WebhookDeliverer,
} from '../domain/webhooks/webhook-delivery';
import {
  createWebhookEndpointRegistry,
  createWebhookEndpointService,
  type WebhookEndpoint,
} from '../domain/webhooks/webhook-endpoint';
import type { HostResolver } from '../domain/webhooks/webhook-url-policy';
import { randomIds, systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { cursorCodec, dynamoClient, secretSource, sqsClient, type Table, table } from './clients';
import { webhookAttempted, webhookCircuitMoved } from './telemetry';

/** The key every endpoint's signing secret is derived from (`await webhookSigningKey()()`). */
export const webhookSigningKey = /* @__PURE__ */ once(() =>
  secretSource(config().webhookSigningKey, 'WEBHOOK_SIGNING_KEY'),
);

const webhookEndpoints = /* @__PURE__ */ once(() => createDynamoWebhookEndpointRepository(table().db, table().name));
const webhookDeliveries = /* @__PURE__ */ once(() => createDynamoWebhookDeliveryStore(table().db, table().name));
const webhookDeliveryQueue = /* @__PURE__ */ once(() =>
  createSqsWebhookDeliveryQueue(sqsClient(), config().queues.webhook),
);
const isLocal = () => config().auth.mode === 'local';

/** Registers the shop's webhook endpoints (admin), behind the SSRF checks of contract §5.7. */
export const webhookEndpointService = /* @__PURE__ */ once(() =>
  createWebhookEndpointService({
    endpoints: webhookEndpoints(),
    key: webhookSigningKey(),
    resolve: systemResolver,
    local: isLocal(),
    clock: systemClock,
    ids: randomIds,
  }),
);

/** Lists and removes the shop's webhook endpoints (admin). */
export const webhookEndpointRegistry = /* @__PURE__ */ once(() => createWebhookEndpointRegistry(webhookEndpoints()));

/**
 * The endpoints as the publisher reads them: a read that began at or after `notBefore` serves every
 * event that reached the publisher by then, so the records of one batch (handled side by side) share
 * one Query, and no event is matched against a list older than itself.
 */
function endpointsReadSince(): (notBefore: number) => Promise<WebhookEndpoint[]> {
  let latest: { startedAt: number; endpoints: Promise<WebhookEndpoint[]> } | null = null;
  return (notBefore) => {
    if (!latest || latest.startedAt < notBefore) {
      const read = { startedAt: Date.now(), endpoints: webhookEndpoints().list() };
      latest = read;
      read.endpoints.catch(() => {
        if (latest === read) latest = null;
      });
    }
    return latest.endpoints;
  };
}

/** Committed events → the stack's bus (AWS) and one delivery per subscribed endpoint. */
export const eventPublisher = /* @__PURE__ */ once(() => {
  const { busName } = config().events;
  return createEventPublisher({
    bus: busName ? createEventBridgeBus(createEventBridgeClient(config().region), busName) : null,
    endpoints: endpointsReadSince(),
    deliveries: webhookDeliveryQueue(),
  });
});

/** One circuit per endpoint, its state shared by every instance in the table (as the payment gateway's). */
function endpointCircuits(
  store: CircuitStore,
  settings: Pick<CircuitBreakerOptions, 'failureThreshold' | 'windowSeconds' | 'cooldownSeconds'>,
): (endpointId: string) => EndpointCircuit {
  const breakers = new Map<string, CircuitBreaker>();
  return (endpointId) => {
    let breaker = breakers.get(endpointId);
    if (!breaker) {
      breaker = createCircuitBreaker({
        name: `webhook-endpoint-${endpointId}`,
        store,
        clock: systemClock,
        ...settings,
        cacheSeconds: 2,
        isFailure: isDeliveryFailure,
        onTransition: webhookCircuitMoved,
      });
      breakers.set(endpointId, breaker);
    }
    const circuit = breaker;
    return (call) => circuit.run(call);
  };
}

export interface WebhookDelivererSettings {
  /** The shop's webhook key, which every endpoint's secret is derived from. */
  key: () => Promise<string>;
  local: boolean;
  resolve: HostResolver;
  timeoutMs: number;
  schedule: RetrySchedule;
  circuit: Pick<CircuitBreakerOptions, 'failureThreshold' | 'windowSeconds' | 'cooldownSeconds'>;
}

/** The delivery of webhook messages over a table: one signed attempt per message, each attempt kept. */
export function buildWebhookDeliverer({ db, name }: Table, settings: WebhookDelivererSettings): WebhookDeliverer {
  const endpoints = createDynamoWebhookEndpointRepository(db, name);
  return createWebhookDeliverer({
    endpoint: (id) => endpoints.get(id),
    deliveries: createDynamoWebhookDeliveryStore(db, name),
    sender: createHttpWebhookSender({ local: settings.local, resolve: settings.resolve }),
    secretOf: async (endpointId) => endpointSecret(await settings.key(), endpointId),
    circuitOf: endpointCircuits(createDynamoCircuitStore(dynamoClient(), name), settings.circuit),
    clock: systemClock,
    timeoutMs: settings.timeoutMs,
    schedule: settings.schedule,
    onAttempt: webhookAttempted,
  });
}

/** The webhook worker's deliverer, from the configuration. */
export const webhookDeliverer = /* @__PURE__ */ once(() =>
  buildWebhookDeliverer(table(), {
    key: webhookSigningKey(),
    local: isLocal(),
    resolve: systemResolver,
    ...config().webhookDelivery,
  }),
);

/** `GET …/deliveries` (admin). */
export const webhookDeliveryListing = /* @__PURE__ */ once(() =>
  createWebhookDeliveryListing({
    endpoint: (id) => webhookEndpoints().get(id),
    deliveries: webhookDeliveries(),
    cursors: cursorCodec(),
  }),
);

/** `POST …/deliveries/{deliveryId}/retry` (admin). */
export const webhookDeliveryRetry = /* @__PURE__ */ once(() =>
  createWebhookDeliveryRetry({
    endpoint: (id) => webhookEndpoints().get(id),
    deliveries: webhookDeliveries(),
    queue: webhookDeliveryQueue(),
    clock: systemClock,
  }),
);
