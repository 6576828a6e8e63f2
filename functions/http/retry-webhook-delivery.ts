import { retryWebhookDeliveryRoute } from '../../shared/api/webhook-endpoint-routes';
import { httpRoute } from '../../shared/container/http';
import { webhookDeliveryRetry } from '../../shared/container/webhooks';
import { accepted } from '../../shared/http/responses';

export const handler = httpRoute(retryWebhookDeliveryRoute, async ({ params }) =>
  accepted(await webhookDeliveryRetry().retry({ endpointId: params.id, eventId: params.deliveryId })),
);
