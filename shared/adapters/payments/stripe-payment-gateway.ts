import { PaymentGatewayError, type PaymentGatewayFailure } from '../../domain/payments/payment-errors';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from '../../domain/payments/payment-gateway';
import { type JsonObject, objectAt, parseJsonObject, transportFailure } from '../json-api';
import { type RetryPolicy, retryTransient } from '../retry-transient';

/**
 * The payment gateway over Stripe's HTTP API (PaymentIntents create-and-confirm, Refunds), with
 * `fetch` rather than the Stripe SDK (docs/decisions/0004-payment-gateway.md). The same adapter
 * runs locally against the sandbox of scripts/local/sandbox-gateway.ts, pointed at another base URL.
 */

/** Pinned, so an upgrade of the account's default API version cannot change the answers under us. */
export const STRIPE_API_VERSION = '2024-06-20';

/** The secret API key, resolved on first use (from SSM in AWS) and cached by the source. */
export type SecretSource = () => Promise<string>;

export interface StripePaymentGatewayOptions {
  /** `https://api.stripe.com`, or the local sandbox. */
  baseUrl: string;
  secret: SecretSource;
  /** Per attempt, from sending the request to reading the whole answer. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Observes each retry (logs, metrics). */
  onRetry?: (retry: {
    operation: 'charge' | 'refund';
    attempt: number;
    delayMs: number;
    error: PaymentGatewayError;
  }) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

type StripeObject = JsonObject;

/** A response that is an answer about the request: a 2xx, or a 402 card error (a decline). */
interface StripeAnswer {
  status: number;
  body: StripeObject;
}

export function createStripePaymentGateway(options: StripePaymentGatewayOptions): PaymentGateway {
  const send = options.fetch ?? fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  /**
   * One attempt: the answer, or a PaymentGatewayError that says whether trying again may help. The
   * gateway's error text can echo the request (`No such token: 'tok_…'`): `sensitive` values are cut
   * out of every error message, so a payment token never reaches a log line.
   */
  async function post(
    path: string,
    form: URLSearchParams,
    idempotencyKey: string,
    secret: string,
    sensitive: readonly string[],
  ) {
    let response: Response;
    let text: string;
    try {
      // One signal for the whole exchange: a gateway that answers the headers and then stalls times out too.
      const signal = AbortSignal.timeout(options.timeoutMs);
      response = await send(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${secret}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          'Idempotency-Key': idempotencyKey,
          'Stripe-Version': STRIPE_API_VERSION,
        },
        body: form.toString(),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error, path, options.timeoutMs);
    }
    const body = parseJsonObject(text);
    if (body === undefined) {
      // Safe to repeat: the same key replays the stored answer, readable this time with luck.
      throw new PaymentGatewayError('unexpected-response', `POST ${path} answered ${response.status} without JSON`, {
        httpStatus: response.status,
        retryable: true,
      });
    }
    const error = objectAt(body, 'error');
    if (response.ok || (response.status === 402 && error?.type === 'card_error')) {
      return { status: response.status, body } satisfies StripeAnswer;
    }
    throw httpError(response, path, error, sensitive);
  }

  async function call(
    operation: 'charge' | 'refund',
    path: string,
    form: URLSearchParams,
    idempotencyKey: string,
    sensitive: readonly string[] = [],
  ) {
    let secret: string;
    try {
      secret = await options.secret();
    } catch (error) {
      throw new PaymentGatewayError('secret-unavailable', 'the payment gateway secret could not be loaded', {
        cause: error,
      });
    }
    return retryTransient(() => post(path, form, idempotencyKey, secret, sensitive), options.retry, {
      retryable: (error): error is PaymentGatewayError => error instanceof PaymentGatewayError && error.retryable,
      ...(options.sleep && { sleep: options.sleep }),
      onRetry: (retry) => options.onRetry?.({ operation, ...retry }),
    });
  }

  return {
    async charge(request: ChargeRequest): Promise<ChargeResult> {
      try {
        const answer = await call('charge', '/v1/payment_intents', chargeForm(request), request.idempotencyKey, [
          request.paymentToken,
        ]);
        return chargeResult(answer);
      } catch (error) {
        // Refused for good (an unknown token, an amount over the limit): as final as a decline, so
        // the order ends now instead of holding its stock through every redelivery.
        if (error instanceof PaymentGatewayError && error.failure === 'refused' && !error.retryable)
          return { outcome: 'declined', reason: error.gatewayCode?.split('/')[1] ?? 'invalid_request' };
        throw error;
      }
    },

    async refund(request: RefundRequest): Promise<RefundResult> {
      const form = new URLSearchParams({ payment_intent: request.paymentIntentId });
      if (request.amount !== undefined) form.set('amount', String(request.amount));
      const { body } = await call('refund', '/v1/refunds', form, request.idempotencyKey);
      if (typeof body.id !== 'string') {
        throw new PaymentGatewayError('unexpected-response', 'the refund answer carries no id');
      }
      return { refundId: body.id };
    },
  };
}

