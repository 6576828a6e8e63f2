import type { SQSRecord } from 'aws-lambda';
import { circuitRetryAfterSeconds } from '../domain/payments/circuit-breaker';
import {
  type OpenCircuitBackoff,
  type OpenCircuitBackoffPolicy,
  openCircuitBackoff,
} from '../domain/payments/open-circuit-backoff';
import type { PaymentService } from '../domain/payments/payment-service';
import * as z from '../lib/zod';
import { logger, metrics } from '../observability';
import { parseSqsMessage, receiveCountOf } from './sqs-message';

/** The messages of the payment queue (shared/domain/orders/order-work.ts): charge an order, or refund it. */
const PaymentRequested = z.object({
  type: z.literal('PAYMENT_REQUESTED'),
  orderId: z.string().check(z.minLength(1)),
  paymentToken: z.string().check(z.minLength(1)),
  /** 0 for an order a discount pays whole: it is paid without the gateway. */
  amount: z.int().check(z.nonnegative()),
  currency: z.string().check(z.length(3)),
});
const RefundRequested = z.object({
  type: z.literal('REFUND_REQUESTED'),
  orderId: z.string().check(z.minLength(1)),
  /** Only for a charge that arrived after the order closed unpaid. */
  paymentIntentId: z.optional(z.string().check(z.minLength(1))),
  /** Only for a received return's refund. */
  returnId: z.optional(z.string().check(z.minLength(1))),
});
const PaymentQueueMessage = z.discriminatedUnion('type', [PaymentRequested, RefundRequested]);

/**
 * Handles one payment-queue message: a charge or a refund. A malformed message or an unknown order is permanent: logged,
 * counted and acknowledged, so it cannot poison its batch. Gateway errors (no final answer about
 * the card) are transient and thrown, so SQS redelivers the message (then the dead-letter queue).
 */
export function paymentRecordHandler(payments: () => PaymentService) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parseSqsMessage(PaymentQueueMessage, record, {
      queue: 'payment',
      metric: 'PaymentMessagesMalformed',
    });
    if (!message) return;
    if (message.type === 'REFUND_REQUESTED') {
      const refund = await payments().refund(message);
      const context = { orderId: message.orderId, messageId: record.messageId, ...refund };
      if (refund.outcome === 'refunded') metrics.addMetric('RefundsIssued', 'Count', 1);
      else if (refund.outcome === 'refund-refused') {
        logger.error('refund refused and parked: a person must look at the order', context);
        metrics.addMetric('RefundsRefused', 'Count', 1);
      } else if (refund.outcome === 'order-not-found')
        logger.error('refund message for an unknown order acknowledged', context);
      else logger.info('refund message needed no refund', context);
      return;
    }
    const result = await payments().pay(message);
    const context = { orderId: message.orderId, messageId: record.messageId, ...result };
    switch (result.outcome) {
      case 'paid':
        metrics.addMetric('PaymentsSucceeded', 'Count', 1);
        break;
      case 'failed':
        logger.info('payment declined or refused for good; order PAYMENT_FAILED', context);
        metrics.addMetric('PaymentsDeclined', 'Count', 1);
        break;
      case 'refunded':
      case 'extra-payment-refunded':
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

/**
 * The payment worker's `delayOf` (shared/workers/sqs-batch.ts): a record the open circuit refused is
 * held back for longer at every delivery (shared/domain/payments/open-circuit-backoff.ts), so an
 * outage shorter than the reservation does not dead-letter payments; other failures are not held.
 * `policy` is read on first use.
 */
export function openCircuitDelayOf(policy: () => OpenCircuitBackoffPolicy) {
  let backoff: OpenCircuitBackoff | undefined;
  return (error: unknown, record: SQSRecord): number | undefined => {
    const retryAfterSeconds = circuitRetryAfterSeconds(error);
    if (retryAfterSeconds === undefined) return undefined;
    backoff ??= openCircuitBackoff(policy());
    return backoff(retryAfterSeconds, receiveCountOf(record));
  };
}
