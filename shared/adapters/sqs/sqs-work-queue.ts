import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../domain/orders/order-work';

/** Follow-up work on one SQS queue: the message as JSON, its order id as an attribute (for tracing and the DLQ tool). */
export function createSqsWorkQueue(sqs: SQSClient, queueUrl: string): WorkQueue {
  return {
    async send(message) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: { orderId: { DataType: 'String', StringValue: message.orderId } },
        }),
      );
    },
  };
}
