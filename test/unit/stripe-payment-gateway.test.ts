import {
  createStripePaymentGateway,
  STRIPE_API_VERSION,
  type StripePaymentGatewayOptions,
} from '../../shared/adapters/payments/stripe-payment-gateway';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { ChargeRequest } from '../../shared/domain/payments/payment-gateway';

/** A scripted gateway: each call takes the next step; every request is recorded. */
type Step = (init: RequestInit) => Promise<Response>;

interface Sent {
  url: string;
  headers: Record<string, string>;
  form: URLSearchParams;
  signal: AbortSignal;
}

function fakeFetch(...steps: Step[]) {
  const sent: Sent[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    sent.push({
      url: String(url),
      headers: init.headers as Record<string, string>,
      form: new URLSearchParams(String(init.body)),
      signal: init.signal as AbortSignal,
    });
    const step = steps[Math.min(sent.length, steps.length) - 1];
    if (!step) throw new Error('no step scripted');
    return step(init);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => {
  return async () => new Response(JSON.stringify(body), { status, headers });
};
const intent = (status: string, extra: Record<string, unknown> = {}) =>
  json(200, { id: 'pi_123', object: 'payment_intent', status, ...extra });
const succeeded = intent('succeeded');
const declined = (error: Record<string, unknown>) => json(402, { error: { type: 'card_error', ...error } });
const connectionReset: Step = async () => {
  throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
};
/** Never answers; gives up only when the caller's signal aborts (as fetch does). */
const hang: Step = (init) =>
  new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));

const order: ChargeRequest = {
  orderId: 'ord_1',
  amount: 2599,
  currency: 'EUR',
  paymentToken: 'tok_visa',
  idempotencyKey: 'ord_1',
};

function gateway(fetch: typeof globalThis.fetch, options: Partial<StripePaymentGatewayOptions> = {}) {
  const delays: number[] = [];
  const instance = createStripePaymentGateway({
    baseUrl: 'https://gateway.test/',
    secret: async () => 'sk_test_unit',
    timeoutMs: 1000,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 250 },
    fetch,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { gateway: instance, delays };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as PaymentGatewayError,
  );

describe('the Stripe payment gateway: what it sends', () => {
  it('creates and confirms one card PaymentIntent for the order, with its idempotency key and secret', async () => {
    const { fetch, sent } = fakeFetch(succeeded);

    await gateway(fetch).gateway.charge(order);

    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url).toBe('https://gateway.test/v1/payment_intents');
    expect(request?.headers).toMatchObject({
      Authorization: 'Bearer sk_test_unit',
      'Content-Type': 'application/x-www-form-urlencoded',
      'Idempotency-Key': 'ord_1',
      'Stripe-Version': STRIPE_API_VERSION,
    });
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      amount: '2599',
      currency: 'eur',
      confirm: 'true',
      'payment_method_types[]': 'card',
      'payment_method_data[type]': 'card',
      'payment_method_data[card][token]': 'tok_visa',
      'metadata[orderId]': 'ord_1',
    });
  });

  it('passes a saved PaymentMethod id as the payment method itself', async () => {
    const { fetch, sent } = fakeFetch(succeeded);

    await gateway(fetch).gateway.charge({ ...order, paymentToken: 'pm_card_visa' });

    expect(sent[0]?.form.get('payment_method')).toBe('pm_card_visa');
    expect(sent[0]?.form.has('payment_method_data[card][token]')).toBe(false);
  });

  it('refunds a payment intent, in part or (without an amount) whatever is left, under its own key', async () => {
    const { fetch, sent } = fakeFetch(json(200, { id: 're_1', object: 'refund', status: 'succeeded' }));
    const { gateway: instance } = gateway(fetch);

    expect(await instance.refund({ paymentIntentId: 'pi_123', amount: 500, idempotencyKey: 'refund:ord_1' })).toEqual({
      refundId: 're_1',
    });
    await instance.refund({ paymentIntentId: 'pi_123', idempotencyKey: 'refund:ord_1:all' });

    expect(sent.map((request) => request.url)).toEqual([
      'https://gateway.test/v1/refunds',
      'https://gateway.test/v1/refunds',
    ]);
    expect(Object.fromEntries(sent[0]?.form ?? [])).toEqual({ payment_intent: 'pi_123', amount: '500' });
    expect(Object.fromEntries(sent[1]?.form ?? [])).toEqual({ payment_intent: 'pi_123' });
    expect(sent.map((request) => request.headers['Idempotency-Key'])).toEqual(['refund:ord_1', 'refund:ord_1:all']);
  });
});

