import type { Transition } from './order-ports';

/**
 * What an open order holds beyond its stock, given back in the transaction of the transition that
 * ends it, so nothing is given back twice (the transition is conditional) and nothing is kept by
 * an order that can no longer be paid:
 * - a place among its customer's pending orders (MAX_PENDING_ORDERS_PER_CUSTOMER), until it leaves
 *   PENDING_PAYMENT whichever way;
 * - its discount redemption (and, for a code limited per customer, the customer's own count of it),
 *   when it ends without being paid for good: PAYMENT_FAILED, EXPIRED or CANCELLED (a paid order
 *   cancelled is refunded, so its redemption goes back too).
 */
export interface OrderHolds {
  pendingOrder: { sub: string; orderId: string } | null;
  redemption: { code: string; orderId: string; customer: string | null } | null;
}

const UNREDEEMING = new Set(['PAYMENT_FAILED', 'EXPIRED', 'CANCELLED']);

export function holdsReleasedBy({ order, from, to }: Transition): OrderHolds {
  if (from === to) return { pendingOrder: null, redemption: null };
  const { orderId, userId } = order;
  const pendingOrder = from === 'PENDING_PAYMENT' && userId ? { sub: userId, orderId } : null;
  const redemption =
    order.discountCode && UNREDEEMING.has(to)
      ? { code: order.discountCode, orderId, customer: order.discountLimitedPerCustomer && userId ? userId : null }
      : null;
  return { pendingOrder, redemption };
}
