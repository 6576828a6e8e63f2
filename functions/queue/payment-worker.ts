import { config } from '../../shared/config';
import { paymentService, sqsClient } from '../../shared/container';
import { circuitRetryAfterSeconds } from '../../shared/domain/payments/circuit-breaker';
import { paymentRecordHandler } from '../../shared/jobs/payment-job';
import { sqsBatchHandler } from '../../shared/jobs/sqs-batch';

/** Payment queue → charge once per order → PAID or PAYMENT_FAILED (CONTRACT "What happens after checkout"). */
export const handler = sqsBatchHandler(paymentRecordHandler(paymentService), {
  // While the gateway's circuit is open, a message waits out the cooldown instead of the queue's
  // visibility timeout: it is retried as soon as the gateway may be back, and never sooner.
  delayOf: circuitRetryAfterSeconds,
  queue: () => ({ url: config().queues.payment, client: sqsClient() }),
});
