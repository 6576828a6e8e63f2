import { PaymentGatewayError } from '../../domain/payments/payment-errors';
import { backoffDelayMs, sleep } from '../../lib/backoff';

export interface RetryPolicy {
  /** Attempts per call, the first included (1 = no retry). */
  maxAttempts: number;
  /** Upper bound of the first retry's delay; doubles per retry (full jitter: uniform in [0, bound)). */
  baseDelayMs: number;
  /** Cap of the bound. */
  maxDelayMs: number;
}

export type RetryObserver = (retry: { attempt: number; delayMs: number; error: PaymentGatewayError }) => void;

export interface RetryHooks {
  onRetry?: RetryObserver;
  /** Injected by tests that must not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` until it settles with an answer, a non-retryable error, or `maxAttempts` tries.
 * Only a retryable `PaymentGatewayError` is tried again; the caller must send the very same request
 * (same idempotency key and parameters) each time, so a retry after a timeout that did charge gets
 * the first outcome back instead of charging again.
 */
export async function retryTransient<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const retry = error instanceof PaymentGatewayError && error.retryable && attemptNumber < policy.maxAttempts;
      if (!retry) throw error;
      const delayMs = backoffDelayMs(attemptNumber - 1, policy.baseDelayMs, policy.maxDelayMs);
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await wait(delayMs);
    }
  }
}
