import { erasureService } from '../../shared/container/customers';
import { erasureRecordHandler } from '../../shared/workers/erasure-job';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';

/**
 * Erasure queue → profile, cart and stored checkout responses deleted, orders anonymised
 * (docs/contract.md §4 "Erasure", decision 0005).
 */
export const handler = sqsBatchHandler(erasureRecordHandler(erasureService));
