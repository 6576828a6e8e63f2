import { createWebhookEndpointRoute } from '../../shared/api/webhook-endpoint-routes';
import { httpRoute } from '../../shared/container/http';
import { webhookEndpointService } from '../../shared/container/webhooks';
import { created } from '../../shared/http/responses';

export const handler = httpRoute(createWebhookEndpointRoute, async ({ body }) => {
  const endpoint = await webhookEndpointService().create(body);
  return created(endpoint, `/v1/admin/webhook-endpoints/${endpoint.id}`);
});
