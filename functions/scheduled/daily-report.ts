import { dailyReportRunner } from '../../shared/container/jobs';
import { scheduledJob } from '../../shared/workers/scheduled-job';

/** 00:10 UTC: the sales report of the previous UTC day, from the sales ledger (docs/contract.md "Scheduled jobs"). */
export const handler = scheduledJob('daily-report', dailyReportRunner);
