import type { DynamoDBRecord } from 'aws-lambda';
import type { Work, WorkQueue, WorkQueueName } from '../domain/orders/order-work';
import { logger, metrics } from '../observability';

export interface WorkForwarderDeps {
  /** The work of a stream image: `undefined` when the item is no work record (see dynamo-work-outbox.ts). */
  workOf: (image: Record<string, unknown>) => Work | 'malformed' | undefined;
  queues: () => Record<WorkQueueName, WorkQueue>;
}

/**
 * One record of the table's stream: a work record just committed (an INSERT) goes to its queue.
 * This is the hand-off of the transactional outbox: the transaction that starts the work writes
 * the record, and the stream delivers every committed record at least once, so nothing on the
 * request path sends or marks anything. Other changes (updates, deletes, other items) are not work
 * to hand off; the event source's filter keeps most of them away, and they are ignored here too.
 * A send that fails throws, so Lambda retries the shard; a repeated send is a duplicate message,
 * which every worker dedupes.
 */
export function workForwarderRecordHandler({ workOf, queues }: WorkForwarderDeps) {
  return async (record: DynamoDBRecord): Promise<void> => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image === undefined) return;
    const work = workOf(image);
    if (work === undefined) return;
    if (work === 'malformed') {
      // Permanent: retrying cannot help. reconcile finds the record by its index key if it is due.
      logger.error('malformed work record on the stream, not forwarded', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        keys: record.dynamodb?.Keys,
      });
      metrics.addMetric('WorkRecordsMalformed', 'Count', 1);
      return;
    }
    await queues()[work.queue].send(work.message);
    metrics.addMetric('WorkForwarded', 'Count', 1);
  };
}
