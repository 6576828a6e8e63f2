import { AppError } from '../../errors';

/** Why a gateway call ended without an answer about the payment. */
export type PaymentGatewayFailure =
  /** No complete answer within the per-call timeout: the charge may have happened. */
  | 'timeout'
  /** The connection failed or broke: the charge may have happened. */
  | 'network'
  /** 5xx from the gateway. */
  | 'server-error'
  /** 429: too many requests. */
  | 'rate-limited'
  /** 409: another request with the same idempotency key is still running. */
  | 'conflict'
  /**
   * A 400/404 about the request itself (an unknown or used token, an amount over the gateway's
   * limit, an invalid parameter): a final answer, as a decline is; the same charge can never succeed.
   */
  | 'refused'
  /** Another 4xx (a wrong or revoked secret key, a missing permission): only a fix of ours changes it. */
  | 'rejected'
  /** An answer we cannot read, or a payment in a state we do not handle. */
  | 'unexpected-response'
  /** The gateway's secret could not be loaded (its store retries on its own). */
  | 'secret-unavailable'
  /** Not attempted: the circuit breaker is open after recent gateway failures (`CircuitOpenError`). */
  | 'circuit-open';

const RETRYABLE: Record<PaymentGatewayFailure, boolean> = {
  timeout: true,
  network: true,
  'server-error': true,
  'rate-limited': true,
  conflict: true,
  refused: false,
  rejected: false,
  'unexpected-response': false,
  'secret-unavailable': false,
  // Repeating at once meets the same open circuit; the error says when to come back.
  'circuit-open': false,
};

export interface PaymentGatewayErrorOptions {
  /** Overrides the default of the failure kind (the gateway may say so: `Stripe-Should-Retry`). */
  retryable?: boolean;
  httpStatus?: number;
  /** The gateway's own error type or code, for the logs (`api_error`, `idempotency_error`, ...). */
  gatewayCode?: string;
  cause?: unknown;
}

/**
 * The gateway gave no answer about the payment. Always transient for the caller's state machine:
 * the order stays as it is and the work is retried later (SQS), with the same idempotency key.
 * `retryable` says whether repeating the request right away can help (timeouts, network, 5xx, 429,
 * 409); a non-retryable one (a 401 for a wrong secret, a 400) needs a fix first, and the message
 * ends in the dead-letter queue. `message` carries the specifics for the logs; `detail`, which a
 * client could see, stays generic.
 */
export class PaymentGatewayError extends AppError {
  readonly failure: PaymentGatewayFailure;
  readonly retryable: boolean;
  readonly httpStatus: number | null;
  readonly gatewayCode: string | null;

  constructor(failure: PaymentGatewayFailure, message: string, options: PaymentGatewayErrorOptions = {}) {
    super(502, 'PAYMENT_GATEWAY_ERROR', 'Payment gateway error', {
      detail: 'The payment provider could not be reached or did not answer; try again later.',
      cause: options.cause,
    });
    this.message = message;
    this.failure = failure;
    this.retryable = options.retryable ?? RETRYABLE[failure];
    this.httpStatus = options.httpStatus ?? null;
    this.gatewayCode = options.gatewayCode ?? null;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      message: this.message,
      failure: this.failure,
      retryable: this.retryable,
      httpStatus: this.httpStatus,
      gatewayCode: this.gatewayCode,
    };
  }
}
