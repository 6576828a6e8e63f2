import { cleanupRunner } from '../../shared/container/jobs';
import { scheduledJob } from '../../shared/workers/scheduled-job';

/** Daily: abandoned carts and expired housekeeping records are deleted (docs/contract.md "Scheduled jobs"). */
export const handler = scheduledJob('cleanup', cleanupRunner);
