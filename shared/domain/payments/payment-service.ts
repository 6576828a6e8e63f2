import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { type Order, refundedOf } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import { inTraceOf, refundWork, returnRefundWork, type WorkOutbox } from '../orders/order-work';
import type { ReturnRepository } from '../returns/return-ports';
import { gatewayEventApplier, type ReturnedCharge } from './gateway-events';
import type { PaymentGateway, Settlement } from './payment-gateway';

/** One payment message: charge this order (its stored `total`, with the checkout's token). */
export interface PaymentRequest {
  orderId: string;
  paymentToken: string;
}

/** What handling one payment message did (for logs and metrics; none of these is an error). */
export type PaymentOutcome =
  /** `paymentIntentId` null: a free order (total 0), paid without the gateway. */
  | { outcome: 'paid'; paymentIntentId: string | null }
  | { outcome: 'failed'; reason: string }
  /** The order was no longer PENDING_PAYMENT when the message arrived: no charge was attempted. */
  | { outcome: 'not-payable'; status: Order['status'] }
  /** Another delivery of the same message recorded the same charge first. */
  | { outcome: 'duplicate' }
  /** The charge succeeded but the order had meanwhile left PENDING_PAYMENT: the money went back. */
  | ReturnedCharge
  | { outcome: 'order-not-found' };

/** What handling one refund message did. */
export type RefundOutcome =
  | { outcome: 'refunded'; recorded: boolean }
  | { outcome: 'already-refunded' }
  | { outcome: 'not-refundable'; status: Order['status'] }
  /** A return's refund that cannot be right (more than charged, say): its work parked for a person. */
  | { outcome: 'refund-refused'; reason: string }
  | { outcome: 'order-not-found' };

/** One refund message: a cancelled paid order's refund, or (with `paymentIntentId`) a late charge's. */
export interface RefundRequest {
  orderId: string;
  paymentIntentId?: string;
  /** A received return's refund, instead of the whole order's. */
  returnId?: string;
}

export interface PaymentServiceDeps {
  orders: Pick<OrderRepository, 'get' | 'transition'>;
  gateway: PaymentGateway;
  /** Where a late charge's refund is recorded before it is asked for, and a refused return's refund parked (order-work.ts). */
  outbox: Pick<WorkOutbox, 'add' | 'park'>;
  /** How long after a late charge its refund record comes due for the reconcile job (it is normally done by then). */
  lateRefundDueAfterSeconds: number;
  /** The returns whose refunds this service makes (one refund path with the orders' own). */
  returns: Pick<ReturnRepository, 'get' | 'recordRefund'>;
  clock: Clock;
}

/** A racing write that only touched `updatedAt` is retried this often before giving up (and retrying via SQS). */
const MAX_WRITE_ATTEMPTS = 5;

const FREE_ORDER: Settlement = { outcome: 'succeeded', paymentIntentId: null };

export const refundKey = (orderId: string) => `refund-${orderId}`;
/** One gateway refund per return, however often its message comes. */
export const returnRefundKey = (returnId: string) => `refund-${returnId}`;

