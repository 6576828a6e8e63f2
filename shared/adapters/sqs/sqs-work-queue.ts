import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../domain/orders/order-work';
import { sendJsonMessage } from './sqs-json-message';

/**
 * Follow-up work on one SQS queue: the message as JSON, its order id as an attribute (for tracing
 * and the DLQ tool), and its trace (the current one, unless the work brings its own).
 */
export function createSqsWorkQueue(sqs: SQSClient, queueUrl: string): WorkQueue {
  return {
    send: (message, trace) => sendJsonMessage(sqs, queueUrl, message, { orderId: message.orderId }, trace),
  };
}
