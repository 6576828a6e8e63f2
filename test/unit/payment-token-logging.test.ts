import { redactedBody } from '../../scripts/dlq/dlq-commands';
import { type SandboxGateway, startSandboxGateway } from '../../scripts/local/sandbox-gateway';
import {
  createStripePaymentGateway,
  redactPaymentCredentials,
} from '../../shared/adapters/payments/stripe-payment-gateway';

import type { Order } from '../../shared/domain/orders/order';
import type { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { PaymentGateway } from '../../shared/domain/payments/payment-gateway';
import { createPaymentService } from '../../shared/domain/payments/payment-service';
import { logger } from '../../shared/observability';
import { paymentRecordHandler } from '../../shared/workers/payment-job';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { lambdaContext } from '../support/http-event';
import { pendingOrder as placedOrder } from '../support/orders';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

/** A token the sandbox does not know: it answers 400 `No such token: '<token>'`, as Stripe does. */
const TOKEN = 'tok_customerCard4242SecretValue';

/** Everything the application logs while `act` runs, at the most verbose level. */
async function logsOf(act: () => Promise<unknown>): Promise<string> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  try {
    await act();
  } finally {
    logger.setLogLevel(level);
    for (const spy of spies) spy.mockRestore();
  }
  return written.join('');
}

const pendingOrder = (orderId: string): Order =>
  placedOrder({
    orderId,
    placedAt: new Date().toISOString(),
    reservationExpiresAt: new Date(Date.now() + 900_000).toISOString(),
  });

/** The payment worker's record handling, on one pending order, charging through `gateway`. */
function paymentWorker(gateway: PaymentGateway, order: Order) {
  const service = createPaymentService({
    orders: { get: async () => order, transition: async () => true },
    gateway,
    outbox: { add: async () => undefined, park: async () => undefined },
    lateRefundDueAfterSeconds: 60,
    returns: { get: async () => null, recordRefund: async () => false },
    clock: { now: () => new Date() },
  });
  return sqsBatchHandler(paymentRecordHandler(() => service));
}

const paymentMessage = (order: Order) => ({
  type: 'PAYMENT_REQUESTED',
  orderId: order.orderId,
  paymentToken: TOKEN,
  amount: order.total,
  currency: order.currency,
});

describe('payment tokens in logs', () => {
  let sandbox: SandboxGateway;
  beforeAll(async () => {
    sandbox = await startSandboxGateway();
  });
  afterAll(() => sandbox.stop());

  it('never logs the token when the gateway refuses it for good with an error text that echoes it', async () => {
    const order = pendingOrder('ord_token_echo');
    const gateway = createStripePaymentGateway({
      baseUrl: sandbox.url,
      secret: async () => sandbox.secret,
      timeoutMs: 5000,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });

    const logs = await logsOf(async () => {
      const result = await paymentWorker(gateway, order)(sqsEvent([sqsRecord(paymentMessage(order))]), lambdaContext());
      // An unknown token is a final refusal: the order fails at once, nothing is redelivered.
      expect(result).toEqual({ batchItemFailures: [] });
    });

    expect(logs).toContain('order PAYMENT_FAILED');
    expect(logs).toContain('resource_missing');
    expect(logs).not.toContain(TOKEN);
  });

  it('never logs the token of a retried gateway error either, nor one the gateway quotes differently', async () => {
    const order = pendingOrder('ord_token_retry');
    const echo = (status: number, message: string) =>
      new Response(JSON.stringify({ error: { type: 'api_error', message } }), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    const answers = [
      echo(500, `card network unreachable for ${TOKEN}`),
      echo(400, `Invalid token id: ${TOKEN.toUpperCase().replace('TOK_', 'tok_')}`),
    ];
    const retries: PaymentGatewayError[] = [];
    const gateway = createStripePaymentGateway({
      baseUrl: 'https://gateway.invalid',
      secret: async () => 'sk_test_unit',
      timeoutMs: 1000,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      fetch: async () => answers.shift() ?? echo(500, 'no more answers'),
      onRetry: ({ error }) => {
        retries.push(error);
        logger.warn('payment gateway call failed; retrying with the same idempotency key', { error });
      },
    });

    const logs = await logsOf(() =>
      paymentWorker(gateway, order)(sqsEvent([sqsRecord(paymentMessage(order))]), lambdaContext()),
    );

    expect(retries).toHaveLength(1);
    expect(logs).toContain('card network unreachable for [redacted]');
    expect(logs).toContain('Invalid token id: [redacted]');
    expect(logs).not.toMatch(/tok_[A-Za-z0-9]/i);
  });

  it('redacts the request values given, and anything shaped like a Stripe token or payment method', () => {
    expect(redactPaymentCredentials("No such token: 'tok_visa'")).toBe("No such token: '[redacted]'");
    expect(redactPaymentCredentials('No such PaymentMethod: pm_card_visa; try again')).toBe(
      'No such PaymentMethod: [redacted]; try again',
    );
    expect(redactPaymentCredentials('card ABC123 refused', ['ABC123'])).toBe('card [redacted] refused');
    expect(redactPaymentCredentials('payment_intent pi_123 is card_declined')).toBe(
      'payment_intent pi_123 is card_declined',
    );
  });
});

describe('payment tokens in the dead-letter CLI', () => {
  it('shows a payment message without its token', () => {
    const body = JSON.stringify({ type: 'PAYMENT_REQUESTED', orderId: 'ord_1', paymentToken: TOKEN, amount: 500 });

    const shown = redactedBody(body);

    expect(shown).not.toContain(TOKEN);
    expect(JSON.parse(shown)).toEqual({ ...JSON.parse(body), paymentToken: '[redacted]' });
    expect(redactedBody('{"paymentToken":"tok_\\"quoted\\"","x":1}')).toBe('{"paymentToken":"[redacted]","x":1}');
  });
});
