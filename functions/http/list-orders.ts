import { listOrdersRoute } from '../../shared/api/order-routes';
import { httpRoute } from '../../shared/container/http';
import { orderQueries } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listOrdersRoute, async ({ principal, query }) =>
  ok(await orderQueries().listMine(principal.sub, query.limit, query.cursor)),
);
