import { getOrderRoute } from '../../shared/api/order-routes';
import { orderQueries } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getOrderRoute, async ({ principal, params }) =>
  ok(await orderQueries().get(params.orderId, principal)),
);
