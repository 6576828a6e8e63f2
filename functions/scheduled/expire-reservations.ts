import { expireReservationsRunner } from '../../shared/container/jobs';
import { scheduledJob } from '../../shared/workers/scheduled-job';

/** Every minute: unpaid orders past their reservation → EXPIRED, stock released (docs/contract.md "Scheduled jobs"). */
export const handler = scheduledJob('expire-reservations', expireReservationsRunner);
