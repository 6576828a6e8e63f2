import { backoffDelayMs, sleep } from '../lib/backoff';

/** How an adapter of an HTTP API retries a call (the payment gateway, the carrier). */
export interface RetryPolicy {
  /** Attempts per call, the first included (1 = no retry). */
  maxAttempts: number;
  /** Upper bound of the first retry's delay; doubles per retry (full jitter: uniform in [0, bound)). */
  baseDelayMs: number;
  /** Cap of the bound. */
  maxDelayMs: number;
}

export interface RetryHooks<E> {
  /** Whether this error says another attempt may succeed; the error is typed by it for `onRetry`. */
  retryable: (error: unknown) => error is E;
  onRetry?: (retry: { attempt: number; delayMs: number; error: E }) => void;
  /** Injected by tests that must not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` until it settles with an answer, an error that is not `retryable`, or
 * `maxAttempts` tries. The caller must make every attempt the very same request (same idempotency
 * key, same shipment id, same parameters), so a retry after a timeout that did take effect gets
 * the first outcome back instead of doing it twice.
 */
export async function retryTransient<T, E>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks<E>,
): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!hooks.retryable(error) || attemptNumber >= policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(attemptNumber - 1, policy.baseDelayMs, policy.maxDelayMs);
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await wait(delayMs);
    }
  }
}
