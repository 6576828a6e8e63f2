import { listOrderReturnsRoute } from '../../shared/api/return-routes';
import { httpRoute } from '../../shared/container/http';
import { returnService } from '../../shared/container/returns';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listOrderReturnsRoute, async ({ principal, params }) =>
  ok(await returnService().listOfOrder(params.orderId, principal)),
);
