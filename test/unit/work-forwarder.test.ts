import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { workOfStreamImage, workRecordPut } from '../../shared/adapters/dynamo/dynamo-work-outbox';
import { notificationWork, paymentWork, type WorkMessage } from '../../shared/domain/orders/order-work';
import { streamBatchHandler } from '../../shared/workers/stream-batch';
import { workForwarderRecordHandler } from '../../shared/workers/work-forwarder';
import { lambdaContext } from '../support/http-event';

const order = { orderId: 'ord_1', total: 1800, currency: 'EUR' };
const payment = paymentWork(order, 'tok_visa');

/** The image of an item as the stream carries it (DynamoDB JSON). */
const image = (item: Record<string, unknown>) =>
  marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
/** The item a work record's transaction writes (the real `workRecordPut`). */
const workItem = (work = payment) =>
  workRecordPut('table', work, '2026-12-07T10:00:00.000Z', '2026-12-07T10:30:00.000Z').Put?.Item as Record<
    string,
    unknown
  >;

let sequence = 0;
function record(eventName: DynamoDBRecord['eventName'], item: Record<string, unknown>): DynamoDBRecord {
  sequence += 1;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence).padStart(21, '0'),
      Keys: image({ PK: item.PK, SK: item.SK }) as never,
      NewImage: image(item) as never,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

function forwarder(send: (message: WorkMessage, queue: string) => Promise<void>) {
  const queue = (name: string) => ({ send: (message: WorkMessage) => send(message, name) });
  return streamBatchHandler(
    workForwarderRecordHandler({
      workOf: workOfStreamImage,
      queues: () => ({
        payment: queue('payment'),
        fulfilment: queue('fulfilment'),
        notification: queue('notification'),
      }),
    }),
  );
}

describe('the stream forwarder of work records', () => {
  it('sends each new work record to its own queue, with the message the transaction wrote', async () => {
    const sent: Array<[string, WorkMessage]> = [];
    const handler = forwarder(async (message, queue) => {
      sent.push([queue, message]);
    });
    const email = notificationWork('ord_1', 'PAID');
    const result = await handler(
      { Records: [record('INSERT', workItem()), record('INSERT', workItem(email))] },
      lambdaContext('work-forwarder'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([
      ['payment', payment.message],
      ['notification', email.message],
    ]);
  });

  it('hands on nothing but new work records: no update, no delete, no other item', async () => {
    const sent: WorkMessage[] = [];
    const handler = forwarder(async (message) => {
      sent.push(message);
    });
    const claimed = { ...workItem(), claimedUntil: '2026-12-07T10:01:00.000Z' };
    const orderItem = { PK: 'ORDER#ord_1', SK: '#ORDER', type: 'Order', orderId: 'ord_1', status: 'PAID' };
    const removed = record('REMOVE', workItem());
    delete removed.dynamodb?.NewImage;
    const result = await handler(
      { Records: [record('MODIFY', claimed), removed, record('INSERT', orderItem)] },
      lambdaContext('work-forwarder'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([]);
  });

  it('acknowledges a malformed work record without sending it (retrying could not help)', async () => {
    const sent: WorkMessage[] = [];
    const handler = forwarder(async (message) => {
      sent.push(message);
    });
    const unknownQueue = { ...workItem(), queue: 'elsewhere' };
    const otherOrder = { ...workItem(), message: { ...payment.message, orderId: 'ord_2' } };
    const noMessage = { ...workItem(), message: undefined };
    const result = await handler(
      { Records: [record('INSERT', unknownQueue), record('INSERT', otherOrder), record('INSERT', noMessage)] },
      lambdaContext('work-forwarder'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([]);
  });

  it('reports a failed send by its sequence number, so Lambda retries the shard from that record', async () => {
    const failing = notificationWork('ord_1', 'SHIPPED');
    const handler = forwarder(async (message) => {
      if (message.type === 'NOTIFICATION_REQUESTED') throw new Error('SQS unavailable');
    });
    const records = [record('INSERT', workItem()), record('INSERT', workItem(failing))];
    const result = await handler({ Records: records }, lambdaContext('work-forwarder'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }] });
  });
});
