import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoCartRepository } from '../../shared/adapters/dynamo/dynamo-cart-repository';
import { createDynamoDiscountRepository } from '../../shared/adapters/dynamo/dynamo-discount-repository';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { createDynamoProductPricing } from '../../shared/adapters/dynamo/dynamo-product-pricing';
import { createSqsPaymentQueue } from '../../shared/adapters/sqs/sqs-payment-queue';
import type { PaymentQueue } from '../../shared/domain/orders/order-ports';
import { createOrderService } from '../../shared/domain/orders/order-service';
import { randomIds, systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { address, stockedProduct } from '../support/checkout';
import { tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => {
  db.destroy();
  sqs.destroy();
});

function serviceWith(payments: PaymentQueue, failures: string[] = []) {
  return createOrderService({
    orders: createDynamoOrderRepository(db, tableName()),
    pricing: createDynamoProductPricing(db, tableName()),
    carts: createDynamoCartRepository(db, tableName()),
    discounts: createDynamoDiscountRepository(db, tableName()),
    payments,
    cursors: createCursorCodec('payment-dispatch-test-secret'),
    clock: systemClock,
    ids: randomIds,
    currency: 'EUR',
    reservationTtlSeconds: 900,
    onDispatchFailure: (orderId) => failures.push(orderId),
  });
}

const outboxRecord = async (orderId: string) =>
  (
    await db.send(
      new GetCommand({
        TableName: tableName(),
        Key: { PK: `ORDER#${orderId}`, SK: '#OUTBOX#PAYMENT' },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('handing payment work to the queue after checkout', () => {
  it('sends one payment message per order and then drops the durable work record', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `payment-dispatch-${randomUUID()}` }));
    try {
      const sku = await stockedProduct(5, 900);
      const service = serviceWith(createSqsPaymentQueue(sqs, QueueUrl as string));
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
      expect(await outboxRecord(order.orderId)).toBeUndefined();
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    }
  });

  it('when the queue send fails after the commit, the order stands and its work record stays for the sweeper', async () => {
    const sku = await stockedProduct(5, 900);
    const failures: string[] = [];
    const broken: PaymentQueue = {
      send: async () => {
        throw new Error('SQS unavailable');
      },
    };
    const order = await serviceWith(broken, failures).place(
      `dispatch-${randomUUID()}`,
      { items: [{ sku, quantity: 1 }], shippingAddress: address, paymentToken: 'tok_visa' },
      null,
    );
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(failures).toEqual([order.orderId]);
    expect(await outboxRecord(order.orderId)).toMatchObject({
      orderId: order.orderId,
      paymentToken: 'tok_visa',
      amount: 900,
      GSI1PK: expect.stringMatching(/^OUTBOX#[0-7]$/),
    });
  });
});
