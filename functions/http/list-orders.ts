import { listOrdersRoute } from '../../shared/api/order-routes';
import { orderService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listOrdersRoute, async ({ principal, query }) =>
  ok(await orderService().listMine(principal.sub, query.limit, query.cursor)),
);
