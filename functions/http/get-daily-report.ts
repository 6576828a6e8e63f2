import { getDailyReportRoute } from '../../shared/api/report-routes';
import { dailyReportService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getDailyReportRoute, async ({ params }) =>
  ok(await dailyReportService().get(params.date)),
);
