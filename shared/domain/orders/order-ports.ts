import type { IdempotencyLease, StoredResponse } from '../idempotency/idempotency';
import type { Page, PageRequest } from '../pagination';
import type { Address, Order, OrderEvent, OrderStatus } from './order';

/** Everything one checkout writes, in one transaction. */
export interface Placement {
  order: Order;
  /** One-time payment token, kept with the payment work record (never in the order). */
  paymentToken: string;
  /**
   * Redeem this code (already normalised) once, if still redeemable; with `maxPerCustomer`, also
   * only while the customer has fewer live redemptions of it than that.
   */
  discount: { code: string; maxPerCustomer: number | null } | null;
  /** The order counts toward the customer's pending orders, which must stay at most this many. */
  pendingOrderLimit: number;
  /** Empty the customer's cart, if it is still at this version. */
  cart: { sub: string; version: number } | null;
  idempotency: { lease: IdempotencyLease; response: StoredResponse } | null;
}

/** Why a placement transaction was refused; `conflict` is worth retrying. */
export type PlacementOutcome =
  | { ok: true }
  | { ok: false; reason: 'out-of-stock'; lines: number[] }
  | { ok: false; reason: 'discount' }
  | { ok: false; reason: 'discount-per-customer' }
  | { ok: false; reason: 'too-many-pending' }
  | { ok: false; reason: 'cart-changed' }
  | { ok: false; reason: 'idempotency-lost' }
  | { ok: false; reason: 'conflict' };

/** A status change: conditional on `from`, with its stock movement, in one transaction. */
export interface Transition {
  order: Order;
  from: OrderStatus;
  to: OrderStatus;
  event: OrderEvent;
  /** What happens to the stock of every line. */
  stock: 'release' | 'restock' | 'sell' | 'none';
  changes?: Partial<Pick<Order, 'payment' | 'shipment' | 'refunded'>>;
}

export interface OrderRepository {
  /** Writes the placement in one transaction, with the order's payment work record (order-work.ts). */
  place(placement: Placement): Promise<PlacementOutcome>;
  /** One order (strongly consistent), or null. */
  get(orderId: string): Promise<Order | null>;
  /**
   * Moves the order, its stock, and the work records the move starts and completes
   * (`workOfTransition`) in one transaction.
   * @returns false when the order was no longer in `from` (someone else moved it first).
   */
  transition(transition: Transition): Promise<boolean>;
  /**
   * Stores the carrier's shipment id on a PAID order that has none, if the order is still this
   * version, with the lookup from the shipment to the order (`orderOfCarrierShipment`); moves
   * `updatedAt` to `at` (or just past the version seen), so no transition prepared from an older
   * read can write the id away.
   * @returns the order as it now is, or null when it had moved on (read it again).
   */
  recordCarrierShipment(order: Order, shipmentId: string, at: string): Promise<Order | null>;
  /**
   * Sends a parked shipment again (the shop fixed what the carrier refused): the order, still PAID
   * and at the version read, with the corrected address if one is given, no carrier shipment (the
   * next delivery creates one for the address) and the event; and its fulfilment work record fresh,
   * only if it was parked. One transaction.
   */
  redriveFulfilment(change: {
    order: Order;
    shippingAddress: Address | null;
    event: OrderEvent;
  }): Promise<'redriven' | 'not-parked' | 'conflict'>;
  /** The id of the order a carrier shipment was stored for, or null when none was. */
  orderOfCarrierShipment(shipmentId: string): Promise<string | null>;
  listByCustomer(sub: string, page: PageRequest): Promise<Page<Order>>;
  /** Orders of one status, newest first (or oldest first: the expiry job works from the oldest). */
  listByStatus(status: OrderStatus, page: PageRequest, options?: { oldestFirst?: boolean }): Promise<Page<Order>>;
  /** Where a status list continues after this order (for merging the lists of several statuses). */
  statusPosition(order: Order): Record<string, unknown>;
}
