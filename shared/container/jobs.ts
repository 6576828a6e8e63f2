import { createDynamoExpiredRecords } from '../adapters/dynamo/dynamo-expired-records';
import { createDynamoSalesLedger } from '../adapters/dynamo/dynamo-sales-ledger';
import { config } from '../config';
import { createExpiredRecordCleanup } from '../domain/housekeeping/expired-record-cleanup';
import { createJobRunner, type Job } from '../domain/jobs/job-runner';
import { createDailyReportService } from '../domain/reports/daily-report-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { table } from './clients';
import { reservationExpiry, workReconciler } from './orders';

/** The daily-report job and `GET /v1/reports/daily/{date}`: sales of a UTC day, from the sales ledger. */
export const dailyReportService = /* @__PURE__ */ once(() =>
  createDailyReportService({
    ledger: createDynamoSalesLedger(table().db, table().name),
    clock: systemClock,
    currency: config().currency,
  }),
);

/** The cleanup job: items whose `expiresAt` passed (abandoned carts, idempotency records, ...) are deleted. */
export const expiredRecordCleanup = /* @__PURE__ */ once(() =>
  createExpiredRecordCleanup({
    records: createDynamoExpiredRecords(table().db, table().name, systemClock),
    clock: systemClock,
    maxItemsPerRun: config().jobs.maxItemsPerRun,
  }),
);

const expireReservationsJob: Job = (_options, context) => reservationExpiry().run(context);
const reconcileJob: Job = (_options, context) => workReconciler().run(context);
const dailyReportJob: Job = { run: ({ date }) => dailyReportService().run(date), takes: ['date'] };
const cleanupJob: Job = (_options, context) => expiredRecordCleanup().run(context);

/** The scheduled jobs, runnable on demand by an administrator (`POST /v1/admin/jobs/{job}`). */
export const jobRunner = /* @__PURE__ */ once(() =>
  createJobRunner(
    {
      'expire-reservations': expireReservationsJob,
      reconcile: reconcileJob,
      'daily-report': dailyReportJob,
      cleanup: cleanupJob,
    },
    systemClock,
  ),
);

/**
 * The runner of one scheduled function: its job alone, so the function's bundle (and IAM role,
 * decision 0006) holds nothing of the other jobs.
 */
const runnerOf = (name: string, job: Job) => once(() => createJobRunner({ [name]: job }, systemClock));
export const expireReservationsRunner = /* @__PURE__ */ runnerOf('expire-reservations', expireReservationsJob);
export const reconcileRunner = /* @__PURE__ */ runnerOf('reconcile', reconcileJob);
export const dailyReportRunner = /* @__PURE__ */ runnerOf('daily-report', dailyReportJob);
export const cleanupRunner = /* @__PURE__ */ runnerOf('cleanup', cleanupJob);
