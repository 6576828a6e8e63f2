import { workForwarding } from '../../shared/container/orders';
import { streamBatchHandler } from '../../shared/workers/stream-batch';
import { workForwarderRecordHandler } from '../../shared/workers/work-forwarder';

/** The table's stream → each committed work record's message on its queue (docs/decisions/0012). */
export const handler = streamBatchHandler(workForwarderRecordHandler(workForwarding));
