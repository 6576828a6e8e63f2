import { listWebhookEndpointsRoute } from '../../shared/api/webhook-endpoint-routes';
import { httpRoute } from '../../shared/container/http';
import { webhookEndpointRegistry } from '../../shared/container/webhooks';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listWebhookEndpointsRoute, async () => ok(await webhookEndpointRegistry().list()));
