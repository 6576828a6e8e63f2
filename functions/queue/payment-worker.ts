import { sqsVisibilityHold } from '../../shared/adapters/sqs/sqs-visibility-hold';
import { config } from '../../shared/config';
import { sqsClient } from '../../shared/container/clients';
import { paymentService } from '../../shared/container/payments';
import { openCircuitDelayOf, paymentRecordHandler } from '../../shared/workers/payment-job';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';

/** Payment queue → charge once per order → PAID or PAYMENT_FAILED (docs/contract.md "What happens after checkout"). */
export const handler = sqsBatchHandler(paymentRecordHandler(paymentService), {
  // While the gateway's circuit is open, a message waits out the cooldown instead of the queue's
  // visibility timeout (never retried sooner than the gateway may be back), and longer at each
  // delivery, so that it reaches the dead-letter queue no sooner than its reservation expires.
  delayOf: openCircuitDelayOf(() => ({
    reservationTtlSeconds: config().reservationTtlSeconds,
    maxReceiveCount: config().queueMaxReceiveCount,
  })),
  hold: sqsVisibilityHold(() => ({ url: config().queues.payment, client: sqsClient() })),
});
