import {
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitSnapshot,
  type CircuitStore,
  type CircuitTransition,
  circuitBreakingGateway,
  circuitRetryAfterSeconds,
  createCircuitBreaker,
} from '../../shared/domain/payments/circuit-breaker';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { ChargeRequest, ChargeResult, PaymentGateway } from '../../shared/domain/payments/payment-gateway';

/** The store's contract in memory (shared/adapters/dynamo/dynamo-circuit-store.ts does it with conditional writes). */
function inMemoryCircuitStore() {
  const circuits = new Map<string, { openUntil: number | null; failures: number; windowEndsAt: number | null }>();
  const circuit = (name: string) => {
    const found = circuits.get(name) ?? { openUntil: null, failures: 0, windowEndsAt: null };
    circuits.set(name, found);
    return found;
  };
  const calls = { reads: 0 };
  const store: CircuitStore = {
    async read(name) {
      calls.reads++;
      return { openUntil: circuit(name).openUntil };
    },
    async addFailure(name, nowMs, windowMs) {
      const state = circuit(name);
      if (state.windowEndsAt === null || state.windowEndsAt <= nowMs) {
        state.windowEndsAt = nowMs + windowMs;
        state.failures = 0;
      }
      state.failures += 1;
      return state.failures;
    },
    async open(name, nowMs, untilMs) {
      const state = circuit(name);
      const opened = state.openUntil === null || state.openUntil <= nowMs;
      if (opened) state.openUntil = untilMs;
      return { opened, state: { openUntil: state.openUntil } satisfies CircuitSnapshot };
    },
    async close(name, seenOpenUntil) {
      const state = circuit(name);
      if (state.openUntil !== seenOpenUntil) return false;
      circuits.set(name, { openUntil: null, failures: 0, windowEndsAt: null });
      return true;
    },
  };
  return { store, calls };
}

function fakeClock(start = Date.parse('2026-03-01T12:00:00.000Z')) {
  let nowMs = start;
  return {
    now: () => new Date(nowMs),
    advance(seconds: number) {
      nowMs += seconds * 1000;
    },
  };
}

type Scripted = ChargeResult | Error | Promise<ChargeResult>;

/** A gateway that answers each charge with the next scripted outcome (the last one repeats). */
function scriptedGateway(...script: Scripted[]) {
  const calls = { charges: 0, refunds: 0 };
  const gateway: PaymentGateway = {
    async charge() {
      const next = script.length > 1 ? script.shift() : script[0];
      calls.charges++;
      if (next instanceof Error) throw next;
      return (await next) as ChargeResult;
    },
    async refund() {
      calls.refunds++;
      return { refundId: 're_1' };
    },
  };
  return { gateway, calls };
}

const paid: ChargeResult = { outcome: 'succeeded', paymentIntentId: 'pi_1' };
const declined: ChargeResult = { outcome: 'declined', reason: 'generic_decline' };
const outage = () => new PaymentGatewayError('server-error', 'HTTP 500', { httpStatus: 500 });
const request: ChargeRequest = {
  orderId: 'ord_1',
  amount: 1000,
  currency: 'EUR',
  paymentToken: 'tok_visa',
  idempotencyKey: 'ord_1',
};

/** A breaker over `gateway`: 3 failures in 60 s open it for 30 s; no read cache unless asked. */
function breakerOver(
  gateway: PaymentGateway,
  overrides: Partial<CircuitBreakerOptions> & { store?: CircuitStore; clock?: ReturnType<typeof fakeClock> } = {},
) {
  const clock = overrides.clock ?? fakeClock();
  const transitions: CircuitTransition[] = [];
  const breaker = createCircuitBreaker({
    name: 'payment-gateway',
    store: overrides.store ?? inMemoryCircuitStore().store,
    failureThreshold: 3,
    windowSeconds: 60,
    cooldownSeconds: 30,
    cacheSeconds: 0,
    onTransition: (transition) => transitions.push(transition),
    ...overrides,
    clock,
  });
  return { guarded: circuitBreakingGateway(gateway, breaker), breaker, clock, transitions };
}

