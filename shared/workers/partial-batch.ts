import { type BatchProcessor, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { BaseRecord } from '@aws-lambda-powertools/batch/types';
import type { Context } from 'aws-lambda';

/** A record of the batch whose handler threw, with what it threw. */
export interface FailedRecord<R> {
  record: R;
  error: Error;
}

/**
 * Handles a batch's records in parallel with Powertools' partial batch response: the failed ones
 * are reported by id, so the event source retries only those (SQS) or from the first of them on
 * (streams). A wholly failed batch is reported like a partial one (every record listed), not
 * thrown. `onFailures` is told about the failed records, if any, once the batch has settled.
 */
export async function processBatch<Record extends BaseRecord, Event extends { Records: Record[] }, Response>(
  processor: BatchProcessor,
  event: Event,
  handle: (record: Record) => Promise<void>,
  context: Context,
  onFailures: (failures: Array<FailedRecord<Record>>) => void,
): Promise<Response> {
  try {
    return (await processPartialResponse(event, handle, processor, {
      context,
      throwOnFullBatchFailure: false,
    })) as Response;
  } finally {
    if (processor.failureMessages.length > 0) {
      onFailures(
        processor.errors.map((error, index) => ({ record: processor.failureMessages[index] as Record, error })),
      );
    }
  }
}
