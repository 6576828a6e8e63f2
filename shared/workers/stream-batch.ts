import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countColdStart, logger, metrics } from '../observability';
import { type TraceContext, withTrace } from '../trace-context';
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
    logger.addContext(context);
    countColdStart(context);
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    try {
      return await processBatch<DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse>(
        processor,
        event,
        traced,
        context,
        (failures) => {
          for (const { record, error } of failures) {
            const warn = () =>
              logger.warn('stream record failed; Lambda will retry the shard from it', {
                sequenceNumber: record.dynamodb?.SequenceNumber,
                error,
              });
            const trace = traceOfStreamRecord(record);
            if (trace) withTrace(trace, warn);
            else warn();
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
  const correlationId = image?.correlationId?.S;
  if (correlationId === undefined) return undefined;
  const orderId = image?.orderId?.S;
  const traceHeader = image?.traceHeader?.S;
  return {
    correlationId,
    ...(orderId !== undefined && { orderId }),
    ...(traceHeader !== undefined && { traceHeader }),
  };
}
