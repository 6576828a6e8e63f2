import type { StoredResponse } from '../idempotency/idempotency';
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
  /**
   * Deletes the customer's hold records (pending orders, uses of codes limited per customer) that
   * name no order any more, as after the erasure cancelled the open ones; one that still names an
   * order (placed after the request) stays with it.
   */
  forgetEmptyHolds(sub: string): Promise<void>;
}

/** Which erasure requests have finished, so a late redelivery of one cannot touch newer data. */
export interface ErasureLog {
  isDone(request: ErasureRequest): Promise<boolean>;
  /** Records that `request` finished at `at`; kept at least as long as its message can be redelivered. */
  markDone(request: ErasureRequest, at: string): Promise<void>;
}

/** What the customer's checkout records created up to the erasure request hold (see `survey`). */
export interface CheckoutRecordsSurvey {
  /** The stored responses of the completed records: a 201's body is the order the checkout placed. */
  completed: StoredResponse[];
  /** Claims of checkouts still running (IN_PROGRESS, their lock not yet lapsed): their orders may commit yet. */
  running: number;
}

/**
 * The customer's Idempotency-Key records of checkout: a completed one stores the checkout's response,
 * shipping address included, for 25 hours (decision 0003), so the erasure deletes them.
 */
export interface IdempotencyRecordEraser {
  /**
   * Reads (strongly consistent) the customer `sub`'s records created at or before `createdUpTo` (an
   * ISO timestamp: the erasure's `requestedAt`). A claim whose lock has lapsed is a crashed checkout:
   * it placed nothing (the order and the completion commit together), so it is not counted as running.
   */
  survey(sub: string, createdUpTo: string): Promise<CheckoutRecordsSurvey>;
  /**
   * Deletes the customer `sub`'s completed records created at or before `createdUpTo`. Claims still in
   * progress and records created later (a new relationship) stay. Idempotent: records already gone are
   * skipped.
   * @returns how many records this call deleted.
   */
  deleteCompleted(sub: string, createdUpTo: string): Promise<number>;
}
