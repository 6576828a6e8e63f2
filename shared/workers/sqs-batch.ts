import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics, observeInvocation } from '../observability';
import { invocationTraceHeader, type TraceContext, traceOf, withTrace } from '../trace-context';
import { processBatch } from './partial-batch';

export interface SqsBatchOptions {
  /**
   * How long a failed record should stay out of sight, judged from its error (seconds), or
   * `undefined` to let it come back after the queue's own visibility timeout. For failures that
   * say when retrying makes sense again (an open circuit): the record is held back that long
   * (`hold`) and reported failed as usual, so its receive count still grows and a failure that
   * never ends still reaches the dead-letter queue.
   */
  delayOf?: (error: unknown, record: SQSRecord) => number | undefined;
  /**
   * Holds a record back for that long; whether it could (needed with `delayOf`). The SQS one is
   * shared/adapters/sqs/sqs-visibility-hold.ts, passed only by workers that delay records, so the
   * others' bundles (and IAM roles) have no `ChangeMessageVisibility`.
   */
  hold?: (record: SQSRecord, seconds: number) => Promise<boolean>;
}

/**
 * An SQS worker with partial batch responses (the function's event source mapping has
 * `functionResponseType: ReportBatchItemFailures`): the records of a batch are handled in
 * parallel, and only the ones whose handler threw are reported failed, so SQS redelivers just
 * those. A record handler throws for transient errors and returns for everything else, permanent
 * errors included (it logs them: redelivering them could not help).
 */
export function sqsBatchHandler(handleRecord: (record: SQSRecord) => Promise<void>, options: SqsBatchOptions = {}) {
  const { delayOf, hold } = options;
  if (delayOf && !hold) throw new Error('sqsBatchHandler: `delayOf` needs a `hold` to delay records with');

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    observeInvocation(context);
    const processor = new BatchProcessor(EventType.SQS);
    /** Records of this batch held back with ChangeMessageVisibility, and for how long. */
    const held = new Map<string, number>();
    let heldBecause: unknown;
    // Each record in its own trace, and one line when it is done: an order's messages show in its trace.
    const traced = (record: SQSRecord) =>
      withTrace(traceOfMessage(record), async () => {
        await handleRecord(record);
        logger.info('message handled', {
          messageId: record.messageId,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
        });
      });
    const handle =
      !delayOf || !hold
        ? traced
        : async (record: SQSRecord) => {
            try {
              await traced(record);
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
      return await processBatch<SQSRecord, SQSEvent, SQSBatchResponse>(
        processor,
        event,
        handle,
        context,
        (failures) => {
          for (const { record, error } of failures) {
            if (held.has(record.messageId)) continue;
            withTrace(traceOfMessage(record), () =>
              logger.warn('record failed; SQS will redeliver it', { messageId: record.messageId, error }),
            );
          }
          metrics.addMetric('QueueRecordsFailed', 'Count', failures.length);
        },
      );
    } finally {
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

/**
 * The trace a message carries (shared/trace-context.ts): its `correlationId` and `orderId`
 * attributes, and its own `AWSTraceHeader` for the work it sends on (the invocation's header is
 * the batch's, shared by every record in it; used only for a message that carries none). A message
 * without a correlation id starts a trace of its own, named by the message id.
 */
function traceOfMessage(record: SQSRecord): TraceContext {
  const attributes = record.messageAttributes ?? {};
  return traceOf({
    correlationId: attributes.correlationId?.stringValue ?? record.messageId,
    orderId: attributes.orderId?.stringValue,
    traceHeader: record.attributes?.AWSTraceHeader ?? invocationTraceHeader(),
  });
}