export function createPaymentService(deps: PaymentServiceDeps) {
  const { orders, gateway, outbox, clock } = deps;
  /** Moves a PENDING_PAYMENT order to the charge's outcome; the latest order when it lost the race. */
  async function settle(order: Order, charge: Settlement): Promise<{ moved: true } | { moved: false; order: Order }> {
    let current = order;
    return retryOnConflict<{ moved: true } | { moved: false; order: Order }>(
      async () => {
        const succeeded = charge.outcome === 'succeeded';
        const moved = await orders.transition({
          order: current,
          from: 'PENDING_PAYMENT',
          to: succeeded ? 'PAID' : 'PAYMENT_FAILED',
          event: succeeded
            ? { type: 'PAYMENT_SUCCEEDED', at: clock.now().toISOString() }
            : { type: 'PAYMENT_FAILED', at: clock.now().toISOString(), detail: charge.reason },
          stock: succeeded ? 'sell' : 'release',
          changes: {
            payment: succeeded
              ? {
                  status: 'SUCCEEDED',
                  attempts: current.payment.attempts + 1,
                  ...(charge.paymentIntentId !== null && { paymentIntentId: charge.paymentIntentId }),
                }
              : { status: 'FAILED', attempts: current.payment.attempts + 1 },
          },
        });
        if (moved) return { moved: true };
        const latest = await orders.get(order.orderId);
        if (!latest) throw new Error(`order ${order.orderId} disappeared during payment`);
        // Still pending: only `updatedAt` moved under us (another write); try again from what is stored.
        if (latest.status !== 'PENDING_PAYMENT') return { moved: false, order: latest };
        current = latest;
        return CONFLICT;
      },
      {
        attempts: MAX_WRITE_ATTEMPTS,
        exhausted: () => {
          throw new Error(`order ${order.orderId}: payment transition kept conflicting`);
        },
      },
    );
  }

  /** Appends REFUNDED (status unchanged), conditional on the order not having moved since it was read. */
  async function recordRefund(
    order: Order,
    paymentIntentId: string,
    detail = 'payment arrived after the order closed',
  ): Promise<boolean> {
    let current = order;
    return retryOnConflict(
      async () => {
        if (current.payment.status === 'REFUNDED') return true;
        const moved = await orders.transition({
          order: current,
          from: current.status,
          to: current.status,
          event: { type: 'REFUNDED', at: clock.now().toISOString(), detail },
          stock: 'none',
          changes: { payment: { ...current.payment, status: 'REFUNDED', paymentIntentId }, refunded: current.total },
        });
        if (moved) return true;
        const latest = await orders.get(order.orderId);
        if (!latest || latest.status !== order.status) return false;
        current = latest;
        return CONFLICT;
      },
      { attempts: MAX_WRITE_ATTEMPTS, exhausted: () => false },
    );
  }

  /**
   * A received return's refund: its amount through the gateway under the return's own key (a
   * redelivery after a crash between the refund and its record gets the same refund back), then in
   * one transaction the return REFUNDED, the order's `refunded` and REFUNDED event, the ledger entry,
   * and the end of the work. A record that lost a race to another change of the order is retried.
   */
  async function refundReturn(found: Order, returnId: string): Promise<RefundOutcome> {
    const ret = await deps.returns.get(returnId);
    if (!ret || ret.orderId !== found.orderId) return { outcome: 'order-not-found' };
    if (ret.status === 'REFUNDED') return { outcome: 'already-refunded' };
    if (ret.status !== 'RECEIVED') return { outcome: 'not-refundable', status: found.status };
    const { paymentIntentId } = found.payment;
    // Checked before any money moves: a refund that cannot be right is parked for a person (alarmed),
    // not retried into the dead-letter queue, and nothing is given back twice.
    const refusal =
      found.payment.status === 'REFUNDED'
        ? 'the order was refunded in full already'
        : refundedOf(found) + ret.refundAmount > found.total
          ? 'it would refund more than was charged'
          : ret.refundAmount > 0 && !paymentIntentId
            ? 'the order has no payment to refund'
            : undefined;
    if (refusal) {
      await outbox.park(returnRefundWork(found.orderId, returnId), { at: clock.now().toISOString(), reason: refusal });
      return { outcome: 'refund-refused', reason: refusal };
    }
    // Nothing to give back (a free order, a unit the discount paid whole): recorded without the gateway.
    const { refundId } =
      ret.refundAmount === 0 || !paymentIntentId
        ? { refundId: 'none' }
        : await gateway.refund({
            paymentIntentId,
            amount: ret.refundAmount,
            idempotencyKey: returnRefundKey(returnId),
          });
    let order = found;
    const recorded = await retryOnConflict(
      async () => {
        const event = { type: 'REFUNDED' as const, at: clock.now().toISOString(), detail: `return ${returnId}` };
        if (await deps.returns.recordRefund({ order, ret, refundId, event })) return true;
        const [latest, current] = await Promise.all([orders.get(order.orderId), deps.returns.get(returnId)]);
        if (!latest || current?.status !== 'RECEIVED') return current?.status === 'REFUNDED';
        order = latest;
        return CONFLICT;
      },
      { attempts: MAX_WRITE_ATTEMPTS, exhausted: () => false },
    );
    return { outcome: 'refunded', recorded };
  }

  /**
   * Cancels an order whose payment was refunded at the gateway itself (its dashboard): the goods
   * must not ship. A PAID order's stock goes back on the shelf; a PENDING_PAYMENT order's reservation
   * is released and the refunded payment recorded as its own. No refund is asked for (it is done).
   * @returns false when the order had moved since it was read.
   */
  function cancelRefunded(order: Order, paymentIntentId: string): Promise<boolean> {
    const paid = order.status === 'PAID';
    return orders.transition({
      order,
      from: paid ? 'PAID' : 'PENDING_PAYMENT',
      to: 'CANCELLED',
      event: { type: 'CANCELLED', at: clock.now().toISOString(), detail: 'refunded at the payment provider' },
      stock: paid ? 'restock' : 'release',
      changes: paid ? undefined : { payment: { ...order.payment, paymentIntentId } },
    });
  }

  /** See `PaymentTransitions.returnCharge`. */
  async function returnCharge(latest: Order, paymentIntentId: string): Promise<ReturnedCharge> {
    const { orderId, status } = latest;
    if (latest.payment.paymentIntentId !== undefined) {
      // A second charge of an order paid by another: its own key, because the order's key belongs
      // to the refund of the recorded payment (a cancellation may still need it). Not recorded.
      await gateway.refund({ paymentIntentId, idempotencyKey: `${refundKey(orderId)}-${paymentIntentId}` });
      return { outcome: 'extra-payment-refunded', status };
    }
    // The order closed unpaid. The refund is written down first: once this delivery (or event) is
    // acknowledged, nothing else would bring the money back if the refund below fails.
    const now = clock.now();
    await outbox.add(inTraceOf(latest, refundWork(orderId, paymentIntentId)), {
      createdAt: now.toISOString(),
      dueAt: new Date(now.getTime() + deps.lateRefundDueAfterSeconds * 1000).toISOString(),
    });
    await gateway.refund({ paymentIntentId, idempotencyKey: refundKey(orderId) });
    return { outcome: 'refunded', status, recorded: await recordRefund(latest, paymentIntentId) };
  }

  return {
    /**
     * Applies a payment gateway event (webhook) through the same conditional transitions as `pay`,
     * so an event racing the worker on one order applies once and a repeated event changes nothing:
     * `payment_intent.succeeded` pays a pending order (amount and currency must be the order's) or,
     * for an order that closed before the money arrived, refunds it with `pay`'s refund key;
     * `payment_intent.payment_failed` fails a pending order; `charge.refunded` records the refund of
     * the order's payment, and first cancels the order (restocked) if it is PAID and not yet shipped.
     * @throws PaymentGatewayError when a refund it needs was not confirmed: the event must be retried.
     */
    applyGatewayEvent: gatewayEventApplier({ orders, settle, recordRefund, cancelRefunded, returnCharge }),

    /**
     * Charges a pending order once (the order id is the gateway's idempotency key, so redeliveries
     * and concurrent deliveries share one charge), then moves it to PAID (stock sold) or
     * PAYMENT_FAILED (stock released) with a conditional transition. A charge that succeeds for an
     * order that meanwhile expired or was cancelled is refunded and the order keeps its state.
     * @throws PaymentGatewayError when the gateway gave no final answer: the order is untouched and
     * the message must be retried.
     */
    async pay(request: PaymentRequest): Promise<PaymentOutcome> {
      const order = await orders.get(request.orderId);
      if (!order) return { outcome: 'order-not-found' };
      if (order.status !== 'PENDING_PAYMENT') return { outcome: 'not-payable', status: order.status };
      if (order.total === 0) {
        // A discount paid for all of it: nothing to charge, so the gateway (which takes no zero
        // amount) is not asked, and the order is paid by the same conditional transition.
        const settled = await settle(order, FREE_ORDER);
        return settled.moved
          ? { outcome: 'paid', paymentIntentId: null }
          : { outcome: 'not-payable', status: settled.order.status };
      }

      const charge = await gateway.charge({
        orderId: order.orderId,
        amount: order.total,
        currency: order.currency,
        paymentToken: request.paymentToken,
        idempotencyKey: order.orderId,
      });
      const settled = await settle(order, charge);
      if (settled.moved) {
        return charge.outcome === 'succeeded'
          ? { outcome: 'paid', paymentIntentId: charge.paymentIntentId }
          : { outcome: 'failed', reason: charge.reason };
      }
      const latest = settled.order;
      if (charge.outcome === 'declined') return { outcome: 'not-payable', status: latest.status };
      if (latest.payment.paymentIntentId === charge.paymentIntentId) return { outcome: 'duplicate' };
      return returnCharge(latest, charge.paymentIntentId);
    },

    /**
     * Refunds a paid order that was cancelled, or a charge that arrived after its order closed unpaid
     * (`paymentIntentId`; its refund is recorded as work before the first try, see `returnCharge`): one
     * gateway refund per order (the refund key is derived from the order id), then REFUNDED on the
     * order's payment and timeline, which completes the REFUND work. Repeated deliveries find the
     * refund recorded and do nothing.
     * @throws PaymentGatewayError when the gateway did not confirm the refund: the message is retried.
     */
    async refund({ orderId, paymentIntentId: lateCharge, returnId }: RefundRequest): Promise<RefundOutcome> {
      const order = await orders.get(orderId);
      if (!order) return { outcome: 'order-not-found' };
      if (returnId !== undefined) return refundReturn(order, returnId);
      if (order.payment.status === 'REFUNDED') return { outcome: 'already-refunded' };
      if (lateCharge !== undefined) {
        // Still closed with no payment recorded, as when the late charge was found.
        if (order.status === 'PENDING_PAYMENT' || order.payment.paymentIntentId !== undefined)
          return { outcome: 'not-refundable', status: order.status };
        await gateway.refund({ paymentIntentId: lateCharge, idempotencyKey: refundKey(orderId) });
        return { outcome: 'refunded', recorded: await recordRefund(order, lateCharge) };
      }
      const { paymentIntentId } = order.payment;
      if (order.status !== 'CANCELLED' || !paymentIntentId) return { outcome: 'not-refundable', status: order.status };
      await gateway.refund({ paymentIntentId, idempotencyKey: refundKey(orderId) });
      const recorded = await recordRefund(order, paymentIntentId, 'order cancelled after payment');
      return { outcome: 'refunded', recorded };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