describe('the Stripe payment gateway: what the answers mean', () => {
  it('a succeeded PaymentIntent is a success with its id', async () => {
    const { fetch } = fakeFetch(succeeded);

    expect(await gateway(fetch).gateway.charge(order)).toEqual({ outcome: 'succeeded', paymentIntentId: 'pi_123' });
  });

  it('a 402 card error is a decline with the decline code, asked once', async () => {
    const { fetch, sent } = fakeFetch(declined({ code: 'card_declined', decline_code: 'insufficient_funds' }));

    expect(await gateway(fetch).gateway.charge(order)).toEqual({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(sent).toHaveLength(1);
  });

  it('a card error without a decline code is declined with its error code', async () => {
    const { fetch } = fakeFetch(declined({ code: 'expired_card' }));

    expect(await gateway(fetch).gateway.charge(order)).toEqual({ outcome: 'declined', reason: 'expired_card' });
  });

  it('an intent that failed confirmation or needs the absent customer to authenticate is declined', async () => {
    const { fetch } = fakeFetch(
      intent('requires_payment_method', {
        last_payment_error: { code: 'card_declined', decline_code: 'do_not_honor' },
      }),
      intent('requires_action'),
    );
    const { gateway: instance } = gateway(fetch);

    expect(await instance.charge(order)).toEqual({ outcome: 'declined', reason: 'do_not_honor' });
    expect(await instance.charge(order)).toEqual({ outcome: 'declined', reason: 'authentication_required' });
  });

  it('an intent in a state this integration never creates is an error for a person, not retried', async () => {
    const { fetch, sent } = fakeFetch(intent('requires_capture'));

    const error = await failureOf(gateway(fetch).gateway.charge(order));

    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ failure: 'unexpected-response', retryable: false });
    expect(sent).toHaveLength(1);
  });

  it('keeps the gateway’s message for the logs but shows clients a generic detail', async () => {
    const { fetch } = fakeFetch(json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key' } }));

    const error = await failureOf(gateway(fetch).gateway.charge(order));

    expect(error.message).toBe('POST /v1/payment_intents answered 401: Invalid API Key');
    expect(error.detail).not.toContain('API Key');
    expect(error.toJSON()).toMatchObject({ httpStatus: 401, gatewayCode: 'invalid_request_error' });
  });
});

describe('the Stripe payment gateway: retries', () => {
  test.each([
    ['a 500', json(500, { error: { type: 'api_error' } }), 'server-error'],
    ['a 503', json(503, { error: { type: 'api_error' } }), 'server-error'],
    ['a 429', json(429, { error: { type: 'invalid_request_error', code: 'rate_limit' } }), 'rate-limited'],
    ['a 409 (the key is busy)', json(409, { error: { type: 'idempotency_error' } }), 'conflict'],
    ['a broken connection', connectionReset, 'network'],
    ['an answer that is not JSON', async () => new Response('<html>', { status: 200 }), 'unexpected-response'],
  ])('after %s the same request is sent again, same key and body, until it succeeds', async (_what, fault, failure) => {
    const { fetch, sent } = fakeFetch(fault, fault, succeeded);
    const seen: string[] = [];

    const result = await gateway(fetch, {
      onRetry: ({ error }) => seen.push(error.failure),
    }).gateway.charge(order);

    expect(result).toEqual({ outcome: 'succeeded', paymentIntentId: 'pi_123' });
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((request) => request.headers['Idempotency-Key']))).toEqual(new Set(['ord_1']));
    expect(new Set(sent.map((request) => request.form.toString())).size).toBe(1);
    expect(seen).toEqual([failure, failure]);
  });

  it('gives up after maxAttempts with a retryable PaymentGatewayError saying what failed', async () => {
    const { fetch, sent } = fakeFetch(json(502, { error: { type: 'api_error', message: 'upstream' } }));

    const error = await failureOf(gateway(fetch).gateway.charge(order));

    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ failure: 'server-error', retryable: true, httpStatus: 502 });
    expect(error.transient).toBe(true);
    expect(sent).toHaveLength(3);
  });

  test.each([
    ['a wrong secret (401)', 401, 'authentication_error'],
    ['a missing permission (403)', 403, 'permission_error'],
  ])(
    "%s is not retried, and not taken as the customer's refusal: only a fix of ours can change it",
    async (_what, status, type) => {
      const { fetch, sent } = fakeFetch(json(status, { error: { type } }));

      const error = await failureOf(gateway(fetch).gateway.charge(order));

      expect(error).toMatchObject({ failure: 'rejected', retryable: false, httpStatus: status });
      expect(sent).toHaveLength(1);
    },
  );

  test.each([
    ['an unknown token (400)', 400, 'resource_missing'],
    ['an amount over the limit (400)', 400, 'amount_too_large'],
    ['an unknown payment method (404)', 404, 'resource_missing'],
  ])('%s refuses the charge for good: declined with its code, not retried', async (_what, status, code) => {
    const { fetch, sent } = fakeFetch(json(status, { error: { type: 'invalid_request_error', code } }));

    expect(await gateway(fetch).gateway.charge(order)).toEqual({ outcome: 'declined', reason: code });
    expect(sent).toHaveLength(1);
  });

  it('an invalid request without a code is declined as invalid_request', async () => {
    const { fetch } = fakeFetch(json(400, { error: { type: 'invalid_request_error' } }));
    expect(await gateway(fetch).gateway.charge(order)).toEqual({ outcome: 'declined', reason: 'invalid_request' });
  });

  it('a refund the gateway refuses (400) stays an error: no refund is ever taken as done', async () => {
    const { fetch } = fakeFetch(
      json(400, { error: { type: 'invalid_request_error', code: 'charge_already_refunded' } }),
    );
    const error = await failureOf(gateway(fetch).gateway.refund({ paymentIntentId: 'pi_1', idempotencyKey: 'r-1' }));
    expect(error).toMatchObject({ failure: 'refused', retryable: false, httpStatus: 400 });
  });

  it('an invalid request the gateway says to retry (a lock timeout) that keeps failing is not a refusal', async () => {
    const lockTimeout = json(400, { error: { type: 'invalid_request_error' } }, { 'Stripe-Should-Retry': 'true' });
    const { fetch } = fakeFetch(lockTimeout, lockTimeout, lockTimeout);
    await expect(gateway(fetch).gateway.charge(order)).rejects.toMatchObject({ failure: 'refused', retryable: true });
  });

  it('follows Stripe-Should-Retry when the gateway says so', async () => {
    const stored500 = json(500, { error: { type: 'api_error' } }, { 'Stripe-Should-Retry': 'false' });
    const lockTimeout = json(400, { error: { type: 'invalid_request_error' } }, { 'Stripe-Should-Retry': 'true' });
    const first = fakeFetch(stored500, succeeded);
    const second = fakeFetch(lockTimeout, succeeded);

    await expect(gateway(first.fetch).gateway.charge(order)).rejects.toMatchObject({ retryable: false });
    expect(await gateway(second.fetch).gateway.charge(order)).toMatchObject({ outcome: 'succeeded' });
    expect([first.sent.length, second.sent.length]).toEqual([1, 2]);
  });

  it('abandons an attempt that gets no answer within the timeout and retries it with the same key', async () => {
    const { fetch, sent } = fakeFetch(hang, succeeded);
    const seen: string[] = [];

    const result = await gateway(fetch, {
      timeoutMs: 20,
      onRetry: ({ error }) => seen.push(error.failure),
    }).gateway.charge(order);

    expect(result).toMatchObject({ outcome: 'succeeded' });
    expect(seen).toEqual(['timeout']);
    expect(sent[0]?.signal.aborted).toBe(true);
    expect(sent.map((request) => request.headers['Idempotency-Key'])).toEqual(['ord_1', 'ord_1']);
  });

  it('waits a full-jitter exponential delay between attempts, capped', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const { fetch } = fakeFetch(json(500, {}));
      const { gateway: instance, delays } = gateway(fetch, {
        retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250 },
      });

      await failureOf(instance.charge(order));

      // Half of min(cap, base × 2^n): 100, 200, 250, 250.
      expect(delays).toEqual([50, 100, 125, 125]);
    } finally {
      random.mockRestore();
    }
  });

  it('does not call the gateway when its secret cannot be loaded', async () => {
    const { fetch, sent } = fakeFetch(succeeded);

    const error = await failureOf(
      gateway(fetch, { secret: () => Promise.reject(new Error('AccessDenied')) }).gateway.charge(order),
    );

    expect(error).toMatchObject({ failure: 'secret-unavailable', retryable: false });
    expect(sent).toHaveLength(0);
  });
});
