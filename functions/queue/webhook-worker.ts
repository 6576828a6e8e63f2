import { sqsVisibilityHold } from '../../shared/adapters/sqs/sqs-visibility-hold';
import { config } from '../../shared/config';
import { sqsClient } from '../../shared/container/clients';
import { webhookDeliverer } from '../../shared/container/webhooks';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { webhookDeliveryRecordHandler, webhookRetryDelayOf } from '../../shared/workers/webhook-delivery-job';

/**
 * Webhook queue → one signed POST per message to its endpoint (contract §5.7). The records of a
 * batch are sent in parallel, and an endpoint whose circuit is open fails fast, so a dead receiver
 * holds up nobody else; a failed attempt's message is held back for its backoff.
 */
export const handler = sqsBatchHandler(webhookDeliveryRecordHandler(webhookDeliverer), {
  delayOf: webhookRetryDelayOf,
  hold: sqsVisibilityHold(() => ({ url: config().queues.webhook, client: sqsClient() })),
});
