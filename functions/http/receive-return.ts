import { receiveReturnRoute } from '../../shared/api/return-routes';
import { httpRoute } from '../../shared/container/http';
import { returnService } from '../../shared/container/returns';
import { ok } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

/** The shop received the goods: restocked, and the refund handed to the payment worker. */
export const handler = httpRoute(receiveReturnRoute, async ({ params }) => {
  const ret = await returnService().receive(params.returnId);
  metrics.addMetric('ReturnsReceived', 'Count', 1);
  return ok(ret);
});
