import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { Order } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import type { Settlement } from './payment-gateway';

/**
 * What the payment gateway tells us about payments on its own (webhooks), applied through the
 * payment worker's conditional transitions (payment-service.ts), so an event and the worker racing
 * on one order change it once, and a repeated event changes nothing.
 */
export const PAYMENT_EVENT_TYPES = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export const isPaymentEventType = (type: string): type is PaymentEventType =>
  (PAYMENT_EVENT_TYPES as readonly string[]).includes(type);

/** A gateway event about one order's payment. */
export interface GatewayPaymentEvent {
  type: PaymentEventType;
  orderId: string;
  paymentIntentId: string;
  /** Minor units: what was paid (`payment_intent.*`) or refunded (`charge.refunded`). */
  amount: number;
  /** ISO 4217 (any case) when the gateway names it; otherwise the amount is in the order's currency. */
  currency: string | null;
}

/** What applying one event did (for logs and metrics; none of these is an error). */
export type GatewayEventOutcome =
  /** The pending order became PAID (stock sold). */
  | { outcome: 'paid' }
  /** The pending order became PAYMENT_FAILED (stock released). */
  | { outcome: 'failed' }
  /** The order's payment was refunded at the gateway: REFUNDED recorded (and a PAID order cancelled first). */
  | { outcome: 'refund-recorded'; cancelled: boolean }
  /** The money arrived for an order that had closed without a payment: it went back (like the worker's late charge). */
  | { outcome: 'refunded'; status: Order['status']; recorded: boolean }
  /** A second payment for an order that has another one recorded: it went back, the order is untouched. */
  | { outcome: 'extra-payment-refunded'; status: Order['status'] }
  /** Already applied (by the worker or an earlier event), or nothing to do in the order's state. */
  | { outcome: 'no-change'; status: Order['status']; reason: string }
  /** The event's amount or currency is not the order's: not applied. */
  | {
      outcome: 'amount-mismatch';
      expected: { amount: number; currency: string };
      received: { amount: number; currency: string | null };
    }
  | { outcome: 'order-not-found' };

/** What sending back a charge no order is waiting for did (see `PaymentTransitions.returnCharge`). */
export type ReturnedCharge =
  | { outcome: 'refunded'; status: Order['status']; recorded: boolean }
  | { outcome: 'extra-payment-refunded'; status: Order['status'] };

/** The payment worker's transitions (payment-service.ts), reused so both paths write the same way. */
export interface PaymentTransitions {
  settle(order: Order, charge: Settlement): Promise<{ moved: true } | { moved: false; order: Order }>;
  recordRefund(order: Order, paymentIntentId: string, detail?: string): Promise<boolean>;
  /**
   * PAID (restocked) or PENDING_PAYMENT (released, the payment recorded) → CANCELLED, no refund asked
   * for; false when the order had moved since it was read.
   */
  cancelRefunded(order: Order, paymentIntentId: string): Promise<boolean>;
  /**
   * Sends back a successful charge that is not the order's recorded payment, the order being past
   * PENDING_PAYMENT: the worker's late charge and this event's take the same way, so they are one refund.
   */
  returnCharge(order: Order, paymentIntentId: string): Promise<ReturnedCharge>;
}

export interface GatewayEventDeps extends PaymentTransitions {
  orders: Pick<OrderRepository, 'get'>;
}

/** Racing writes (a cancel, a shipment) that keep moving the order are retried this often, then the event is retried. */
const MAX_REFUND_RECORD_ATTEMPTS = 3;

const mismatch = (order: Order, event: GatewayPaymentEvent): GatewayEventOutcome | null =>
  event.amount !== order.total || (event.currency !== null && event.currency.toUpperCase() !== order.currency)
    ? {
        outcome: 'amount-mismatch',
        expected: { amount: order.total, currency: order.currency },
        received: { amount: event.amount, currency: event.currency },
      }
    : null;

const noChange = (order: Order, reason: string): GatewayEventOutcome => ({
  outcome: 'no-change',
  status: order.status,
  reason,
});

