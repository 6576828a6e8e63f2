import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger, metrics } from '../observability';

/**
 * A consumer of the table's change stream with partial batch responses (its event source mapping
 * has `functionResponseType: ReportBatchItemFailures`): the records of a batch are handled in
 * parallel and the failed ones reported by sequence number, so Lambda retries the shard from the
 * first failed record on (the records after it again too: a record handler must be idempotent, or
 * its effect harmless when repeated). A record handler throws for transient errors and returns for
 * everything else, logging what it could not use.
 */
export function streamBatchHandler(handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    logger.addContext(context);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    try {
      return await processPartialResponse(event, handleRecord, processor, {
        context,
        // A wholly failed batch is reported like a partial one (every record listed), not thrown.
        throwOnFullBatchFailure: false,
      });
    } finally {
      const failed = processor.failureMessages.length;
      if (failed > 0) {
        for (const [index, error] of processor.errors.entries()) {
          const record = processor.failureMessages[index] as DynamoDBRecord | undefined;
          logger.warn('stream record failed; Lambda will retry the shard from it', {
            sequenceNumber: record?.dynamodb?.SequenceNumber,
            error,
          });
        }
        metrics.addMetric('StreamRecordsFailed', 'Count', failed);
      }
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
