import { paymentService } from '../../shared/container';
import { paymentRecordHandler } from '../../shared/jobs/payment-job';
import { sqsBatchHandler } from '../../shared/jobs/sqs-batch';

/** Payment queue → charge once per order → PAID or PAYMENT_FAILED (CONTRACT "What happens after checkout"). */
export const handler = sqsBatchHandler(paymentRecordHandler(paymentService));