const attempt = (gateway: PaymentGateway) => gateway.charge(request).catch((error: unknown) => error);

describe('the payment circuit breaker', () => {
  it('opens when the failures reach the threshold within the window, and then fails fast without calling the gateway', async () => {
    const { gateway, calls } = scriptedGateway(outage());
    const { guarded, breaker, transitions } = breakerOver(gateway);

    for (let i = 0; i < 2; i++) expect(await attempt(guarded)).toMatchObject({ failure: 'server-error' });
    expect(await breaker.state()).toBe('closed');
    expect(await attempt(guarded)).toMatchObject({ failure: 'server-error' });
    expect(calls.charges).toBe(3);

    const refused = await attempt(guarded);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toBeInstanceOf(PaymentGatewayError);
    expect(refused).toMatchObject({ failure: 'circuit-open', retryable: false, retryInSeconds: 30 });
    expect(calls.charges).toBe(3);
    expect(transitions).toEqual([
      { circuit: 'payment-gateway', to: 'open', from: 'closed', until: expect.any(Date), failures: 3 },
    ]);
  });

  it('does not add up failures that are further apart than the window', async () => {
    const { gateway, calls } = scriptedGateway(outage());
    const { guarded, breaker, clock } = breakerOver(gateway);

    for (let i = 0; i < 2; i++) await attempt(guarded);
    clock.advance(61);
    for (let i = 0; i < 2; i++) await attempt(guarded);

    expect(await breaker.state()).toBe('closed');
    expect(calls.charges).toBe(4);
  });

  it('while open, refuses charges and refunds alike, saying how much of the cooldown is left', async () => {
    const { gateway, calls } = scriptedGateway(outage());
    const { guarded, clock } = breakerOver(gateway);
    for (let i = 0; i < 3; i++) await attempt(guarded);

    clock.advance(20.5);
    const charge = await attempt(guarded);
    const refund = await guarded
      .refund({ paymentIntentId: 'pi_1', idempotencyKey: 'refund-ord_1' })
      .catch((error: unknown) => error);

    expect(charge).toBeInstanceOf(CircuitOpenError);
    expect(circuitRetryAfterSeconds(charge)).toBe(10);
    expect(refund).toBeInstanceOf(CircuitOpenError);
    expect(calls).toEqual({ charges: 3, refunds: 0 });
  });

  it('after the cooldown lets a trial through; its success closes the circuit and clears the old failures', async () => {
    const { gateway, calls } = scriptedGateway(outage(), outage(), outage(), paid, outage(), outage(), paid);
    const { guarded, breaker, clock, transitions } = breakerOver(gateway);
    for (let i = 0; i < 3; i++) await attempt(guarded);
    clock.advance(30);
    expect(await breaker.state()).toBe('half-open');

    expect(await attempt(guarded)).toEqual(paid);

    expect(await breaker.state()).toBe('closed');
    expect(transitions.map((transition) => transition.to)).toEqual(['open', 'closed']);
    // Counting starts afresh: two failures are below the threshold.
    for (let i = 0; i < 2; i++) await attempt(guarded);
    expect(await attempt(guarded)).toEqual(paid);
    expect(calls.charges).toBe(7);
  });

  it('after the cooldown, a failed trial opens the circuit again for a whole cooldown', async () => {
    const { gateway, calls } = scriptedGateway(outage());
    const { guarded, breaker, clock, transitions } = breakerOver(gateway);
    for (let i = 0; i < 3; i++) await attempt(guarded);
    clock.advance(31);

    expect(await attempt(guarded)).toMatchObject({ failure: 'server-error' });

    expect(await breaker.state()).toBe('open');
    expect(await attempt(guarded)).toMatchObject({ retryInSeconds: 30 });
    expect(calls.charges).toBe(4);
    expect(transitions).toEqual([
      expect.objectContaining({ to: 'open', from: 'closed' }),
      expect.objectContaining({ to: 'open', from: 'half-open' }),
    ]);
  });

  it('lets one trial at a time through a half-open circuit on one instance; the others fail fast', async () => {
    let answer: (result: ChargeResult) => void = () => {};
    const pending = new Promise<ChargeResult>((resolve) => {
      answer = resolve;
    });
    const { gateway, calls } = scriptedGateway(outage(), outage(), outage(), pending, paid);
    const { guarded, clock } = breakerOver(gateway);
    for (let i = 0; i < 3; i++) await attempt(guarded);
    clock.advance(30);

    const trial = attempt(guarded);
    const others = await Promise.all([attempt(guarded), attempt(guarded)]);
    answer(paid);

    expect(others).toEqual([expect.any(CircuitOpenError), expect.any(CircuitOpenError)]);
    expect(await trial).toEqual(paid);
    expect(await attempt(guarded)).toEqual(paid);
    expect(calls.charges).toBe(5);
  });

  it('never counts declines, successes or errors about one request, however many', async () => {
    const rejected = new PaymentGatewayError('rejected', 'HTTP 400 idempotency_error', { httpStatus: 400 });
    const { gateway, calls } = scriptedGateway(declined, declined, paid, rejected, rejected, declined, paid);
    const { guarded, breaker, transitions } = breakerOver(gateway, { failureThreshold: 1 });

    const outcomes = [];
    for (let i = 0; i < 7; i++) outcomes.push(await attempt(guarded));

    expect(outcomes.filter((outcome) => outcome instanceof CircuitOpenError)).toEqual([]);
    expect(outcomes[3]).toBe(rejected);
    expect(await breaker.state()).toBe('closed');
    expect(transitions).toEqual([]);
    expect(calls.charges).toBe(7);
  });

  it('counts timeouts, connection errors and 429s as failures too', async () => {
    const { gateway } = scriptedGateway(
      new PaymentGatewayError('timeout', 'no answer in 5000 ms'),
      new PaymentGatewayError('network', 'ECONNRESET'),
      new PaymentGatewayError('rate-limited', 'HTTP 429', { httpStatus: 429 }),
    );
    const { guarded, breaker } = breakerOver(gateway);

    for (let i = 0; i < 3; i++) await attempt(guarded);

    expect(await breaker.state()).toBe('open');
  });

  it('an instance learns of a circuit opened elsewhere once its cached read is older than the cache time', async () => {
    const { store, calls: storeCalls } = inMemoryCircuitStore();
    const clock = fakeClock();
    const failing = scriptedGateway(outage());
    const healthy = scriptedGateway(paid);
    const first = breakerOver(failing.gateway, { store, clock });
    const second = breakerOver(healthy.gateway, { store, clock, cacheSeconds: 2 });

    expect(await attempt(second.guarded)).toEqual(paid); // reads: closed, kept for 2 s
    for (let i = 0; i < 3; i++) await attempt(first.guarded);
    const readsBefore = storeCalls.reads;
    expect(await attempt(second.guarded)).toEqual(paid);
    expect(storeCalls.reads).toBe(readsBefore);

    clock.advance(2);
    expect(await attempt(second.guarded)).toBeInstanceOf(CircuitOpenError);
    expect(healthy.calls.charges).toBe(2);
  });

  it('fails open when the store cannot be read: the call goes to the gateway and the error is reported', async () => {
    const { store } = inMemoryCircuitStore();
    const storeErrors: string[] = [];
    const broken: CircuitStore = { ...store, read: () => Promise.reject(new Error('table unreachable')) };
    const { gateway, calls } = scriptedGateway(paid);
    const { guarded } = breakerOver(gateway, {
      store: broken,
      onStoreError: (_error, operation) => storeErrors.push(operation),
    });

    expect(await attempt(guarded)).toEqual(paid);
    expect(calls.charges).toBe(1);
    expect(storeErrors).toEqual(['read']);
  });

  it('refuses nonsensical settings', () => {
    const { gateway } = scriptedGateway(paid);
    expect(() => breakerOver(gateway, { failureThreshold: 0 })).toThrow(RangeError);
    expect(() => breakerOver(gateway, { cooldownSeconds: 0 })).toThrow(RangeError);
    expect(() => breakerOver(gateway, { cacheSeconds: -1 })).toThrow(RangeError);
  });
});
