import type { SQSRecord } from 'aws-lambda';
import { EVENT_TYPES } from '../domain/events/domain-event';
import { RetryDeliveryLaterError, type WebhookDeliverer } from '../domain/webhooks/webhook-delivery';
import * as z from '../lib/zod';
import { logger, metrics } from '../observability';
import { parseSqsMessage } from './sqs-message';

const DeliveryMessage = z.object({
  endpointId: z.string().check(z.minLength(1), z.maxLength(68)),
  event: z.object({
    id: z.string().check(z.minLength(1), z.maxLength(64)),
    type: z.enum(EVENT_TYPES),
    occurredAt: z.string().check(z.minLength(1)),
    data: z.record(z.string(), z.unknown()),
  }),
});

/**
 * One webhook delivery message: one attempt. A failed attempt throws `RetryDeliveryLaterError`, and
 * the worker holds the message back for its backoff (`webhookRetryDelayOf`), so SQS is the timer;
 * other errors (the table, the key) are thrown as they are and the message comes back after the
 * queue's visibility timeout.
 */
export function webhookDeliveryRecordHandler(deliverer: () => WebhookDeliverer) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parseSqsMessage(DeliveryMessage, record, { queue: 'webhook', metric: 'QueueMessagesMalformed' });
    if (!message) return;
    const outcome = await deliverer().deliver(message);
    if (outcome === 'no-endpoint')
      logger.info('webhook endpoint deleted; delivery dropped', {
        endpointId: message.endpointId,
        eventId: message.event.id,
      });
    if (outcome === 'done') metrics.addMetric('WebhookDuplicateMessages', 'Count', 1);
  };
}

/** How long a failed delivery's message waits before its next attempt. */
export const webhookRetryDelayOf = (error: unknown): number | undefined =>
  error instanceof RetryDeliveryLaterError ? error.retryInSeconds : undefined;
