import { RateLimitedError } from './rate-limit-errors';
import { type RateLimiter, subjectPrincipal } from './rate-limiter';

export const CHECKOUT_RULE = 'checkouts';
const CHECKOUT_WINDOW_SECONDS = 60;

/** The per-customer checkout limit (docs/contract.md §2: default 20 per minute). */
export interface CheckoutRateLimit {
  /**
   * Counts one checkout of the customer, or throws `RateLimitedError` (429) when the customer has
   * used up this minute's checkouts. Call it after the idempotency replay check: a replay
   * returns the stored answer and must not count (docs/contract.md §4).
   */
  consume(customerSub: string): Promise<void>;
}

/** The checkout limit over a shared limiter, `checkoutsPerMinute` per customer per minute. */
export function createCheckoutRateLimit(deps: { limiter: RateLimiter; checkoutsPerMinute: number }): CheckoutRateLimit {
  return {
    async consume(customerSub) {
      const decision = await deps.limiter.consume(
        CHECKOUT_RULE,
        subjectPrincipal(customerSub),
        deps.checkoutsPerMinute,
        CHECKOUT_WINDOW_SECONDS,
      );
      if (!decision.allowed) {
        throw new RateLimitedError(decision.retryAfterSeconds, {
          detail: `At most ${deps.checkoutsPerMinute} checkouts per minute. Retry after ${decision.retryAfterSeconds} s.`,
        });
      }
    },
  };
}
