import { listAdminOrdersRoute } from '../../shared/api/order-routes';
import { httpRoute } from '../../shared/container/http';
import { orderQueries } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listAdminOrdersRoute, async ({ query }) =>
  ok(await orderQueries().listByStatus(query.status, query.limit, query.cursor)),
);
