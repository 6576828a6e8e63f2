import { listOrdersRoute } from '../../shared/api/order-routes';
import { orderQueries } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listOrdersRoute, async ({ principal, query }) =>
  ok(await orderQueries().listMine(principal.sub, query.limit, query.cursor)),
);
