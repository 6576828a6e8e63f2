import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics } from '../observability';

/**
 * An SQS worker with partial batch responses (the function's event source mapping has
 * `functionResponseType: ReportBatchItemFailures`): the records of a batch are handled in
 * parallel, and only the ones whose handler threw are reported failed, so SQS redelivers just
 * those. A record handler throws for transient errors and returns for everything else, permanent
 * errors included (it logs them: redelivering them could not help).
 */
export function sqsBatchHandler(handleRecord: (record: SQSRecord) => Promise<void>) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, handleRecord, processor, {
        context,
        // A wholly failed batch is reported like a partial one (every record listed), not thrown.
        throwOnFullBatchFailure: false,
      });
    } finally {
      const failed = processor.failureMessages.length;
      if (failed > 0) {
        for (const [index, error] of processor.errors.entries())
          logger.warn('record failed; SQS will redeliver it', {
            messageId: (processor.failureMessages[index] as SQSRecord | undefined)?.messageId,
            error,
          });
        metrics.addMetric('QueueRecordsFailed', 'Count', failed);
      }
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
