import { rejectReturnRoute } from '../../shared/api/return-routes';
import { httpRoute } from '../../shared/container/http';
import { returnService } from '../../shared/container/returns';
import { ok } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(rejectReturnRoute, async ({ params }) => {
  const ret = await returnService().reject(params.returnId);
  metrics.addMetric('ReturnsRejected', 'Count', 1);
  return ok(ret);
});
