import { prorate } from '../money';
import type { Order } from '../orders/order';

/** A return's life (contract §5.6): requested by the customer, then received (refunded after) or rejected by the shop. */
export const RETURN_STATUSES = ['REQUESTED', 'RECEIVED', 'REFUNDED', 'REJECTED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export interface ReturnLine {
  sku: string;
  quantity: number;
  /** What the customer paid for these units, tax included, after their share of the discount. */
  refundAmount: number;
}

/** A return as stored. */
export interface OrderReturn {
  returnId: string;
  orderId: string;
  /** The order's customer (internal: who may see it). */
  userId: string | null;
  status: ReturnStatus;
  items: ReturnLine[];
  /** The lines' refunds, plus the order's shipping when this return completes the whole order. */
  refundAmount: number;
  reason: string;
  /** The gateway's refund (internal), once made. */
  refundId?: string;
  createdAt: string;
  updatedAt: string;
}

/** The contract's `Return` (no internal fields). */
export const toReturnView = (ret: OrderReturn) => ({
  returnId: ret.returnId,
  orderId: ret.orderId,
  status: ret.status,
  items: ret.items.map(({ sku, quantity, refundAmount }) => ({ sku, quantity, refundAmount })),
  refundAmount: ret.refundAmount,
  reason: ret.reason,
  createdAt: ret.createdAt,
  updatedAt: ret.updatedAt,
});

export type ReturnView = ReturnType<typeof toReturnView>;

/** Units of each sku in the order's returns that were not rejected (stored on the order; absent: none). */
export type ReturnedQuantities = Record<string, number>;

/**
 * Whether the order's prices included its tax: its total says so (`subtotal − discount + shipping`,
 * plus the tax when prices exclude it). With no tax both readings agree, and so do the amounts.
 */
const taxIsExtra = (order: Order): boolean =>
  (order.tax ?? 0) > 0 && order.total === order.subtotal - order.discount + (order.shipping ?? 0) + (order.tax ?? 0);

/** What each line cost the customer in all: its total after its share of the discount, tax included. */
function linesPaid(order: Order): number[] {
  const discounts = prorate(
    order.discount,
    order.items.map((line) => line.lineTotal),
  );
  const extra = taxIsExtra(order);
  return order.items.map(
    (line, index) => line.lineTotal - (discounts[index] ?? 0) + (extra ? (line.taxAmount ?? 0) : 0),
  );
}

/** A line's share of what it cost for `units` of its units: rounded down, so all of them give back exactly what it cost. */
const lineShare = (paid: number, units: number, bought: number): number =>
  Math.floor((paid * Math.min(units, bought)) / bought);

/**
 * What the customer is owed once `returned` units of each line are back: the lines' shares, and the
 * whole total, shipping included, once every unit is back. The refunds of successive returns, each
 * the difference it makes to this, therefore add up to at most what was charged.
 */
function owedFor(order: Order, paid: number[], returned: ReturnedQuantities): number {
  if (order.items.every((line) => (returned[line.sku] ?? 0) >= line.quantity)) return order.total;
  return order.items.reduce(
    (sum, line, index) => sum + lineShare(paid[index] ?? 0, returned[line.sku] ?? 0, line.quantity),
    0,
  );
}

/**
 * The refund of a new return of `wanted` units, given what earlier returns (not rejected) already
 * take back: per line, and in all (the lines, and the shipping when it completes the whole order),
 * the difference it makes to what the customer is owed.
 */
export function returnRefund(
  order: Order,
  earlier: ReturnedQuantities,
  wanted: Array<{ sku: string; quantity: number }>,
): { items: ReturnLine[]; refundAmount: number } {
  const paid = linesPaid(order);
  const after: ReturnedQuantities = { ...earlier };
  for (const { sku, quantity } of wanted) after[sku] = (after[sku] ?? 0) + quantity;
  const items = wanted.map(({ sku, quantity }) => {
    const index = order.items.findIndex((line) => line.sku === sku);
    const line = order.items[index];
    if (!line) throw new RangeError(`order ${order.orderId} has no line ${sku}`);
    const share = (units: number) => lineShare(paid[index] ?? 0, units, line.quantity);
    return { sku, quantity, refundAmount: share(after[sku] ?? 0) - share(earlier[sku] ?? 0) };
  });
  return { items, refundAmount: owedFor(order, paid, after) - owedFor(order, paid, earlier) };
}
