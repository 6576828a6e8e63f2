import {
  type OpenCircuitBackoffPolicy,
  openCircuitBackoff,
  SQS_MAX_HOLD_SECONDS,
} from '../../shared/domain/payments/open-circuit-backoff';

/** RESERVATION_TTL_SECONDS, QUEUE_MAX_RECEIVE_COUNT and PAYMENT_CIRCUIT_COOLDOWN_SECONDS as shipped. */
const defaults: OpenCircuitBackoffPolicy = { reservationTtlSeconds: 900, maxReceiveCount: 5 };
const COOLDOWN = 30;

/** The holds of a message refused at every delivery that is followed by another (1 … maxReceiveCount − 1). */
function holdsBeforeLastDelivery(policy: OpenCircuitBackoffPolicy, retryAfter: (delivery: number) => number) {
  const backoff = openCircuitBackoff(policy);
  return Array.from({ length: policy.maxReceiveCount - 1 }, (_, i) => backoff(retryAfter(i + 1), i + 1));
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('how long the payment worker holds back a message the open circuit refused', () => {
  it('holds the first delivery exactly for the circuit’s retry-after', () => {
    const backoff = openCircuitBackoff(defaults);

    expect(backoff(COOLDOWN, 1)).toBe(COOLDOWN);
    expect(backoff(7, 1)).toBe(7);
  });

  it('with the defaults, keeps a refused payment out of the dead-letter queue for the whole reservation', () => {
    const holds = holdsBeforeLastDelivery(defaults, () => COOLDOWN);

    expect(sum(holds)).toBeGreaterThanOrEqual(defaults.reservationTtlSeconds);
    // The old hold (the retry-after every time) dead-lettered it after 4 × 30 s.
    expect(holds.slice(1).every((hold) => hold > COOLDOWN)).toBe(true);
  });

  it('covers the reservation however short the retry-afters are (the end of a cooldown)', () => {
    for (const maxReceiveCount of [2, 3, 5, 10]) {
      const policy = { reservationTtlSeconds: 900, maxReceiveCount };

      expect(sum(holdsBeforeLastDelivery(policy, () => 1))).toBeGreaterThanOrEqual(900);
    }
  });

  it('grows the hold with every delivery before the last one', () => {
    const holds = holdsBeforeLastDelivery({ reservationTtlSeconds: 3600, maxReceiveCount: 8 }, () => COOLDOWN);

    for (let i = 1; i < holds.length; i++) expect(holds[i]).toBeGreaterThan(holds[i - 1] as number);
    expect((holds.at(-1) as number) / (holds.at(-2) as number)).toBeCloseTo(2, 1);
  });

  it('is never shorter than the retry-after, whatever the delivery', () => {
    const backoff = openCircuitBackoff({ reservationTtlSeconds: 60, maxReceiveCount: 10 });

    for (let delivery = 1; delivery <= 12; delivery++) expect(backoff(45, delivery)).toBeGreaterThanOrEqual(45);
  });

  it('never holds longer than the reservation lifetime, nor than SQS allows', () => {
    const short = openCircuitBackoff({ reservationTtlSeconds: 100, maxReceiveCount: 3 });
    const long = openCircuitBackoff({ reservationTtlSeconds: 7 * 24 * 3600, maxReceiveCount: 3 });

    for (let delivery = 1; delivery <= 5; delivery++) expect(short(COOLDOWN, delivery)).toBeLessThanOrEqual(100);
    expect(long(COOLDOWN, 2)).toBe(SQS_MAX_HOLD_SECONDS);
    expect(long(SQS_MAX_HOLD_SECONDS * 2, 1)).toBe(SQS_MAX_HOLD_SECONDS);
  });

  it('holds the last delivery only for the retry-after: the message is dead-lettered next, waiting longer helps nothing', () => {
    const backoff = openCircuitBackoff(defaults);

    expect(backoff(COOLDOWN, defaults.maxReceiveCount)).toBe(COOLDOWN);
    expect(backoff(COOLDOWN, defaults.maxReceiveCount + 3)).toBe(COOLDOWN);
  });

  it('takes a missing or nonsensical receive count as the first delivery', () => {
    const backoff = openCircuitBackoff(defaults);

    for (const count of [Number.NaN, 0, -3]) expect(backoff(COOLDOWN, count)).toBe(COOLDOWN);
  });

  it('refuses a policy it cannot honour', () => {
    expect(() => openCircuitBackoff({ reservationTtlSeconds: 0, maxReceiveCount: 5 })).toThrow(RangeError);
    expect(() => openCircuitBackoff({ reservationTtlSeconds: 900, maxReceiveCount: 0 })).toThrow(RangeError);
    expect(() => openCircuitBackoff({ reservationTtlSeconds: 900, maxReceiveCount: 2.5 })).toThrow(RangeError);
  });
});
