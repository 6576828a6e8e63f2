import { getOrderRoute } from '../../shared/api/order-routes';
import { orderService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getOrderRoute, async ({ principal, params }) =>
  ok(await orderService().get(params.orderId, principal)),
);
