import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { handler } from '../../functions/queue/payment-worker';
import { paymentGateway } from '../../shared/container/payments';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { PaymentGateway } from '../../shared/domain/payments/payment-gateway';
import {
  cancel,
  eventTypes,
  expectPaidOnce,
  orderOf,
  outboxRecord,
  paymentServiceWith,
  pendingOrder as pendingOrderOf,
  stockOf,
} from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { testDocumentClient } from '../support/integration';
import { delaySandboxAnswers, sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const db = testDocumentClient();
afterAll(() => db.destroy());

const pendingOrder = (paymentToken = 'tok_visa') => pendingOrderOf({ prefix: 'pay', paymentToken });

const deliver = async (...records: SQSRecord[]) =>
  (await handler(sqsEvent(records), lambdaContext('payment-worker'))) as SQSBatchResponse;

describe('the payment worker (DynamoDB Local, sandbox gateway)', () => {
  it('pays a tok_visa order once: PAID, reserved stock sold, one charge', async () => {
    const placed = await pendingOrder('tok_visa');
    expect(await stockOf(db, placed.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    expect(await deliver(sqsRecord(placed.message))).toEqual({ batchItemFailures: [] });

    const order = await expectPaidOnce(db, placed);
    expect(order.payment).toEqual({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('when the same message arrives 3 times in a row, the order is charged and paid once', async () => {
    const placed = await pendingOrder();
    for (let i = 0; i < 3; i++) expect(await deliver(sqsRecord(placed.message))).toEqual({ batchItemFailures: [] });

    await expectPaidOnce(db, placed);
  });

  it('when the same message arrives 3 times at once (one batch and separate invocations), one charge and one PAID', async () => {
    const placed = await pendingOrder();
    const results = await Promise.all([
      deliver(sqsRecord(placed.message), sqsRecord(placed.message)),
      deliver(sqsRecord(placed.message)),
    ]);
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);

    const order = await expectPaidOnce(db, placed);
    expect(order.payment).toEqual({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('a declined card (tok_chargeDeclined) fails the payment and releases the stock', async () => {
    const placed = await pendingOrder('tok_chargeDeclined');
    expect(await deliver(sqsRecord(placed.message))).toEqual({ batchItemFailures: [] });

    const order = await orderOf(placed);
    expect(order.status).toBe('PAYMENT_FAILED');
    expect(order.payment).toEqual({ status: 'FAILED', attempts: 1 });
    expect(eventTypes(order)).toEqual(['ORDER_PLACED', 'PAYMENT_FAILED']);
    expect(await stockOf(db, placed.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 0, declines: 1 });
  });

  it('a gateway error (tok_gatewayError) reports the record failed and leaves the order PENDING_PAYMENT', async () => {
    const placed = await pendingOrder('tok_gatewayError');
    const record = sqsRecord(placed.message);
    expect(await deliver(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });

    const order = await orderOf(placed);
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.payment).toEqual({ status: 'PENDING', attempts: 0 });
    expect(await stockOf(db, placed.sku)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 0 });
  });

  it('in a batch with a malformed message and a failing one, only the failing one is reported and the others are processed once', async () => {
    const [good1, good2, failing] = await Promise.all([
      pendingOrder('tok_visa'),
      pendingOrder('tok_visa'),
      pendingOrder('tok_gatewayError'),
    ]);
    if (!good1 || !good2 || !failing) throw new Error('orders not placed');
    const failingRecord = sqsRecord(failing.message);
    const result = await deliver(
      sqsRecord(good1.message),
      sqsRecord('{not json'),
      sqsRecord({ type: 'PAYMENT_REQUESTED', orderId: good2.orderId }),
      failingRecord,
      sqsRecord(good2.message),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failingRecord.messageId }] });
    for (const good of [good1, good2]) {
      expect((await orderOf(good)).status).toBe('PAID');
      expect(await sandboxStats(good.orderId)).toMatchObject({ charges: 1, chargeAttempts: 1 });
    }
    expect((await orderOf(failing)).status).toBe('PENDING_PAYMENT');
  });

  it('a charge that succeeds for an order cancelled meanwhile is refunded, and the order stays CANCELLED', async () => {
    const placed = await pendingOrder();
    // The sandbox charges at once but answers late: the customer cancels in between.
    await delaySandboxAnswers(placed.orderId, { ms: 1500 });
    const delivery = deliver(sqsRecord(placed.message));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await cancel(placed.sub, placed.orderId)).status).toBe(200);
    expect(await delivery).toEqual({ batchItemFailures: [] });

    const order = await orderOf(placed);
    expect(order.status).toBe('CANCELLED');
    expect(order.payment.status).toBe('REFUNDED');
    expect(eventTypes(order)).toEqual(['ORDER_PLACED', 'CANCELLED', 'REFUNDED']);
    expect(await stockOf(db, placed.sku)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 1, refunds: 1 });

    // A redelivery neither charges nor refunds again.
    expect(await deliver(sqsRecord(placed.message))).toEqual({ batchItemFailures: [] });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 1, refunds: 1 });
    expect(eventTypes(await orderOf(placed))).toEqual(['ORDER_PLACED', 'CANCELLED', 'REFUNDED']);
  });

  it('a late charge whose refund gets no answer is refunded from its REFUND work, once, after the payment message is done', async () => {
    const placed = await pendingOrder();
    // Injected: the customer cancels while the charge is on its way, and the first refund gets no answer.
    const real = paymentGateway();
    let refundFailures = 1;
    const gateway: PaymentGateway = {
      async charge(request) {
        expect((await cancel(placed.sub, placed.orderId)).status).toBe(200);
        return real.charge(request);
      },
      async refund(request) {
        if (refundFailures-- > 0) throw new PaymentGatewayError('timeout', 'no answer');
        return real.refund(request);
      },
    };
    const payments = paymentServiceWith(gateway);
    await expect(payments.pay({ orderId: placed.orderId, paymentToken: 'tok_visa' })).rejects.toBeInstanceOf(
      PaymentGatewayError,
    );
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 1, refunds: 0 });
    const work = await outboxRecord(db, placed.orderId, 'REFUND');
    expect(work).toMatchObject({
      queue: 'payment',
      message: { type: 'REFUND_REQUESTED', orderId: placed.orderId, paymentIntentId: expect.any(String) },
    });

    // The payment message comes back and finds the order closed: acknowledged, the REFUND work stays.
    expect(await deliver(sqsRecord(placed.message))).toEqual({ batchItemFailures: [] });
    expect(await outboxRecord(db, placed.orderId, 'REFUND')).toEqual(work);
    // The reconcile job sends the REFUND work's message once it is due (twice here: at least once).
    for (let i = 0; i < 2; i++) expect(await deliver(sqsRecord(work?.message))).toEqual({ batchItemFailures: [] });

    const order = await orderOf(placed);
    expect(order.status).toBe('CANCELLED');
    expect(order.payment.status).toBe('REFUNDED');
    expect(eventTypes(order)).toEqual(['ORDER_PLACED', 'CANCELLED', 'REFUNDED']);
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 1, refunds: 1 });
    expect(await outboxRecord(db, placed.orderId, 'REFUND')).toBeUndefined();
  });
});
