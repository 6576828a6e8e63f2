import type { Clock } from '../../lib/clock';
import { PaymentGatewayError, type PaymentGatewayFailure } from './payment-errors';
import type { PaymentGateway } from './payment-gateway';

/**
 * A circuit breaker around the payment gateway whose state every Lambda instance shares (it lives
 * in a `CircuitStore`, DynamoDB in production), so that when the gateway is down the fleet stops
 * calling it together instead of each instance finding out on its own (decision 0004).
 *
 * - closed: calls pass. A call that fails the way an unwell gateway fails (`isFailure`) is counted
 *   in the shared store; `failureThreshold` of them within `windowSeconds` open the circuit.
 * - open, for `cooldownSeconds`: every call fails fast with `CircuitOpenError` (its
 *   `retryInSeconds` says when the cooldown ends) and the gateway is not called.
 * - half-open, once the cooldown has passed: each instance lets one trial call through at a time
 *   (the others still fail fast). A trial that gets an answer closes the circuit; a trial that
 *   fails re-opens it for another cooldown.
 *
 * Declines and successes are answers, never failures; so are errors about one request (a 400, an
 * idempotency conflict) or our own setup (a missing secret): they say nothing about the gateway's
 * health, and one bad message must not stop everyone's payments.
 */

/** The shared state of one circuit, as every instance reads it. */
export interface CircuitSnapshot {
  /**
   * While set, the circuit has opened and not closed since: open until then (epoch ms), half-open
   * after. `null`: closed.
   */
  openUntil: number | null;
}

/** Where the circuits live; every write is atomic, so racing instances agree. */
export interface CircuitStore {
  /** The circuit's current state (closed if it was never written). */
  read(name: string): Promise<CircuitSnapshot>;
  /**
   * Counts one failure in the circuit's current failure window, first starting a new window of
   * `windowMs` from `nowMs` if the last one has ended (or there is none).
   * @returns the failures counted in that window, this one included.
   */
  addFailure(name: string, nowMs: number, windowMs: number): Promise<number>;
  /**
   * Opens the circuit until `untilMs`, unless it is open at `nowMs` already (another instance won).
   * @returns whether this call opened it, and the circuit's state after the call.
   */
  open(name: string, nowMs: number, untilMs: number): Promise<{ opened: boolean; state: CircuitSnapshot }>;
  /**
   * Closes the circuit (at `nowMs`) and clears its failure count, if its `openUntil` is still
   * `seenOpenUntil` (nobody re-opened or closed it meanwhile).
   * @returns whether this call closed it.
   */
  close(name: string, seenOpenUntil: number, nowMs: number): Promise<boolean>;
}

/** The gateway failures that say the gateway itself is unwell: no answer, a 5xx, a 429. */
const UNWELL: ReadonlySet<PaymentGatewayFailure> = new Set(['timeout', 'network', 'server-error', 'rate-limited']);

export const isGatewayUnwell = (error: unknown): boolean =>
  error instanceof PaymentGatewayError && UNWELL.has(error.failure);

/**
 * The call was not made: the circuit is open (or half-open with this instance's trial still
 * running). Transient like every gateway error (the order stays as it is); come back after
 * `retryInSeconds`. Not the AppError's `retryAfterSeconds`: that one becomes a client's
 * `Retry-After`, and the 502 a webhook may meet promises nothing of when the gateway is back.
 */
export class CircuitOpenError extends PaymentGatewayError {
  readonly circuit: string;
  /** Whole seconds until the circuit may let calls through again, at least 1. */
  readonly retryInSeconds: number;

  constructor(circuit: string, retryInSeconds: number) {
    super('circuit-open', `circuit ${circuit} is open: gateway not called; retry in ${retryInSeconds} s`);
    this.circuit = circuit;
    this.retryInSeconds = retryInSeconds;
  }

  override toJSON() {
    return { ...super.toJSON(), circuit: this.circuit, retryAfterSeconds: this.retryInSeconds };
  }
}

/** The delay an error asks for: `retryInSeconds` of a `CircuitOpenError`, else none. */
export const circuitRetryAfterSeconds = (error: unknown): number | undefined =>
  error instanceof CircuitOpenError ? error.retryInSeconds : undefined;

/** A transition this instance made (exactly one instance reports each one). */
export type CircuitTransition =
  | { circuit: string; to: 'open'; from: 'closed' | 'half-open'; until: Date; failures?: number }
  | { circuit: string; to: 'closed' };

export interface CircuitBreakerOptions {
  /** The circuit's name in the store: one circuit per dependency. */
  name: string;
  store: CircuitStore;
  clock: Clock;
  /** Failures within `windowSeconds` that open the circuit (≥ 1). */
  failureThreshold: number;
  windowSeconds: number;
  /** How long the circuit stays open before a trial call may go through. */
  cooldownSeconds: number;
  /**
   * How long this instance trusts its last read of the shared state (0: read before every call).
   * A busy worker then reads the store once per interval, not once per message; the price is
   * that it learns of another instance's transition up to this late.
   */
  cacheSeconds: number;
  /** Which errors count as failures (default: `isGatewayUnwell`). */
  isFailure?: (error: unknown) => boolean;
  onTransition?: (transition: CircuitTransition) => void;
  /**
   * Told when the store could not be read or written. The breaker then fails open: the call
   * proceeds as if the circuit were closed, and a failed count is lost (the store being down must
   * not stop payments that the gateway could take).
   */
  onStoreError?: (error: unknown, operation: 'read' | 'add-failure' | 'open' | 'close') => void;
}

