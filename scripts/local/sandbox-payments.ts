/**
 * The in-memory part of Stripe's API that Cartwheel uses, for the local sandbox gateway
 * (sandbox-gateway.ts serves it over HTTP): create-and-confirm a PaymentIntent, create a Refund,
 * with Stripe's idempotency rules. The same key and parameters replay the stored answer; the same
 * key with other parameters is a 400 `idempotency_error`. An answer is stored once the endpoint
 * ran (2xx, and a 402 decline), not for validation errors.
 *
 * Test tokens (Stripe's names): `tok_visa`, `tok_mastercard` succeed; `tok_chargeDeclined` and
 * `tok_chargeDeclinedInsufficientFunds` are declined (402); `tok_gatewayError` is a 500 every time.
 * That 500 is not stored under its key (Stripe replays a 500 it stored): it stands for a failure
 * before the gateway's idempotency layer, so retries reach the "gateway" again and can be counted.
 * `pm_card_<name>` payment methods behave like `tok_<name>`.
 */
import { randomBytes } from 'node:crypto';

type Behaviour = { kind: 'succeed' } | { kind: 'decline'; declineCode: string } | { kind: 'fail' };

/** The largest charge Stripe takes in a two-decimal currency (minor units). */
export const MAX_CHARGE_AMOUNT = 99_999_999;

const TOKENS: Record<string, Behaviour> = {
  tok_visa: { kind: 'succeed' },
  tok_mastercard: { kind: 'succeed' },
  tok_chargeDeclined: { kind: 'decline', declineCode: 'generic_decline' },
  tok_chargeDeclinedInsufficientFunds: { kind: 'decline', declineCode: 'insufficient_funds' },
  tok_gatewayError: { kind: 'fail' },
};

export const PAYMENT_INTENTS_PATH = '/v1/payment_intents';
export const REFUNDS_PATH = '/v1/refunds';

export interface SandboxOrderStats {
  orderId: string;
  /** PaymentIntents that succeeded: money taken. */
  charges: number;
  declines: number;
  /** Every create-PaymentIntent request for the order, replays and failures included. */
  chargeAttempts: number;
  refunds: number;
  refundAttempts: number;
  paymentIntentIds: string[];
}

export interface SandboxAnswer {
  status: number;
  body: unknown;
  /** Whether the answer is stored under the request's idempotency key. */
  store: boolean;
}

export interface SandboxPayments {
  /** Answers `POST <path>` with a form body; `replayed` when it is a stored answer. */
  answer(path: string, params: URLSearchParams, idempotencyKey?: string): SandboxAnswer & { replayed: boolean };
  /** The order a request is about (`metadata[orderId]`, or the refunded intent's order). */
  orderOf(path: string, params: URLSearchParams): string | undefined;
  statsFor(orderId: string): SandboxOrderStats;
}

interface Intent {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  succeeded: boolean;
  refunded: number;
}

type Params = URLSearchParams;
type Answer = SandboxAnswer;

export const newSandboxId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const newId = newSandboxId;

