import { runJobRoute } from '../../shared/api/job-routes';
import { jobRunner } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(runJobRoute, async ({ params, body, remainingTimeMs }) =>
  ok(await jobRunner().run(params.job, body ?? {}, { remainingTimeMs })),
);
