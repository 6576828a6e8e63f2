import { getDailyReportRoute } from '../../shared/api/report-routes';
import { httpRoute } from '../../shared/container/http';
import { dailyReportService } from '../../shared/container/jobs';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getDailyReportRoute, async ({ params }) =>
  ok(await dailyReportService().get(params.date)),
);
