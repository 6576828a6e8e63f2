import { isIPv4, isIPv6 } from 'node:net';
import { RateLimitedError } from '../../domain/rate-limit/rate-limit-errors';
import {
  addressPrincipal,
  type RateLimitDecision,
  type RateLimiter,
  subjectPrincipal,
} from '../../domain/rate-limit/rate-limiter';
import { logger, metrics } from '../../observability';
import { toAppError } from '../problem';
import { type HttpMiddleware, type HttpRequest, peekState, stateOf } from '../request-state';

export const REQUESTS_RULE = 'requests';
const REQUESTS_WINDOW_SECONDS = 1;

/**
 * The `RateLimit-Policy` header (IETF draft-ietf-httpapi-ratelimit-headers) of the per-principal
 * request limit: `limit` requests per window. Sent on every answer of a limited route, so a client
 * can pace itself before it meets a 429.
 */
export const requestsPolicy = (limit: number) => `"${REQUESTS_RULE}";q=${limit};w=${REQUESTS_WINDOW_SECONDS}`;

export interface RateLimitOptions {
  limiter: () => RateLimiter;
  /** Read per request: configuration is parsed lazily, on the first request. */
  requestsPerSecond: () => number;
  /**
   * Let the handler run while the counter write is in flight, and refuse afterwards if over the
   * limit (the decision is left in the request state). Only for handlers that commit nothing before
   * the count admits them: safe methods (GET), whose handlers change nothing, so discarding an
   * answer that was computed anyway is harmless, and idempotent routes, whose operations commit
   * only once `claim()` resolves, which waits for the count. The request then does not wait for
   * the count's round trip. A principal refused earlier in the window is refused from memory
   * before the handler starts, so a flood's cost is bounded by one overlapped request per window
   * and instance.
   */
  overlapHandler: boolean;
}

/**
 * What anonymous calls are counted by: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber's block: counting single IPv6 addresses would give every client 2^64 budgets).
 */
export function clientAddress(sourceIp: string | undefined): string {
  if (!sourceIp) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(sourceIp)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(sourceIp) || !isIPv6(sourceIp)) return sourceIp;
  const [head = '', tail] = sourceIp.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (`::1.2.3.4`) fills two groups.
  const rightWidth = right.length + (right.at(-1)?.includes('.') ? 1 : 0);
  const full = tail === undefined ? left : [...left, ...Array(8 - left.length - rightWidth).fill('0'), ...right];
  const prefix = full.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * Per-principal request limit (docs/contract.md §2): the token's `sub` once authenticated, otherwise the
 * client address. Runs after authentication (the principal is known) and before body parsing and
 * validation (a flood is refused before it costs more). Over the limit → 429 `RATE_LIMITED`.
 */
export function rateLimit(
  options: RateLimitOptions,
): HttpMiddleware & { countUnauthenticated(request: HttpRequest): Promise<void> } {
  const keyOf = (request: HttpRequest) => {
    const { principal } = stateOf(request.event);
    return principal
      ? subjectPrincipal(principal.sub)
      : addressPrincipal(clientAddress(request.event.requestContext?.http?.sourceIp));
  };
  const check = (request: HttpRequest): Promise<RateLimitDecision> => {
    const key = keyOf(request);
    // The limiter fails open by contract; this guard only keeps a bug in it from turning into a
    // 500, or into an unhandled rejection while the promise waits for the handler. Leasing: an
    // instance admits a busy principal from units it claimed ahead (decision 0002).
    return options
      .limiter()
      .consume(REQUESTS_RULE, key, options.requestsPerSecond(), REQUESTS_WINDOW_SECONDS, { lease: true })
      .catch((error: unknown) => {
        logger.warn('rate limiter threw; request allowed (fail open)', { error: error as Error });
        // Counted with the adapter's own fail-opens: the RateLimiterFailures alarm watches both.
        metrics.addMetric('RateLimiterFailures', 'Count', 1);
        return { allowed: true, retryAfterSeconds: 0 };
      });
  };
  const refusal = (decision: RateLimitDecision, cause?: unknown) => {
    metrics.addMetric('RateLimited', 'Count', 1);
    return new RateLimitedError(decision.retryAfterSeconds, { cause });
  };
  /** The decision left pending by `before`, at most once (after and onError may both run). */
  const takePending = (request: HttpRequest) => {
    const state = peekState(request.event);
    const pending = state?.rateLimit;
    if (state) state.rateLimit = undefined;
    return pending;
  };

  return {
    /**
     * For authentication to call before it answers 401: the request counts against its client
     * address (no principal was established), and over the limit it is a 429 instead.
     */
    countUnauthenticated: async (request: HttpRequest) => {
      const settled = await check(request);
      if (!settled.allowed) throw refusal(settled);
    },
    before: async (request) => {
      if (options.overlapHandler) {
        // A principal this instance already saw refused in this window is refused at once: the
        // handler does not start at all, so a flood costs no reads or claims.
        const known = options
          .limiter()
          .knownRefusal?.(REQUESTS_RULE, keyOf(request), options.requestsPerSecond(), REQUESTS_WINDOW_SECONDS);
        if (known) throw refusal(known);
        stateOf(request.event).rateLimit = check(request);
        return;
      }
      const decision = check(request);
      const settled = await decision;
      if (!settled.allowed) throw refusal(settled);
    },
    // Safe methods: the handler's answer is only sent once the count says it may be.
    after: async (request) => {
      const decision = await takePending(request);
      if (decision && !decision.allowed) throw refusal(decision);
    },
    // Also when validation or the handler failed: over the limit, the answer is 429 whatever
    // went wrong, and the counter write must settle before the invocation ends (Lambda freezes
    // the process afterwards, and a rejected promise nobody awaits would crash it).
    onError: async (request) => {
      const decision = await takePending(request);
      if (!decision || decision.allowed) return;
      const original = request.error;
      if (toAppError(original).status >= 500) {
        logger.error('request failed; answered 429 as it was over the rate limit', { error: original ?? undefined });
      }
      request.error = refusal(decision, original);
    },
  };
}
