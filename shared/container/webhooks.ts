import { systemResolver } from '../adapters/dns-resolver';
import { createDynamoWebhookEndpointRepository } from '../adapters/dynamo/dynamo-webhook-endpoint-repository';
import { config } from '../config';
import { createWebhookEndpointRegistry, createWebhookEndpointService } from '../domain/webhooks/webhook-endpoint';
import { randomIds, systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { secretSource, table } from './clients';

/** The key every endpoint's signing secret is derived from (`await webhookSigningKey()()`). */
export const webhookSigningKey = /* @__PURE__ */ once(() =>
  secretSource(config().webhookSigningKey, 'WEBHOOK_SIGNING_KEY'),
);

const webhookEndpoints = /* @__PURE__ */ once(() => createDynamoWebhookEndpointRepository(table().db, table().name));

/** Registers the shop's webhook endpoints (admin), behind the SSRF checks of contract §5.7. */
export const webhookEndpointService = /* @__PURE__ */ once(() =>
  createWebhookEndpointService({
    endpoints: webhookEndpoints(),
    key: webhookSigningKey(),
    resolve: systemResolver,
    local: config().auth.mode === 'local',
    clock: systemClock,
    ids: randomIds,
  }),
);

/** Lists and removes the shop's webhook endpoints (admin). */
export const webhookEndpointRegistry = /* @__PURE__ */ once(() => createWebhookEndpointRegistry(webhookEndpoints()));
