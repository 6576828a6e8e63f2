import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { logger } from '../../observability';

/** SQS's longest visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Holds a received record back: sets it invisible for `seconds` (`ChangeMessageVisibility`, capped
 * at 12 h), so SQS delivers it again no sooner. On failure the record just comes back after the
 * queue's own visibility timeout (logged), so the answer is whether it was held.
 * `queue` is read on first use.
 */
export function sqsVisibilityHold(queue: () => { url: string; client: SQSClient }) {
  return async (record: SQSRecord, seconds: number): Promise<boolean> => {
    const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds)));
    try {
      const { url, client } = queue();
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: visibility,
        }),
      );
      return true;
    } catch (error) {
      logger.warn('could not delay a failed record; it comes back after the queue visibility timeout', {
        messageId: record.messageId,
        visibility,
        error: error as Error,
      });
      return false;
    }
  };
}
