import { RateLimitedError } from './rate-limit-errors';
import { type RateLimiter, subjectPrincipal } from './rate-limiter';

export const CHECKOUT_RULE = 'checkouts';
const CHECKOUT_WINDOW_SECONDS = 60;

/** A checkout counted toward the limit. */
export interface CountedCheckout {
  /** Uncounts it (it was a replay after all), once however often it is called; best effort, never throws. */
  giveBack(): Promise<void>;
}

/** The per-customer checkout limit (docs/contract.md §2: default 20 per minute). */
export interface CheckoutRateLimit {
  /**
   * Counts one checkout of the customer, or throws `RateLimitedError` (429) when the customer has
   * used up this minute's checkouts. A replay must not count (docs/contract.md §4): counted beside
   * the idempotency claim, it is given back when the claim finds one.
   */
  consume(customerSub: string): Promise<CountedCheckout>;
}

const NOTHING_COUNTED: CountedCheckout = { giveBack: async () => undefined };

/** The checkout limit over a shared limiter, `checkoutsPerMinute` per customer per minute. */
export function createCheckoutRateLimit(deps: { limiter: RateLimiter; checkoutsPerMinute: number }): CheckoutRateLimit {
  return {
    async consume(customerSub) {
      const principal = subjectPrincipal(customerSub);
      const decision = await deps.limiter.consume(
        CHECKOUT_RULE,
        principal,
        deps.checkoutsPerMinute,
        CHECKOUT_WINDOW_SECONDS,
      );
      if (!decision.allowed) {
        throw new RateLimitedError(decision.retryAfterSeconds, {
          detail: `At most ${deps.checkoutsPerMinute} checkouts per minute. Retry after ${decision.retryAfterSeconds} s.`,
        });
      }
      const { countedIn } = decision;
      if (countedIn === undefined) return NOTHING_COUNTED; // failed open: nothing to give back
      let given = false;
      return {
        async giveBack() {
          if (given) return; // one count, given back once
          given = true;
          await deps.limiter.giveBack(CHECKOUT_RULE, principal, CHECKOUT_WINDOW_SECONDS, countedIn);
        },
      };
    },
  };
}
