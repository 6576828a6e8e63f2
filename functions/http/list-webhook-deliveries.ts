import { listWebhookDeliveriesRoute } from '../../shared/api/webhook-endpoint-routes';
import { httpRoute } from '../../shared/container/http';
import { webhookDeliveryListing } from '../../shared/container/webhooks';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listWebhookDeliveriesRoute, async ({ params, query }) =>
  ok(await webhookDeliveryListing().list(params.id, query.limit, query.cursor)),
);