/** A Stripe error body: `{ error: { type, message, code?, param?, ... } }`, not stored. */
export const apiError = (
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxAnswer => ({ status, body: { error: { type, message, ...extra } }, store: false });

export function createSandboxPayments(): SandboxPayments {
  const stored = new Map<string, { fingerprint: string; answer: Answer }>();
  const intents = new Map<string, Intent>();
  const stats = new Map<string, SandboxOrderStats>();

  const statsOf = (orderId: string): SandboxOrderStats => {
    let entry = stats.get(orderId);
    if (!entry) {
      const counters = { charges: 0, declines: 0, chargeAttempts: 0, refunds: 0, refundAttempts: 0 };
      entry = { orderId, ...counters, paymentIntentIds: [] };
      stats.set(orderId, entry);
    }
    return entry;
  };

  function createPaymentIntent(params: Params): Answer {
    const orderId = params.get('metadata[orderId]') ?? '';
    const amount = Number(params.get('amount'));
    const currency = (params.get('currency') ?? '').toLowerCase();
    if (!Number.isInteger(amount) || amount < 1)
      return apiError(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount' });
    if (amount > MAX_CHARGE_AMOUNT)
      return apiError(400, 'invalid_request_error', 'Amount must be no more than 999,999.99', {
        code: 'amount_too_large',
        param: 'amount',
      });
    if (!/^[a-z]{3}$/.test(currency))
      return apiError(400, 'invalid_request_error', 'Invalid currency', { param: 'currency' });
    if (params.get('confirm') !== 'true')
      return apiError(400, 'invalid_request_error', 'The sandbox only creates and confirms at once (confirm=true).');
    const cardOnly = params.getAll('payment_method_types[]').includes('card');
    if (!cardOnly && params.get('automatic_payment_methods[allow_redirects]') !== 'never' && !params.get('return_url'))
      return apiError(400, 'invalid_request_error', 'A return_url is required to confirm with redirect-based methods.');
    const paymentMethod = params.get('payment_method');
    const token =
      params.get('payment_method_data[card][token]') ?? paymentMethod?.replace(/^pm_card_/, 'tok_') ?? undefined;
    if (token === undefined)
      return apiError(400, 'invalid_request_error', 'Missing payment method', { param: 'payment_method_data' });
    const behaviour = TOKENS[token];
    if (!behaviour)
      return apiError(400, 'invalid_request_error', `No such token: '${token}'`, { code: 'resource_missing' });
    if (behaviour.kind === 'fail')
      return apiError(500, 'api_error', 'An error occurred with our connection to the card network (sandbox).');

    const intent: Intent = { id: newId('pi'), orderId, amount, currency, succeeded: false, refunded: 0 };
    intents.set(intent.id, intent);
    statsOf(orderId).paymentIntentIds.push(intent.id);
    const json = (status: string) => ({
      id: intent.id,
      object: 'payment_intent',
      amount,
      amount_received: status === 'succeeded' ? amount : 0,
      currency,
      status,
      metadata: orderId ? { orderId } : {},
      livemode: false,
    });
    if (behaviour.kind === 'decline') {
      statsOf(orderId).declines++;
      const declined = apiError(402, 'card_error', 'Your card was declined.', {
        code: 'card_declined',
        decline_code: behaviour.declineCode,
        charge: newId('ch'),
        payment_intent: json('requires_payment_method'),
      });
      return { ...declined, store: true };
    }
    intent.succeeded = true;
    statsOf(orderId).charges++;
    return { status: 200, body: json('succeeded'), store: true };
  }

  function createRefund(params: Params): Answer {
    const intentId = params.get('payment_intent');
    if (!intentId) return apiError(400, 'invalid_request_error', 'Missing payment_intent', { param: 'payment_intent' });
    const intent = intents.get(intentId);
    if (!intent)
      return apiError(404, 'invalid_request_error', `No such payment_intent: '${intentId}'`, {
        code: 'resource_missing',
      });
    if (!intent.succeeded)
      return apiError(400, 'invalid_request_error', 'This PaymentIntent does not have a successful charge to refund.');
    const remaining = intent.amount - intent.refunded;
    if (remaining === 0)
      return apiError(400, 'invalid_request_error', 'This charge has already been refunded.', {
        code: 'charge_already_refunded',
      });
    const amount = params.has('amount') ? Number(params.get('amount')) : remaining;
    if (!Number.isInteger(amount) || amount < 1)
      return apiError(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount' });
    if (amount > remaining)
      return apiError(400, 'invalid_request_error', 'The refund amount is greater than what is left to refund.', {
        code: 'amount_too_large',
      });
    intent.refunded += amount;
    statsOf(intent.orderId).refunds++;
    const refund = {
      id: newId('re'),
      object: 'refund',
      status: 'succeeded',
      payment_intent: intent.id,
      amount,
      currency: intent.currency,
      metadata: {},
    };
    return { status: 200, body: refund, store: true };
  }

  /** The order a request is about, for counters and injected delays. */
  function orderOf(path: string, params: Params): string | undefined {
    if (path === PAYMENT_INTENTS_PATH) return params.get('metadata[orderId]') ?? undefined;
    return intents.get(params.get('payment_intent') ?? '')?.orderId;
  }

  function answer(path: string, params: Params, idempotencyKey?: string): Answer & { replayed: boolean } {
    const orderId = orderOf(path, params);
    if (orderId !== undefined) {
      if (path === PAYMENT_INTENTS_PATH) statsOf(orderId).chargeAttempts++;
      else statsOf(orderId).refundAttempts++;
    }
    const fingerprint = `${path}?${[...params.entries()]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}`;
    const previous = idempotencyKey === undefined ? undefined : stored.get(idempotencyKey);
    if (previous && previous.fingerprint !== fingerprint) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
      return { ...apiError(400, 'idempotency_error', message), replayed: false };
    }
    if (previous) return { ...previous.answer, replayed: true };
    const fresh =
      path === PAYMENT_INTENTS_PATH
        ? createPaymentIntent(params)
        : path === REFUNDS_PATH
          ? createRefund(params)
          : apiError(404, 'invalid_request_error', `Unrecognized request URL (POST: ${path}).`);
    if (fresh.store && idempotencyKey !== undefined) stored.set(idempotencyKey, { fingerprint, answer: fresh });
    return { ...fresh, replayed: false };
  }

  return { answer, orderOf, statsFor: (orderId) => structuredClone(statsOf(orderId)) };
}
