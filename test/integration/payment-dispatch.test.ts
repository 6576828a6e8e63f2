import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createSqsWorkQueue } from '../../shared/adapters/sqs/sqs-work-queue';
import { address, failingQueue, orderServiceWith, outboxRecord, stockedProduct, stockOf } from '../support/checkout';
import { testDocumentClient } from '../support/integration';

const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => {
  db.destroy();
  sqs.destroy();
});

describe('handing payment work to the queue after checkout', () => {
  it('sends one payment message per order and marks its work record sent (kept until the payment is done)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `payment-dispatch-${randomUUID()}` }));
    try {
      const sku = await stockedProduct(5, 900);
      const service = orderServiceWith(db, createSqsWorkQueue(sqs, QueueUrl as string));
      const order = await service.place(
        { sub: `dispatch-${randomUUID()}`, email: 'dispatch@example.com' },
        { items: [{ sku, quantity: 2 }], shippingAddress: address, paymentToken: 'tok_visa' },
        null,
      );
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      );
      expect((received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([
        { type: 'PAYMENT_REQUESTED', orderId: order.orderId, paymentToken: 'tok_visa', amount: 1800, currency: 'EUR' },
      ]);
      expect(await outboxRecord(db, order.orderId)).toMatchObject({ kind: 'PAYMENT', sends: 1 });
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    }
  });

  it('when the queue send fails after the commit, the order stands and its work record stays for the sweeper', async () => {
    const sku = await stockedProduct(5, 900);
    const failures: string[] = [];
    const order = await orderServiceWith(db, failingQueue('SQS unavailable'), (work) =>
      failures.push(work.orderId),
    ).place(
      { sub: `dispatch-${randomUUID()}`, email: null },
      { items: [{ sku, quantity: 1 }], shippingAddress: address, paymentToken: 'tok_visa' },
      null,
    );
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(failures).toEqual([order.orderId]);
    expect(await outboxRecord(db, order.orderId)).toMatchObject({
      orderId: order.orderId,
      message: {
        type: 'PAYMENT_REQUESTED',
        orderId: order.orderId,
        paymentToken: 'tok_visa',
        amount: 900,
        currency: 'EUR',
      },
      GSI1PK: expect.stringMatching(/^OUTBOX#[0-7]$/),
    });
  });

  it('a checkout transaction resent after its answer was lost is answered as the commit it was: one order', async () => {
    const sku = await stockedProduct(5, 900);
    // Injected: the transaction commits, its answer is lost, and the same request is sent again, as the SDK does.
    let answersToLose = 1;
    const losingAnswers = {
      send: async (command: unknown) => {
        const answer = await db.send(command as TransactWriteCommand);
        if (command instanceof TransactWriteCommand && answersToLose-- > 0) return db.send(command);
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const order = await orderServiceWith(losingAnswers, failingQueue()).place(
      { sub: `dispatch-${randomUUID()}`, email: null },
      { items: [{ sku, quantity: 2 }], shippingAddress: address, paymentToken: 'tok_visa' },
      null,
    );
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(answersToLose).toBe(0); // the resend was made
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 2, available: 3 });
  });
});
