import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics } from '../observability';

/** SQS's longest visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

export interface SqsBatchOptions {
  /**
   * How long a failed record should stay out of sight, judged from its error (seconds), or
   * `undefined` to let it come back after the queue's own visibility timeout. For failures that
   * say when retrying makes sense again (an open circuit): the record is set invisible for that
   * long (`ChangeMessageVisibility`, capped at 12 h) and reported failed as usual, so its receive
   * count still grows and a failure that never ends still reaches the dead-letter queue.
   */
  delayOf?: (error: unknown, record: SQSRecord) => number | undefined;
  /** The queue the records come from (needed with `delayOf`); read on first use. */
  queue?: () => { url: string; client: SQSClient };
}

/**
 * An SQS worker with partial batch responses (the function's event source mapping has
 * `functionResponseType: ReportBatchItemFailures`): the records of a batch are handled in
 * parallel, and only the ones whose handler threw are reported failed, so SQS redelivers just
 * those. A record handler throws for transient errors and returns for everything else, permanent
 * errors included (it logs them: redelivering them could not help).
 */
export function sqsBatchHandler(handleRecord: (record: SQSRecord) => Promise<void>, options: SqsBatchOptions = {}) {
  const { delayOf, queue } = options;
  if (delayOf && !queue) throw new Error('sqsBatchHandler: `delayOf` needs the `queue` to delay records in');

  /** Sets the record invisible for `seconds`; on failure it just comes back sooner (logged). */
  const hold = async (record: SQSRecord, seconds: number): Promise<boolean> => {
    if (!queue) return false;
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

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const processor = new BatchProcessor(EventType.SQS);
    /** Records of this batch held back with ChangeMessageVisibility, and for how long. */
    const held = new Map<string, number>();
    let heldBecause: unknown;
    const handle = !delayOf
      ? handleRecord
      : async (record: SQSRecord) => {
          try {
            await handleRecord(record);
          } catch (error) {
            const seconds = delayOf(error, record);
            if (seconds !== undefined && (await hold(record, seconds))) {
              held.set(record.messageId, seconds);
              heldBecause ??= error;
            }
            throw error;
          }
        };
    try {
      return await processPartialResponse(event, handle, processor, {
        context,
        // A wholly failed batch is reported like a partial one (every record listed), not thrown.
        throwOnFullBatchFailure: false,
      });
    } finally {
      const failed = processor.failureMessages.length;
      if (failed > 0) {
        for (const [index, error] of processor.errors.entries()) {
          const messageId = (processor.failureMessages[index] as SQSRecord | undefined)?.messageId;
          if (messageId !== undefined && held.has(messageId)) continue;
          logger.warn('record failed; SQS will redeliver it', { messageId, error });
        }
        metrics.addMetric('QueueRecordsFailed', 'Count', failed);
      }
      if (held.size > 0) {
        logger.warn('failed records held back: their error asks to retry later', {
          records: held.size,
          seconds: Math.max(...held.values()),
          error: heldBecause as Error,
        });
        metrics.addMetric('QueueRecordsDelayed', 'Count', held.size);
      }
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
