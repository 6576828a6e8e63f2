import type { EasyPostCarrierOptions } from '../adapters/carrier/easypost-carrier';
import type { StripePaymentGatewayOptions } from '../adapters/payments/stripe-payment-gateway';
import type { Work } from '../domain/orders/order-work';
import type { CircuitTransition } from '../domain/payments/circuit-breaker';
import type { DeliveryAttempt } from '../domain/webhooks/webhook-delivery';
import { logger, metrics } from '../observability';

type PaymentGatewayRetry = Parameters<NonNullable<StripePaymentGatewayOptions['onRetry']>>[0];
type CarrierRetry = Parameters<NonNullable<EasyPostCarrierOptions['onRetry']>>[0];

/*
 * What the composition root's parts report when something degrades but the request goes on: one
 * log line and one metric each (the alarms of docs/RELIABILITY.md watch the metrics).
 */

export function emailLookupFailed(error: unknown): void {
  logger.warn('verified e-mail address not looked up; the profile keeps the one it knew', { error: error as Error });
  metrics.addMetric('EmailLookupFailures', 'Count', 1);
}

export function workSendFailed(work: Work, error: unknown): void {
  logger.warn('follow-up message not sent; the reconcile job will send it', {
    orderId: work.orderId,
    kind: work.kind,
    error: error as Error,
  });
  metrics.addMetric('WorkDispatchFailures', 'Count', 1);
}

export function paymentGatewayRetried({ operation, attempt, delayMs, error }: PaymentGatewayRetry): void {
  logger.warn('payment gateway call failed; retrying with the same idempotency key', {
    operation,
    attempt,
    delayMs: Math.round(delayMs),
    error,
  });
  metrics.addMetric('PaymentGatewayRetries', 'Count', 1);
}

export function carrierRetried({ operation, attempt, delayMs, error }: CarrierRetry): void {
  logger.warn('carrier call failed; retrying the same request', {
    operation,
    attempt,
    delayMs: Math.round(delayMs),
    error,
  });
  metrics.addMetric('CarrierRetries', 'Count', 1);
}

export function paymentCircuitMoved(transition: CircuitTransition): void {
  if (transition.to === 'open') logger.error('payment circuit opened: gateway calls refused', { ...transition });
  else logger.info('payment circuit closed: the gateway answers again', { ...transition });
  metrics.addMetric(transition.to === 'open' ? 'PaymentCircuitOpened' : 'PaymentCircuitClosed', 'Count', 1);
}

export function paymentCircuitStoreFailed(error: unknown, operation: string): void {
  logger.warn('payment circuit state not read or written; calls proceed as if closed', {
    operation,
    error: error as Error,
  });
  metrics.addMetric('PaymentCircuitStoreFailures', 'Count', 1);
}

export function healthProbeFailed(probe: string, error: unknown): void {
  logger.warn('health probe failed', { probe, error: error as Error });
}

export function searchSnapshotRefreshFailed(error: unknown): void {
  logger.warn('search snapshot not refreshed; the held index keeps answering', { error: error as Error });
  metrics.addMetric('SearchSnapshotRefreshFailures', 'Count', 1);
}

export function webhookCircuitMoved(transition: CircuitTransition): void {
  if (transition.to === 'open') logger.warn('webhook endpoint circuit opened: its deliveries wait', { ...transition });
  else logger.info('webhook endpoint circuit closed: the receiver answers again', { ...transition });
  metrics.addMetric(transition.to === 'open' ? 'WebhookCircuitOpened' : 'WebhookCircuitClosed', 'Count', 1);
}

/** Every delivery attempt is logged; a delivery given up on is an error (alarmed). */
export function webhookAttempted(
  attempt: DeliveryAttempt & { endpointId: string; eventType: string; outcome: string },
) {
  if (attempt.outcome === 'SUCCEEDED') {
    logger.info('webhook delivered', { ...attempt });
    metrics.addMetric('WebhookDeliveries', 'Count', 1);
  } else if (attempt.outcome === 'FAILED') {
    logger.error('webhook delivery given up on after its retries; listed as failed', { ...attempt });
    metrics.addMetric('WebhookDeliveriesFailed', 'Count', 1);
  } else {
    logger.warn('webhook delivery attempt failed; retried later', { ...attempt });
    metrics.addMetric('WebhookAttemptsFailed', 'Count', 1);
  }
}
