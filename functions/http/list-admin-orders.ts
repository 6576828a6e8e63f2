import { listAdminOrdersRoute } from '../../shared/api/order-routes';
import { orderQueries } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listAdminOrdersRoute, async ({ query }) =>
  ok(await orderQueries().listByStatus(query.status, query.limit, query.cursor)),
);
