import { eventOfStreamImage } from '../../shared/adapters/dynamo/dynamo-event-records';
import { lowStockEventOfStreamRecord } from '../../shared/adapters/dynamo/dynamo-stock-changes';
import { eventPublisher } from '../../shared/container/webhooks';
import { eventPublisherRecordHandler } from '../../shared/workers/event-publisher';
import { streamBatchHandler } from '../../shared/workers/stream-batch';

/** The table's stream → each committed event onto the bus and to its webhook endpoints' queue. */
export const handler = streamBatchHandler(
  eventPublisherRecordHandler({
    eventOf: eventOfStreamImage,
    derivedEventOf: lowStockEventOfStreamRecord,
    publisher: eventPublisher,
  }),
);
