import { AppError } from '../../errors';

/** 429 `RATE_LIMITED` with `Retry-After` (docs/contract.md §2). */
export class RateLimitedError extends AppError {
  declare readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, options: { detail?: string; cause?: unknown } = {}) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'RATE_LIMITED', 'Too many requests', {
      detail: options.detail ?? `Too many requests. Retry after ${seconds} s.`,
      cause: options.cause,
      retryAfterSeconds: seconds,
    });
  }
}
