import { fulfilmentService } from '../../shared/container/fulfilment';
import { fulfilmentRecordHandler } from '../../shared/workers/order-work-jobs';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';

/** Fulfilment queue → book the shipment with the carrier → SHIPPED (docs/contract.md "What happens after checkout"). */
export const handler = sqsBatchHandler(fulfilmentRecordHandler(fulfilmentService));
