import { CheckoutBusyError } from '../../shared/domain/orders/order-errors';
import { CircuitOpenError } from '../../shared/domain/payments/circuit-breaker';
import { RateLimitedError } from '../../shared/domain/rate-limit/rate-limit-errors';
import { AppError, ContentionError, ServiceUnavailableError } from '../../shared/errors';
import { problemResponse } from '../../shared/http/problem';
import { CONFLICT, retryOnConflict } from '../../shared/lib/retry-on-conflict';

describe('retryOnConflict', () => {
  it('answers with the first attempt that does not lose its race, and tries no further', async () => {
    const seen: number[] = [];
    const result = await retryOnConflict(
      async (index) => {
        seen.push(index);
        return index < 2 ? CONFLICT : `won at ${index}`;
      },
      { attempts: 5, exhausted: () => 'gave up' },
    );
    expect(result).toBe('won at 2');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('when every attempt loses, makes exactly `attempts` of them and ends with what `exhausted` gives', async () => {
    let attempts = 0;
    const lose = async (): Promise<string | typeof CONFLICT> => {
      attempts++;
      return CONFLICT;
    };
    expect(await retryOnConflict(lose, { attempts: 4, exhausted: () => 'deferred' })).toBe('deferred');
    expect(attempts).toBe(4);
    await expect(
      retryOnConflict(lose, {
        attempts: 3,
        exhausted: () => {
          throw new ContentionError('busy');
        },
      }),
    ).rejects.toBeInstanceOf(ContentionError);
  });

  it('waits a full-jitter backoff between attempts, never before the first or after the last', async () => {
    const waits: number[] = [];
    const pause = async (ms: number) => {
      waits.push(ms);
    };
    await retryOnConflict(async () => CONFLICT, {
      attempts: 4,
      backoff: { baseMs: 20, capMs: 30 },
      pause,
      exhausted: () => undefined,
    });
    expect(waits).toHaveLength(3);
    // Attempt n waits at most min(cap, base × 2^(n-1)).
    expect(waits[0]).toBeLessThanOrEqual(20);
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(30);
  });

  it('without a backoff, retries at once', async () => {
    const pause = jest.fn(async () => undefined);
    await retryOnConflict(async () => CONFLICT, { attempts: 3, pause, exhausted: () => undefined });
    expect(pause).not.toHaveBeenCalled();
  });

  it('lets an error of an attempt through at once', async () => {
    let attempts = 0;
    const failing = retryOnConflict(
      async () => {
        attempts++;
        throw new Error('not a conflict');
      },
      { attempts: 5, exhausted: () => undefined },
    );
    await expect(failing).rejects.toThrow('not a conflict');
    expect(attempts).toBe(1);
  });
});

describe('the Retry-After of an error, made by the HTTP layer from its retryAfterSeconds', () => {
  const answer = (error: AppError) => {
    const { statusCode, headers, body } = problemResponse(error, 'req-1');
    return { statusCode, headers, code: JSON.parse(body as string).code };
  };

  it.each([
    [
      '503 CONTENTION with Retry-After: 1 when an optimistic write keeps losing',
      new ContentionError('busy'),
      503,
      'CONTENTION',
      '1',
    ],
    [
      '503 CHECKOUT_BUSY with Retry-After: 1 when a checkout or cancellation keeps losing',
      new CheckoutBusyError(),
      503,
      'CHECKOUT_BUSY',
      '1',
    ],
    [
      '429 RATE_LIMITED with the whole seconds until the window ends',
      new RateLimitedError(2.2),
      429,
      'RATE_LIMITED',
      '3',
    ],
    ['503 SERVICE_UNAVAILABLE with Retry-After: 5', new ServiceUnavailableError(), 503, 'SERVICE_UNAVAILABLE', '5'],
  ])('sends %s', (_, error, statusCode, code, retryAfter) => {
    expect(answer(error)).toEqual({
      statusCode,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': retryAfter },
      code,
    });
  });

  it('sends no Retry-After for an error that names no delay (a 502 of an open payment circuit included)', () => {
    expect(answer(new CircuitOpenError('payment-gateway', 30))).toEqual({
      statusCode: 502,
      headers: { 'Content-Type': 'application/problem+json' },
      code: 'PAYMENT_GATEWAY_ERROR',
    });
    expect(answer(new AppError(409, 'CONFLICT', 'Conflict')).headers).toEqual({
      'Content-Type': 'application/problem+json',
    });
  });
});
