import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PaymentQueue } from '../../domain/orders/order-ports';

/** Payment work on SQS: one message per order, `{ orderId, paymentToken, amount, currency }`. */
export function createSqsPaymentQueue(sqs: SQSClient, queueUrl: string): PaymentQueue {
  return {
    async send(message) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ type: 'PAYMENT_REQUESTED', ...message }),
          MessageAttributes: { orderId: { DataType: 'String', StringValue: message.orderId } },
        }),
      );
    },
  };
}
