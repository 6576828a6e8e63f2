import { reconcileRunner } from '../../shared/container/jobs';
import { scheduledJob } from '../../shared/workers/scheduled-job';

/** Every 5 minutes: work whose queue message was lost (still not done long after the stream handed it on) is sent again (docs/contract.md "Scheduled jobs"). */
export const handler = scheduledJob('reconcile', reconcileRunner);
