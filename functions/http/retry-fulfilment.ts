import { retryFulfilmentRoute } from '../../shared/api/order-routes';
import { fulfilmentRedrive } from '../../shared/container/fulfilment';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

/** An admin sends a refused shipment again, optionally to a corrected address. */
export const handler = httpRoute(retryFulfilmentRoute, async ({ params, body }) => {
  const order = await fulfilmentRedrive().redrive(params.orderId, body ?? {});
  metrics.addMetric('ShipmentsRetried', 'Count', 1);
  return ok(order);
});
