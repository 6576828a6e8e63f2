import type { SQSRecord } from 'aws-lambda';
import type { ErasureService } from '../domain/customers/erasure-service';
import * as z from '../lib/zod';
import { logger, metrics } from '../observability';
import { parseSqsMessage } from './sqs-message';

/** The message `DELETE /v1/me` sends (shared/adapters/sqs/sqs-erasure-queue.ts). */
const ErasureRequested = z.object({
  type: z.literal('ERASURE_REQUESTED'),
  sub: z.string().check(z.minLength(1)),
  requestedAt: z.iso.datetime(),
});

/**
 * Handles one erasure message. A malformed message is permanent: logged, counted and acknowledged.
 * Anything else that fails is thrown, so SQS redelivers the message and the erasure goes on where
 * it stopped (then the dead-letter queue). Logs carry no customer id: the message (and the DLQ) has it.
 */
export function erasureRecordHandler(erasure: () => ErasureService) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parseSqsMessage(ErasureRequested, record, { queue: 'erasure', metric: 'ErasureMessagesMalformed' });
    if (!message) return;
    const summary = await erasure().erase({ sub: message.sub, requestedAt: message.requestedAt });
    logger.info('erasure finished', { messageId: record.messageId, requestedAt: message.requestedAt, ...summary });
    if (!summary.alreadyDone) metrics.addMetric('ErasuresCompleted', 'Count', 1);
    if (summary.anonymised > 0) metrics.addMetric('OrdersAnonymised', 'Count', summary.anonymised);
  };
}
