import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger, metrics, observeInvocation } from '../observability';
import { type TraceContext, traceOf, withTrace } from '../trace-context';
import { processBatch } from './partial-batch';

/**
 * A consumer of the table's change stream with partial batch responses (its event source mapping
 * has `functionResponseType: ReportBatchItemFailures`): the records of a batch are handled in
 * parallel and the failed ones reported by sequence number, so Lambda retries the shard from the
 * first failed record on (the records after it again too: a record handler must be idempotent, or
 * its effect harmless when repeated). A record handler throws for transient errors and returns for
 * everything else, logging what it could not use.
 */
export function streamBatchHandler(handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  // A record of a trace (an order's work or event) is handled in it, and says when it is done.
  const traced = (record: DynamoDBRecord) => {
    const trace = traceOfStreamRecord(record);
    if (!trace) return handleRecord(record);
    return withTrace(trace, async () => {
      await handleRecord(record);
      logger.info('stream record handled', { sequenceNumber: record.dynamodb?.SequenceNumber });
    });
  };
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    observeInvocation(context);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    try {
      return await processBatch<DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse>(
        processor,
        event,
        traced,
        context,
        (failures) => {
          for (const { record, error } of failures) {
            withTrace(traceOfStreamRecord(record), () =>
              logger.warn('stream record failed; Lambda will retry the shard from it', {
                sequenceNumber: record.dynamodb?.SequenceNumber,
                error,
              }),
            );
          }
          metrics.addMetric('StreamRecordsFailed', 'Count', failures.length);
        },
      );
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/**
 * The trace a record's new image carries (a work record's, an event's: shared/trace-context.ts),
 * read from its DynamoDB JSON without unmarshalling the rest.
 */
function traceOfStreamRecord(record: DynamoDBRecord): TraceContext | undefined {
  const image = record.dynamodb?.NewImage;
  return traceOf({
    correlationId: image?.correlationId?.S,
    orderId: image?.orderId?.S,
    traceHeader: image?.traceHeader?.S,
  });
}
