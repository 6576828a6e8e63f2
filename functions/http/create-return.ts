import { createReturnRoute } from '../../shared/api/return-routes';
import { httpRoute } from '../../shared/container/http';
import { returnService } from '../../shared/container/returns';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

/** A customer returns units of a shipped or delivered order (contract §5.6). */
export const handler = httpRoute(createReturnRoute, async ({ principal, params, body }) => {
  const ret = await returnService().request(params.orderId, principal, body);
  metrics.addMetric('ReturnsRequested', 'Count', 1);
  return created(ret, `/v1/orders/${ret.orderId}/returns`);
});