export interface CircuitBreaker {
  /** Runs `call` through the circuit. @throws CircuitOpenError without calling it while open. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** The state as this instance sees it now (from its cache if fresh), for logs and tests. */
  state(): Promise<'closed' | 'open' | 'half-open'>;
}

const CLOSED: CircuitSnapshot = { openUntil: null };

function checkOptions(options: CircuitBreakerOptions): void {
  const { failureThreshold, windowSeconds, cooldownSeconds, cacheSeconds } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1)
    throw new RangeError(`failureThreshold must be a positive integer, got ${failureThreshold}`);
  for (const [option, value] of Object.entries({ windowSeconds, cooldownSeconds }))
    if (!(value > 0)) throw new RangeError(`${option} must be positive, got ${value}`);
  if (!(cacheSeconds >= 0)) throw new RangeError(`cacheSeconds must be 0 or more, got ${cacheSeconds}`);
}

/** A circuit breaker over a shared store (see the module comment). */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  checkOptions(options);
  const { name, store, clock, failureThreshold } = options;
  const windowMs = options.windowSeconds * 1000;
  const cooldownMs = options.cooldownSeconds * 1000;
  const cacheMs = options.cacheSeconds * 1000;
  const isFailure = options.isFailure ?? isGatewayUnwell;
  const onTransition = options.onTransition ?? (() => {});
  const onStoreError = options.onStoreError ?? (() => {});

  let cached: { snapshot: CircuitSnapshot; readAtMs: number } | null = null;
  /** One read at a time: the records of a batch that find the cache stale share it. */
  let reading: Promise<CircuitSnapshot> | null = null;
  /** This instance's half-open trial is running. */
  let trialRunning = false;

  const remember = (snapshot: CircuitSnapshot) => {
    cached = { snapshot, readAtMs: clock.now().getTime() };
  };

  const readFresh = (): Promise<CircuitSnapshot> => {
    reading ??= store
      .read(name)
      .then(
        (snapshot) => {
          remember(snapshot);
          return snapshot;
        },
        (error: unknown) => {
          onStoreError(error, 'read');
          return CLOSED;
        },
      )
      .finally(() => {
        reading = null;
      });
    return reading;
  };

  const snapshotAt = (nowMs: number): Promise<CircuitSnapshot> =>
    cached && nowMs - cached.readAtMs < cacheMs ? Promise.resolve(cached.snapshot) : readFresh();

  const stateOf = (snapshot: CircuitSnapshot, nowMs: number) =>
    snapshot.openUntil === null ? 'closed' : snapshot.openUntil > nowMs ? 'open' : 'half-open';

  const openError = (untilMs: number, nowMs: number) =>
    new CircuitOpenError(name, Math.max(1, Math.ceil((untilMs - nowMs) / 1000)));

  async function open(from: 'closed' | 'half-open', failures?: number): Promise<void> {
    const nowMs = clock.now().getTime();
    try {
      const { opened, state } = await store.open(name, nowMs, nowMs + cooldownMs);
      remember(state);
      if (opened && state.openUntil !== null)
        onTransition({ circuit: name, to: 'open', from, until: new Date(state.openUntil), failures });
    } catch (error) {
      onStoreError(error, 'open');
    }
  }

  async function countFailure(): Promise<void> {
    let failures: number;
    try {
      failures = await store.addFailure(name, clock.now().getTime(), windowMs);
    } catch (error) {
      onStoreError(error, 'add-failure');
      return;
    }
    if (failures >= failureThreshold) await open('closed', failures);
  }

  async function close(seenOpenUntil: number): Promise<void> {
    try {
      if (await store.close(name, seenOpenUntil, clock.now().getTime())) {
        remember(CLOSED);
        onTransition({ circuit: name, to: 'closed' });
      } else {
        cached = null; // someone else moved it: read again next time
      }
    } catch (error) {
      onStoreError(error, 'close');
    }
  }

  /** The one call this instance lets through a half-open circuit: its outcome decides. */
  async function trial<T>(call: () => Promise<T>, seenOpenUntil: number): Promise<T> {
    trialRunning = true;
    try {
      const result = await call();
      await close(seenOpenUntil);
      return result;
    } catch (error) {
      if (isFailure(error)) await open('half-open');
      else await close(seenOpenUntil);
      throw error;
    } finally {
      trialRunning = false;
    }
  }

  return {
    async run(call) {
      const nowMs = clock.now().getTime();
      let snapshot = await snapshotAt(nowMs);
      // A half-open circuit seen in the cache may have been closed or re-opened since: check first.
      if (stateOf(snapshot, nowMs) === 'half-open' && !trialRunning) snapshot = await readFresh();
      const state = stateOf(snapshot, nowMs);
      if (state === 'open') throw openError(snapshot.openUntil as number, nowMs);
      if (state === 'half-open') {
        // Everyone else waits for the trial's verdict as if the circuit were still open.
        if (trialRunning) throw openError(nowMs + cooldownMs, nowMs);
        return trial(call, snapshot.openUntil as number);
      }
      try {
        return await call();
      } catch (error) {
        if (isFailure(error)) await countFailure();
        throw error;
      }
    },
    async state() {
      const nowMs = clock.now().getTime();
      return stateOf(await snapshotAt(nowMs), nowMs);
    },
  };
}

/** The gateway behind a circuit breaker: charges and refunds both go through it. */
export function circuitBreakingGateway(gateway: PaymentGateway, breaker: CircuitBreaker): PaymentGateway {
  return {
    charge: (request) => breaker.run(() => gateway.charge(request)),
    refund: (request) => breaker.run(() => gateway.refund(request)),
  };
}
