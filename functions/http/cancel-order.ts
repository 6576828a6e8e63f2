import { cancelOrderRoute } from '../../shared/api/order-routes';
import { httpRoute } from '../../shared/container/http';
import { orderService } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(cancelOrderRoute, async ({ principal, params }) => {
  const order = await orderService().cancel(params.orderId, principal);
  metrics.addMetric('OrdersCancelled', 'Count', 1);
  return ok(order);
});
