import type { SQSRecord } from 'aws-lambda';
import type * as z from '../lib/zod';
import { logger, metrics } from '../observability';

/**
 * The record's message, or null when its body is not JSON of `schema`. A malformed message is
 * permanent (redelivering it could not help): it is logged and counted under `metric` here, and
 * the caller acknowledges it, so it cannot poison its batch.
 */
export function parseSqsMessage<T>(
  schema: z.ZodMiniType<T>,
  record: SQSRecord,
  { queue, metric }: { queue: string; metric: string },
): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(record.body));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: handled below like any other malformed message
  }
  logger.error('malformed message acknowledged without processing', { queue, messageId: record.messageId });
  metrics.addMetric(metric, 'Count', 1);
  return null;
}

/** How many times SQS has delivered the record, this delivery included (1 when it does not say). */
export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}