/**
 * Create and confirm in one request. A `tok_…` card token becomes the payment method through
 * `payment_method_data`; an existing PaymentMethod id (`pm_…`) is passed as it is. Cards only, so
 * no redirect-based method (which would need a `return_url`) can be chosen.
 */
function chargeForm(request: ChargeRequest): URLSearchParams {
  const form = new URLSearchParams({
    amount: String(request.amount),
    currency: request.currency.toLowerCase(),
    confirm: 'true',
    'payment_method_types[]': 'card',
    'metadata[orderId]': request.orderId,
  });
  if (request.paymentToken.startsWith('pm_')) {
    form.set('payment_method', request.paymentToken);
  } else {
    form.set('payment_method_data[type]', 'card');
    form.set('payment_method_data[card][token]', request.paymentToken);
  }
  return form;
}

function chargeResult({ status, body }: StripeAnswer): ChargeResult {
  if (status === 402) return { outcome: 'declined', reason: declineReason(objectAt(body, 'error')) };
  const id = body.id;
  if (typeof id !== 'string') throw new PaymentGatewayError('unexpected-response', 'the payment answer carries no id');
  switch (body.status) {
    case 'succeeded':
      return { outcome: 'succeeded', paymentIntentId: id };
    case 'requires_payment_method':
      // The confirmation failed; the reason is on the intent.
      return { outcome: 'declined', reason: declineReason(objectAt(body, 'last_payment_error')) };
    case 'requires_action':
      // The card asks the customer to authenticate (3-D Secure), and the customer is not here.
      return { outcome: 'declined', reason: 'authentication_required' };
    default:
      // processing, requires_capture, ...: not a state this integration creates; a person must look.
      throw new PaymentGatewayError('unexpected-response', `payment ${id} is ${String(body.status)}`, {
        httpStatus: status,
      });
  }
}

function declineReason(error: StripeObject | undefined): string {
  const reason = error?.decline_code ?? error?.code;
  return typeof reason === 'string' && reason !== '' ? reason : 'card_declined';
}

/** Stripe's token and payment method ids (`tok_…`, `pm_…`, `src_…`), however the gateway quotes them. */
const PAYMENT_CREDENTIAL = /\b(?:tok|pm|src)_[A-Za-z0-9_]+/g;

/** The gateway's text without the request's sensitive values, nor anything shaped like a card token. */
export function redactPaymentCredentials(text: string, sensitive: readonly string[] = []): string {
  let redacted = text;
  for (const value of sensitive) if (value.length > 0) redacted = redacted.split(value).join('[redacted]');
  return redacted.replace(PAYMENT_CREDENTIAL, '[redacted]');
}

function httpError(
  response: Response,
  path: string,
  error: StripeObject | undefined,
  sensitive: readonly string[],
): PaymentGatewayError {
  const status = response.status;
  const failure: PaymentGatewayFailure =
    status === 409
      ? 'conflict'
      : status === 429
        ? 'rate-limited'
        : status >= 500
          ? 'server-error'
          : (status === 400 || status === 404) && error?.type === 'invalid_request_error'
            ? 'refused'
            : 'rejected';
  // Stripe says when its default would be wrong (a 500 it already stored for the key, a 409 lock).
  const shouldRetry = response.headers.get('stripe-should-retry');
  const gatewayCode = [error?.type, error?.code].filter((part) => typeof part === 'string').join('/');
  const message = typeof error?.message === 'string' ? `: ${redactPaymentCredentials(error.message, sensitive)}` : '';
  return new PaymentGatewayError(failure, `POST ${path} answered ${status}${message}`, {
    httpStatus: status,
    ...(gatewayCode !== '' && { gatewayCode }),
    ...(shouldRetry === 'true' && { retryable: true }),
    ...(shouldRetry === 'false' && { retryable: false }),
  });
}

function transportError(error: unknown, path: string, timeoutMs: number): PaymentGatewayError {
  const { timedOut, reason } = transportFailure(error);
  if (timedOut) {
    return new PaymentGatewayError('timeout', `POST ${path} got no complete answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new PaymentGatewayError('network', `POST ${path} failed: ${reason}`, { cause: error });
}
