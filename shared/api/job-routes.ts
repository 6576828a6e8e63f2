import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Timestamp } from './common-schemas';

export const JobRun = z
  .object({
    job: z.string(),
    startedAt: Timestamp,
    finishedAt: Timestamp,
    summary: z.record(z.string(), z.number().check(z.int())),
  })
  .register(z.globalRegistry, { id: 'JobRun' });

const JobParams = z.strictObject({
  job: z.string().register(z.globalRegistry, {
    description: 'expire-reservations or reconcile',
    example: 'expire-reservations',
  }),
});

export const runJobRoute = defineRoute({
  operationId: 'runJob',
  method: 'POST',
  path: '/v1/admin/jobs/{job}',
  role: 'admin',
  summary: 'Run a scheduled job now',
  description:
    'Runs the job as its schedule would and answers its summary of counts: expire-reservations ' +
    '`{ examined, expired, skipped }`, reconcile `{ examined, resent, dropped }`. These jobs take no body.',
  tags: ['Jobs'],
  params: JobParams,
  // These jobs take no body (or `{}`); any field is refused rather than silently ignored.
  body: z.optional(z.strictObject({})),
  responses: { 200: { description: 'The job ran', schema: JobRun } },
  errors: [{ status: 404, code: 'JOB_NOT_FOUND' }],
});
