import { healthRoute } from '../../shared/api/platform-routes';
import { healthService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';

export const handler = httpRoute(healthRoute, async () => {
  const report = await healthService().check();
  return { statusCode: report.status === 'ok' ? 200 : 503, body: report };
});
