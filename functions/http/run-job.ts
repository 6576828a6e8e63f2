import { runJobRoute } from '../../shared/api/job-routes';
import { httpRoute } from '../../shared/container/http';
import { jobRunner } from '../../shared/container/jobs';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(runJobRoute, async ({ params, body, remainingTimeMs }) =>
  ok(await jobRunner().run(params.job, body ?? {}, { remainingTimeMs })),
);
