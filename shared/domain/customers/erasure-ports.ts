import type { Order } from '../orders/order';

/** What `DELETE /v1/me` queues: erase the customer `sub`, as they were at `requestedAt`. */
export interface ErasureRequest {
  sub: string;
  requestedAt: string;
}

/** The queue of erasure requests (the erasure worker consumes it). */
export interface ErasureQueue {
  send(request: ErasureRequest): Promise<void>;
}

export interface OrderAnonymiser {
  /**
   * Removes the customer's personal data (shipping address, e-mail) and the link to them (their id
   * and the customer-orders index entry) from the stored order; lines, amounts and timeline stay.
   * Sets `anonymisedAt` and `updatedAt` to `at`, so a transition that read the order before is
   * refused by its own `updatedAt` condition and re-reads the anonymised order.
   * Conditional on the order still being as read (its `updatedAt`).
   * @returns the order as stored afterwards, or null when it had changed (or is gone): read it again.
   */
  anonymise(order: Order, at: string): Promise<Order | null>;
}

/** Which erasure requests have finished, so a late redelivery of one cannot touch newer data. */
export interface ErasureLog {
  isDone(request: ErasureRequest): Promise<boolean>;
  /** Records that `request` finished at `at`; kept at least as long as its message can be redelivered. */
  markDone(request: ErasureRequest, at: string): Promise<void>;
}

/**
 * The customer's Idempotency-Key records of checkout: a completed one stores the checkout's response,
 * shipping address included, for 25 hours (decision 0003), so the erasure deletes them.
 */
export interface IdempotencyRecordEraser {
  /**
   * Deletes the customer `sub`'s completed records created at or before `createdUpTo` (an ISO
   * timestamp: the erasure's `requestedAt`). Claims still in progress (a checkout running now) and
   * records created later (a new relationship) stay. Idempotent: records already gone are skipped.
   * @returns how many records this call deleted.
   */
  deleteCompleted(sub: string, createdUpTo: string): Promise<number>;
}
