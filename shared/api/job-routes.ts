import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Timestamp } from './common-schemas';
import { ReportDate } from './report-routes';

const MAX_JOB_NAME = 64;

export const JobRun = /* @__PURE__ */ z
  .object({
    job: z.string().check(z.maxLength(MAX_JOB_NAME)),
    startedAt: Timestamp,
    finishedAt: Timestamp,
    summary: z.record(z.string().check(z.maxLength(64)), z.number().check(z.int())),
  })
  .register(z.globalRegistry, { id: 'JobRun' });

const JobParams = /* @__PURE__ */ z.strictObject({
  // Any name up to the length of the longest job: an unknown one is 404 JOB_NOT_FOUND (docs/contract.md §4).
  job: /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(MAX_JOB_NAME)).register(z.globalRegistry, {
    description: 'expire-reservations, reconcile, daily-report or cleanup',
    example: 'expire-reservations',
  }),
});

export const runJobRoute = /* @__PURE__ */ defineRoute({
  operationId: 'runJob',
  method: 'POST',
  path: '/v1/admin/jobs/{job}',
  role: 'admin',
  summary: 'Run a scheduled job now',
  description:
    'Runs the job as its schedule would and answers its summary of counts: expire-reservations ' +
    '`{ examined, expired, skipped, deferred, timeLimited }` (deferred: orders other writes kept moving, left for the next run), ' +
    'reconcile `{ examined, resent, failed, timeLimited }`, daily-report ' +
    '`{ orders, itemsSold, revenue, refunds, keptStoredReport }` (re-running a day replaces its report, unless the stored ' +
    'one counts more sales or refunds than the ledger still holds, its entries having expired: then it is kept, answered, ' +
    'and `keptStoredReport` is 1), cleanup ' +
    '`{ scanned, expired, deleted, refreshed, passCompleted, timeLimited }` (a run stops after JOB_MAX_ITEMS_PER_RUN deletes or ' +
    'when its time runs short; the next run continues). Only daily-report takes a body: `{ "date": "YYYY-MM-DD" }`, ' +
    'default the previous UTC day; a date for another job, or in the future, is a 400.',
  tags: ['Jobs'],
  params: JobParams,
  // No body (or `{}`) runs the job as scheduled; any other field is refused rather than silently ignored,
  // and so is a date for a job that takes none (the runner knows which jobs do).
  body: /* @__PURE__ */ z.optional(
    /* @__PURE__ */ z.strictObject({ date: z.optional(ReportDate) }).register(z.globalRegistry, {
      id: 'RunJobOptions',
      description: '`date`: daily-report only, the UTC day to report (default: the previous UTC day)',
    }),
  ),
  responses: { 200: { description: 'The job ran', schema: JobRun } },
  errors: [{ status: 404, code: 'JOB_NOT_FOUND' }],
});
