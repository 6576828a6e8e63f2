import { deleteWebhookEndpointRoute } from '../../shared/api/webhook-endpoint-routes';
import { httpRoute } from '../../shared/container/http';
import { webhookEndpointRegistry } from '../../shared/container/webhooks';
import { noContent } from '../../shared/http/responses';

export const handler = httpRoute(deleteWebhookEndpointRoute, async ({ params }) => {
  await webhookEndpointRegistry().delete(params.id);
  return noContent();
});
