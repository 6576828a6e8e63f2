import { healthRoute } from '../../shared/api/platform-routes';
import { healthService } from '../../shared/container/health';
import { publicHttpRoute } from '../../shared/container/http';

export const handler = publicHttpRoute(healthRoute, async () => {
  const report = await healthService().check();
  return { statusCode: report.status === 'ok' ? 200 : 503, body: report };
});
