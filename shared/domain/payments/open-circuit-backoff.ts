/**
 * How long the payment worker holds back a message that the open circuit refused, by how many times
 * SQS has delivered it (decision 0004). Every delivery counts towards the queue's `maxReceiveCount`:
 * holding each one back for the circuit's retry-after alone (30 s) dead-lettered every pending
 * payment after about 2.5 minutes of outage, while its order stayed payable for the whole
 * reservation (15 minutes).
 *
 * - First delivery: the retry-after, so an outage that ends with the cooldown costs no more (but
 *   a queue that delivers only twice holds the first one for the whole lifetime: there is no other).
 * - The deliveries after it, up to the one before the last: holds that double, sized so that they
 *   alone add up to the reservation lifetime. However short the retry-afters were, a refused
 *   message is not dead-lettered before its order would have expired anyway. With the defaults
 *   (900 s, 5 deliveries, 30 s): 30, 129, 258, 515 s.
 * - The last delivery (and any later one, should the queue allow more): the retry-after again. SQS
 *   dead-letters the message at its next receive; holding it longer would only delay its arrival
 *   there (and the reconcile job's re-send).
 *
 * Never shorter than the retry-after (a call before it fails fast again), never longer than the
 * reservation lifetime unless the retry-after is, never longer than SQS allows.
 */

/** SQS's longest visibility timeout (12 hours). */
export const SQS_MAX_HOLD_SECONDS = 43_200;

export interface OpenCircuitBackoffPolicy {
  /** How long an unpaid order stays payable (RESERVATION_TTL_SECONDS). */
  reservationTtlSeconds: number;
  /** Deliveries after which SQS dead-letters a message (the queue's `maxReceiveCount`). */
  maxReceiveCount: number;
}

/**
 * @returns the hold, in whole seconds, for a message refused with `retryAfterSeconds` at its
 * `receiveCount`th delivery (1 for the first; anything below 1 or not a number is taken as 1).
 */
export type OpenCircuitBackoff = (retryAfterSeconds: number, receiveCount: number) => number;

/** The backoff of the module comment for one queue and reservation lifetime. */
export function openCircuitBackoff(policy: OpenCircuitBackoffPolicy): OpenCircuitBackoff {
  const { reservationTtlSeconds, maxReceiveCount } = policy;
  if (!(reservationTtlSeconds > 0))
    throw new RangeError(`reservationTtlSeconds must be positive, got ${reservationTtlSeconds}`);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1)
    throw new RangeError(`maxReceiveCount must be a positive integer, got ${maxReceiveCount}`);

  // Deliveries whose hold is followed by another delivery: all but the last.
  const held = maxReceiveCount - 1;
  // The doubling holds start at the second delivery, or at the first when it is the only one held
  // (a queue that delivers twice: the lifetime cannot be covered otherwise).
  const firstDoubling = held >= 2 ? 2 : 1;
  const doublings = Math.max(0, held - firstDoubling + 1);
  // b + 2b + … + 2^(doublings-1)·b = (2^doublings − 1)·b = the reservation lifetime.
  const base = doublings > 0 ? reservationTtlSeconds / (2 ** doublings - 1) : 0;

  return (retryAfterSeconds, receiveCount) => {
    const delivery = Number.isFinite(receiveCount) ? Math.max(1, Math.floor(receiveCount)) : 1;
    const retryAfter = Math.max(0, Math.ceil(retryAfterSeconds));
    const doubling =
      delivery >= firstDoubling && delivery <= held
        ? Math.min(reservationTtlSeconds, Math.ceil(base * 2 ** (delivery - firstDoubling)))
        : 0;
    return Math.min(SQS_MAX_HOLD_SECONDS, Math.max(retryAfter, doubling));
  };
}
