import type { GatewayEventOutcome, GatewayPaymentEvent } from './gateway-events';

/** A verified webhook event: one about an order's payment, or another type (acknowledged, not applied). */
export interface WebhookEvent {
  /** The gateway's event id (`evt_…`): a redelivery carries the same id. */
  id: string;
  type: string;
  /** Null for the event types Cartwheel does not act on. */
  payment: GatewayPaymentEvent | null;
}

/** The ids of webhook events already applied (kept for a retention period; gateways redeliver for days). */
export interface ProcessedWebhookEvents {
  /** Whether the event was applied before. */
  seen(eventId: string): Promise<boolean>;
  /** Remembers that the event was applied; false when another delivery remembered it first. */
  remember(event: { id: string; type: string; orderId: string }): Promise<boolean>;
}

export type WebhookReceipt =
  | { duplicate: true }
  | { duplicate: false; outcome: GatewayEventOutcome | { outcome: 'ignored' } };

export interface PaymentWebhookServiceDeps {
  payments: { applyGatewayEvent(event: GatewayPaymentEvent): Promise<GatewayEventOutcome> };
  processed: ProcessedWebhookEvents;
}

export function createPaymentWebhookService({ payments, processed }: PaymentWebhookServiceDeps) {
  return {
    /**
     * Applies a verified webhook event once per event id. The id is remembered only after the event
     * was applied: applying is idempotent (conditional transitions, idempotent refunds), so a crash in
     * between re-applies harmlessly on redelivery, while remembering first could lose the event.
     * Concurrent deliveries of one id may both apply; the transitions let only one change the order.
     * @throws PaymentGatewayError, or another error, when the event could not be applied completely:
     * nothing is remembered and the gateway's redelivery tries again.
     */
    async receive(event: WebhookEvent): Promise<WebhookReceipt> {
      const { payment } = event;
      if (!payment) return { duplicate: false, outcome: { outcome: 'ignored' } };
      if (await processed.seen(event.id)) return { duplicate: true };
      const outcome = await payments.applyGatewayEvent(payment);
      if (outcome.outcome === 'refunded' && !outcome.recorded) {
        // The money went back but the order does not say so yet: let the redelivery record it.
        throw new Error(`order ${payment.orderId}: late payment refunded but the refund was not recorded`);
      }
      const first = await processed.remember({ id: event.id, type: event.type, orderId: payment.orderId });
      return first ? { duplicate: false, outcome } : { duplicate: true };
    },
  };
}

export type PaymentWebhookService = ReturnType<typeof createPaymentWebhookService>;
