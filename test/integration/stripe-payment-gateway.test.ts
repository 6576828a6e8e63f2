/**
 * The production payment adapter, as the composition root builds it from configuration, against
 * the sandbox gateway over loopback (started by globalSetup; counters read over HTTP).
 */
import { randomUUID } from 'node:crypto';
import { createStripePaymentGateway } from '../../shared/adapters/payments/stripe-payment-gateway';
import { config } from '../../shared/config';
import { paymentGateway } from '../../shared/container/payments';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { ChargeRequest } from '../../shared/domain/payments/payment-gateway';
import { delaySandboxAnswers, sandboxStats } from '../support/sandbox-gateway';

// Each test file has its own environment: a short timeout keeps the timeout test quick.
const TIMEOUT_MS = 1000;
process.env.PAYMENT_GATEWAY_TIMEOUT_MS = String(TIMEOUT_MS);

const newOrder = (paymentToken: string, amount = 4200): ChargeRequest => {
  const orderId = `ord_${randomUUID().replaceAll('-', '')}`;
  return { orderId, amount, currency: 'EUR', paymentToken, idempotencyKey: orderId };
};

const succeededCharge = async (order: ChargeRequest) => {
  const result = await paymentGateway().charge(order);
  if (result.outcome !== 'succeeded') throw new Error(`expected a charge, got ${JSON.stringify(result)}`);
  return result.paymentIntentId;
};

describe('charging through the sandbox gateway', () => {
  it('charges a tok_visa order once and answers with the payment intent', async () => {
    const order = newOrder('tok_visa');

    const result = await paymentGateway().charge(order);

    const stats = await sandboxStats(order.orderId);
    expect(result).toEqual({ outcome: 'succeeded', paymentIntentId: stats.paymentIntentIds[0] });
    expect(stats).toMatchObject({ charges: 1, chargeAttempts: 1 });
  });

  it('answers a repeated charge with the same key with the first payment, charging once', async () => {
    const order = newOrder('tok_visa');

    const first = await paymentGateway().charge(order);
    const again = await paymentGateway().charge(order);

    expect(again).toEqual(first);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 1, chargeAttempts: 2 });
  });

  it('declines a tok_chargeDeclined order with the decline code, asking once', async () => {
    const order = newOrder('tok_chargeDeclined');

    const result = await paymentGateway().charge(order);

    expect(result).toEqual({ outcome: 'declined', reason: 'generic_decline' });
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 0, declines: 1, chargeAttempts: 1 });
  });

  it('fails a tok_gatewayError order with a PaymentGatewayError after the configured number of attempts', async () => {
    const order = newOrder('tok_gatewayError');
    const { maxAttempts } = config().paymentGateway;
    expect(maxAttempts).toBeGreaterThan(1);

    const error = await paymentGateway()
      .charge(order)
      .catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ failure: 'server-error', retryable: true, httpStatus: 500 });
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 0, chargeAttempts: maxAttempts });
  });

  it('when the answer comes after the timeout but the charge was made, the retry reuses the key: one charge', async () => {
    const order = newOrder('tok_visa');
    await delaySandboxAnswers(order.orderId, { ms: TIMEOUT_MS * 3, times: 1 });

    const result = await paymentGateway().charge(order);

    const stats = await sandboxStats(order.orderId);
    expect(stats).toMatchObject({ charges: 1, chargeAttempts: 2 });
    expect(stats.paymentIntentIds).toHaveLength(1);
    expect(result).toEqual({ outcome: 'succeeded', paymentIntentId: stats.paymentIntentIds[0] });
  });

  it('refuses the same key with another order’s parameters instead of charging it', async () => {
    const first = newOrder('tok_visa');
    await succeededCharge(first);
    const other = { ...newOrder('tok_visa'), idempotencyKey: first.idempotencyKey };

    const error = await paymentGateway()
      .charge(other)
      .catch((failure: unknown) => failure);

    expect(error).toMatchObject({ failure: 'rejected', retryable: false, gatewayCode: 'idempotency_error' });
    expect(await sandboxStats(other.orderId)).toMatchObject({ charges: 0, chargeAttempts: 1 });
  });

  it('is refused with a wrong secret, and does not retry', async () => {
    const order = newOrder('tok_visa');
    let requests = 0;
    const wrongKey = createStripePaymentGateway({
      baseUrl: config().paymentGateway.baseUrl,
      secret: async () => 'sk_test_wrong',
      timeoutMs: TIMEOUT_MS,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      fetch: (...args) => {
        requests++;
        return fetch(...args);
      },
    });

    const error = await wrongKey.charge(order).catch((failure: unknown) => failure);

    expect(error).toMatchObject({ failure: 'rejected', retryable: false, httpStatus: 401 });
    expect(requests).toBe(1);
    expect(await sandboxStats(order.orderId)).toMatchObject({ charges: 0 });
  });
});

describe('refunding through the sandbox gateway', () => {
  it('refunds part of a payment once per key, and the rest under another key', async () => {
    const order = newOrder('tok_visa', 5000);
    const paymentIntentId = await succeededCharge(order);

    const part = await paymentGateway().refund({
      paymentIntentId,
      amount: 2000,
      idempotencyKey: `${order.orderId}:r1`,
    });
    const replay = await paymentGateway().refund({
      paymentIntentId,
      amount: 2000,
      idempotencyKey: `${order.orderId}:r1`,
    });
    const rest = await paymentGateway().refund({ paymentIntentId, idempotencyKey: `${order.orderId}:r2` });

    expect(replay).toEqual(part);
    expect(rest.refundId).not.toBe(part.refundId);
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 2, refundAttempts: 3 });
  });

  it('cannot refund more than was charged', async () => {
    const order = newOrder('tok_visa', 1000);
    const paymentIntentId = await succeededCharge(order);
    await paymentGateway().refund({ paymentIntentId, idempotencyKey: `${order.orderId}:all` });

    const error = await paymentGateway()
      .refund({ paymentIntentId, amount: 1, idempotencyKey: `${order.orderId}:more` })
      .catch((failure: unknown) => failure);

    expect(error).toMatchObject({ failure: 'refused', gatewayCode: 'invalid_request_error/charge_already_refunded' });
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 1 });
  });
});
