/**
 * The payment gateway port: what the payment worker (charges) and cancellation (refunds) need from
 * a card processor. The production adapter speaks Stripe's HTTP API
 * (shared/adapters/payments/stripe-payment-gateway.ts); `npm start` points it at a local sandbox.
 *
 * Three outcomes, and the difference matters to the order state machine:
 * - `succeeded`: the money was taken (→ PAID);
 * - `declined`: a final answer about this card (→ PAYMENT_FAILED); asking again cannot change it;
 * - a thrown `PaymentGatewayError`: no answer, or not one about the card (timeouts, network, 5xx,
 *   429, a misconfigured key). The charge may or may not have happened, so the order stays
 *   PENDING_PAYMENT and the call is repeated later with the same idempotency key.
 */
export interface ChargeRequest {
  orderId: string;
  /** Minor units (cents), a positive integer. */
  amount: number;
  /** ISO 4217 code (`EUR`). */
  currency: string;
  /** The one-time token from checkout (`tok_visa` and friends in tests and locally). */
  paymentToken: string;
  /**
   * The gateway performs one charge per key and answers every repeat with the first outcome.
   * The payment worker passes the order id, so no retry or redelivery can charge twice.
   */
  idempotencyKey: string;
}

export type ChargeResult =
  | { outcome: 'succeeded'; paymentIntentId: string }
  | {
      outcome: 'declined';
      /** The gateway's decline code (`generic_decline`, `insufficient_funds`, ...). */
      reason: string;
    };

/** How an order's payment ended: a charge's result, or (`paymentIntentId` null) nothing to charge. */
export type Settlement = ChargeResult | { outcome: 'succeeded'; paymentIntentId: null };

export interface RefundRequest {
  paymentIntentId: string;
  /** Minor units; absent refunds whatever of the payment is not refunded yet. */
  amount?: number;
  /** One refund per key, like charges (for example `refund:<orderId>`). */
  idempotencyKey: string;
}

export interface RefundResult {
  refundId: string;
}

export interface PaymentGateway {
  /**
   * Charges a payment token, at most once per idempotency key.
   * @returns `succeeded` with the gateway's payment id, or `declined` with the decline code.
   * @throws PaymentGatewayError when there is no final answer (see the module comment).
   */
  charge(request: ChargeRequest): Promise<ChargeResult>;

  /**
   * Refunds a successful payment, wholly or in part, at most once per idempotency key.
   * @throws PaymentGatewayError when the refund was not confirmed.
   */
  refund(request: RefundRequest): Promise<RefundResult>;
}
