import type { SQSRecord } from 'aws-lambda';
import type { PaymentService } from '../domain/payments/payment-service';
import * as z from '../lib/zod';
import { logger, metrics } from '../observability';

/** The message checkout sends (shared/adapters/sqs/sqs-payment-queue.ts). */
const PaymentRequested = z.object({
  type: z.literal('PAYMENT_REQUESTED'),
  orderId: z.string().check(z.minLength(1)),
  paymentToken: z.string().check(z.minLength(1)),
  amount: z.int().check(z.positive()),
  currency: z.string().check(z.length(3)),
});

function parse(body: string): z.infer<typeof PaymentRequested> | null {
  try {
    const parsed = PaymentRequested.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Handles one payment message. A malformed message or an unknown order is permanent: logged,
 * counted and acknowledged, so it cannot poison its batch. Gateway errors (no final answer about
 * the card) are transient and thrown, so SQS redelivers the message (then the dead-letter queue).
 */
export function paymentRecordHandler(payments: () => PaymentService) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parse(record.body);
    if (!message) {
      logger.error('malformed payment message acknowledged without processing', { messageId: record.messageId });
      metrics.addMetric('PaymentMessagesMalformed', 'Count', 1);
      return;
    }
    const result = await payments().pay(message);
    const context = { orderId: message.orderId, messageId: record.messageId, ...result };
    switch (result.outcome) {
      case 'paid':
        metrics.addMetric('PaymentsSucceeded', 'Count', 1);
        break;
      case 'failed':
        metrics.addMetric('PaymentsDeclined', 'Count', 1);
        break;
      case 'refunded':
        logger.warn('charge succeeded for an order that had left PENDING_PAYMENT; refunded', context);
        metrics.addMetric('PaymentsRefundedLate', 'Count', 1);
        break;
      case 'order-not-found':
        logger.error('payment message for an unknown order acknowledged', context);
        metrics.addMetric('PaymentMessagesOrphaned', 'Count', 1);
        break;
      default:
        logger.info('payment message needed no charge', context);
    }
  };
}
