import { handler as runJob } from '../../functions/http/run-job';
import { type EventInput, invoke } from './http-event';
import { adminToken } from './integration';

/** `POST /v1/admin/jobs/{job}` through the real handler: an administrator runs a scheduled job now. */
export const runJobNow = (
  job: string,
  options: { token?: string; body?: unknown; event?: Partial<Pick<EventInput, 'rawEventBody' | 'headers'>> } = {},
) =>
  invoke(runJob, {
    method: 'POST',
    path: `/v1/admin/jobs/${job}`,
    route: '/v1/admin/jobs/{job}',
    pathParameters: { job },
    token: options.token ?? adminToken(),
    body: options.body,
    ...options.event,
  });
