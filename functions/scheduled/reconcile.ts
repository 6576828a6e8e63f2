import { reconcileRunner } from '../../shared/container/jobs';
import { scheduledJob } from '../../shared/workers/scheduled-job';

/** Every 5 minutes: payment work whose queue message was never sent is sent again (docs/contract.md "Scheduled jobs"). */
export const handler = scheduledJob('reconcile', reconcileRunner);