/** Applies gateway events to orders (see `PaymentService.applyGatewayEvent`). */
export function gatewayEventApplier({ orders, settle, recordRefund, cancelRefunded, returnCharge }: GatewayEventDeps) {
  async function succeeded(event: GatewayPaymentEvent): Promise<GatewayEventOutcome> {
    const order = await orders.get(event.orderId);
    if (!order) return { outcome: 'order-not-found' };
    let latest = order;
    if (order.status === 'PENDING_PAYMENT') {
      const wrong = mismatch(order, event);
      if (wrong) return wrong;
      const settled = await settle(order, { outcome: 'succeeded', paymentIntentId: event.paymentIntentId });
      if (settled.moved) return { outcome: 'paid' };
      latest = settled.order;
    }
    if (latest.payment.paymentIntentId === event.paymentIntentId)
      return noChange(latest, 'this payment is already recorded');
    // The order closed (expired, cancelled, failed) before the money arrived, the worker crashed
    // between its late charge and the refund, or another payment was recorded: the money goes back.
    return returnCharge(latest, event.paymentIntentId);
  }

  async function failed(event: GatewayPaymentEvent): Promise<GatewayEventOutcome> {
    const order = await orders.get(event.orderId);
    if (!order) return { outcome: 'order-not-found' };
    if (order.status !== 'PENDING_PAYMENT') return noChange(order, 'the order is no longer pending payment');
    const settled = await settle(order, { outcome: 'declined', reason: 'declined (reported by the payment provider)' });
    return settled.moved ? { outcome: 'failed' } : noChange(settled.order, 'the order left pending payment meanwhile');
  }

  async function refunded(event: GatewayPaymentEvent): Promise<GatewayEventOutcome> {
    let cancelled = false;
    return retryOnConflict<GatewayEventOutcome>(
      async () => {
        let order = await orders.get(event.orderId);
        if (!order) return { outcome: 'order-not-found' };
        if (order.status === 'PENDING_PAYMENT') {
          // Paid and refunded at the gateway before the worker or a webhook recorded the payment: the
          // money is back, so the order must never be paid (and shipped) by a later settle. It is
          // cancelled with this payment recorded, and a charge still being settled finds it its own.
          const wrong = mismatch(order, event);
          if (wrong) return wrong;
          if (!(await cancelRefunded(order, event.paymentIntentId))) return CONFLICT;
          cancelled = true;
          order = await orders.get(event.orderId);
          if (!order) return { outcome: 'order-not-found' };
        }
        if (order.payment.paymentIntentId !== event.paymentIntentId) {
          return noChange(order, 'the refunded payment is not the one recorded on the order');
        }
        if (order.payment.status === 'REFUNDED') return noChange(order, 'the refund is already recorded');
        // The refunds of returns are the payment worker's to record (the gateway reports ours too).
        if (Object.keys(order.returnedQuantities ?? {}).length > 0)
          return noChange(order, 'the order has returns, whose refunds the payment worker records');
        // Orders are refunded whole; a partial refund made at the gateway is left to a person.
        const wrong = mismatch(order, event);
        if (wrong) return wrong;
        if (order.status === 'PAID') {
          // Refunded at the gateway before shipment (its dashboard, say): the goods must not ship.
          // Cancel first, then record the refund; a crash between the two leaves the event unapplied,
          // and its redelivery records the refund of the cancelled order.
          if (!(await cancelRefunded(order, event.paymentIntentId))) return CONFLICT;
          cancelled = true;
          order = await orders.get(event.orderId);
          if (!order) return { outcome: 'order-not-found' };
        }
        if (await recordRefund(order, event.paymentIntentId, 'refunded at the payment provider')) {
          return { outcome: 'refund-recorded', cancelled };
        }
        return CONFLICT;
      },
      {
        attempts: MAX_REFUND_RECORD_ATTEMPTS,
        exhausted: () => {
          throw new Error(`order ${event.orderId}: recording the refund kept conflicting`);
        },
      },
    );
  }

  return async (event: GatewayPaymentEvent): Promise<GatewayEventOutcome> => {
    switch (event.type) {
      case 'payment_intent.succeeded':
        return succeeded(event);
      case 'payment_intent.payment_failed':
        return failed(event);
      case 'charge.refunded':
        return refunded(event);
    }
  };
}
