import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookDeliveryQueue } from '../../domain/webhooks/webhook-delivery';
import { sendJsonMessage } from './sqs-json-message';

/** Webhook deliveries on their SQS queue: one message each, the endpoint and event type as attributes. */
export function createSqsWebhookDeliveryQueue(sqs: SQSClient, queueUrl: string): WebhookDeliveryQueue {
  return {
    async send(messages) {
      await Promise.all(
        messages.map((message) =>
          sendJsonMessage(sqs, queueUrl, message, {
            endpointId: message.endpointId,
            eventType: message.event.type,
          }),
        ),
      );
    },
  };
}
