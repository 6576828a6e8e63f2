/** The outcome of one `consume`: whether the request may proceed, and when to retry if not. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the current window ends (≥ 1) when refused; 0 when allowed. */
  retryAfterSeconds: number;
  /**
   * The index of the window the event was counted in, when it was counted by a write of its own
   * (allowed without `lease`): what {@link RateLimiter.giveBack} takes. Absent otherwise.
   */
  countedIn?: number;
}

/** How one `consume` may be served. */
export interface ConsumeOptions {
  /**
   * Let this instance claim units of the window's budget ahead, in blocks that grow while the
   * principal keeps calling it, and admit from them without I/O. Never admits more than `limit`
   * in a window across all instances; the price is that units claimed by an instance the
   * principal no longer calls go unused, so a principal spread over several instances may be
   * refused a little before `limit` (never after). For limits that must count exactly (checkouts),
   * leave it off: every event is then its own conditional write.
   */
  lease?: boolean;
}

/**
 * Counts events per rule and principal in fixed windows shared by every Lambda instance
 * (docs/decisions/0002-rate-limits.md).
 */
export interface RateLimiter {
  /**
   * Counts one event of `principal` under `rule` in the current window of `windowSeconds`;
   * refused once `limit` events were already counted in that window (with `lease`: once the
   * window's `limit` units were all handed out). Refused events are not counted. Infrastructure
   * faults never throw: the limiter fails open (allowed) and reports them.
   */
  consume(
    rule: string,
    principal: string,
    limit: number,
    windowSeconds: number,
    options?: ConsumeOptions,
  ): Promise<RateLimitDecision>;

  /**
   * Uncounts one event `consume` counted without `lease` (its `countedIn` window), for an event
   * that turned out not to be one (a checkout that was a replay). Best effort, never throws: if
   * the write fails the event stays counted, which only ever refuses earlier, never later.
   */
  giveBack(rule: string, principal: string, windowSeconds: number, countedIn: number): Promise<void>;

  /**
   * The refusal `consume` would answer without I/O (this instance found the window full), or
   * undefined: lets a caller refuse before it starts any work beside the count. Counts nothing.
   */
  knownRefusal?(rule: string, principal: string, limit: number, windowSeconds: number): RateLimitDecision | undefined;
}

/** A fixed window aligned to the Unix epoch. */
export interface FixedWindow {
  /** floor(now / windowSeconds): the same number on every instance during the window. */
  index: number;
  /** When the window ends, in epoch seconds. */
  endsAt: number;
  /** Whole seconds from now to the window's end, at least 1 (the value of `Retry-After`). */
  retryAfterSeconds: number;
}

/** The fixed window of `windowSeconds` that `now` falls in. */
export function fixedWindow(now: Date, windowSeconds: number): FixedWindow {
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
  }
  // Integer milliseconds: no floating-point drift at window boundaries.
  const nowMs = now.getTime();
  const windowMs = windowSeconds * 1000;
  const index = Math.floor(nowMs / windowMs);
  const endsAtMs = (index + 1) * windowMs;
  return {
    index,
    endsAt: endsAtMs / 1000,
    retryAfterSeconds: Math.max(1, Math.ceil((endsAtMs - nowMs) / 1000)),
  };
}

/** Counter key of a signed-in principal (kept apart from client addresses). */
export const subjectPrincipal = (sub: string) => `sub:${sub}`;

/** Counter key of an anonymous caller, by client address. */
export const addressPrincipal = (address: string) => `ip:${address}`;
