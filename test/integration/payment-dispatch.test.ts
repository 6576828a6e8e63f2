import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsPaymentQueue } from '../../shared/adapters/sqs/sqs-payment-queue';
import { address, failingPaymentQueue, orderServiceWith, outboxRecord, stockedProduct } from '../support/checkout';
import { testDocumentClient } from '../support/integration';

const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => {
  db.destroy();
  sqs.destroy();
});

describe('handing payment work to the queue after checkout', () => {
  it('sends one payment message per order and then drops the durable work record', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `payment-dispatch-${randomUUID()}` }));
    try {
      const sku = await stockedProduct(5, 900);
      const service = orderServiceWith(db, createSqsPaymentQueue(sqs, QueueUrl as string));
      const order = await service.place(
        `dispatch-${randomUUID()}`,
        { items: [{ sku, quantity: 2 }], shippingAddress: address, paymentToken: 'tok_visa' },
        null,
      );
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      );
      expect((received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([
        { type: 'PAYMENT_REQUESTED', orderId: order.orderId, paymentToken: 'tok_visa', amount: 1800, currency: 'EUR' },
      ]);
      expect(await outboxRecord(db, order.orderId)).toBeUndefined();
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    }
  });

  it('when the queue send fails after the commit, the order stands and its work record stays for the sweeper', async () => {
    const sku = await stockedProduct(5, 900);
    const failures: string[] = [];
    const order = await orderServiceWith(db, failingPaymentQueue('SQS unavailable'), (orderId) =>
      failures.push(orderId),
    ).place(
      `dispatch-${randomUUID()}`,
      { items: [{ sku, quantity: 1 }], shippingAddress: address, paymentToken: 'tok_visa' },
      null,
    );
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(failures).toEqual([order.orderId]);
    expect(await outboxRecord(db, order.orderId)).toMatchObject({
      orderId: order.orderId,
      paymentToken: 'tok_visa',
      amount: 900,
      GSI1PK: expect.stringMatching(/^OUTBOX#[0-7]$/),
    });
  });
});
