import { backoffDelayMs, sleep } from './backoff';

/** What an attempt returns when its conditional write lost to a concurrent one: read again, try again. */
export const CONFLICT: unique symbol = Symbol('conflict');

export interface RetryOnConflictOptions<T> {
  /** Attempts at most, the first included. */
  attempts: number;
  /**
   * Full-jitter exponential backoff between attempts (`backoffDelayMs`). Left out, the next attempt
   * starts at once: where a lost race means the item moved on, its re-read is all the wait needed.
   */
  backoff?: { baseMs?: number; capMs?: number };
  /** What a run whose every attempt lost comes to: usually a thrown `ContentionError`, or a fallback. */
  exhausted: () => T;
  /** How it waits (tests pass a fake clock's). */
  pause?: (ms: number) => Promise<void>;
}

/**
 * The optimistic-concurrency loop: runs `attempt` (given its index, 0 first) until it returns anything
 * but {@link CONFLICT}, at most `attempts` times, waiting between attempts when `backoff` says so.
 * Whatever the attempt returns or throws otherwise is the answer.
 */
export async function retryOnConflict<T>(
  attempt: (index: number) => Promise<T | typeof CONFLICT>,
  { attempts, backoff, exhausted, pause = sleep }: RetryOnConflictOptions<T>,
): Promise<T> {
  for (let index = 0; index < attempts; index++) {
    if (index > 0 && backoff) await pause(backoffDelayMs(index - 1, backoff.baseMs, backoff.capMs));
    const result = await attempt(index);
    if (result !== CONFLICT) return result;
  }
  return exhausted();
}
