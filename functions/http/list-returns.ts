import { listReturnsRoute } from '../../shared/api/return-routes';
import { httpRoute } from '../../shared/container/http';
import { returnService } from '../../shared/container/returns';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listReturnsRoute, async ({ query }) =>
  ok(await returnService().listByStatus(query.status, query.limit, query.cursor)),
);
