import { getOrderRoute } from '../../shared/api/order-routes';
import { httpRoute } from '../../shared/container/http';
import { orderQueries } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getOrderRoute, async ({ principal, params }) =>
  ok(await orderQueries().get(params.orderId, principal)),
);
