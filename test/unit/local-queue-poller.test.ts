import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { LocalQueue } from '../../scripts/local/provision-queues';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';
import { settleBatch, sqsEventSources, toLambdaSqsEvent } from '../../scripts/local/sqs-event-mapping';

const queueArn = 'arn:aws:sqs:eu-west-1:000000000000:cartwheel-local-payment';

const message = (id: string, extra: Partial<Message> = {}): Message => ({
  MessageId: id,
  ReceiptHandle: `handle-${id}`,
  Body: `{"orderId":"${id}"}`,
  MD5OfBody: 'md5',
  Attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000100',
  },
  ...extra,
});

const records = (...ids: string[]): SQSRecord[] =>
  toLambdaSqsEvent(
    ids.map((id) => message(id)),
    { queueArn, region: 'eu-west-1' },
  ).Records;

describe('the Lambda SQS event built from received messages', () => {
  test('carries what Lambda puts in a record', () => {
    const [record] = toLambdaSqsEvent([message('m1')], { queueArn, region: 'eu-west-1' }).Records;

    expect(record).toEqual({
      messageId: 'm1',
      receiptHandle: 'handle-m1',
      body: '{"orderId":"m1"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1700000000100',
      },
      messageAttributes: {},
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-west-1',
    });
  });

  test('turns message attributes into Lambda’s camel-cased shape, binary values in base64', () => {
    const received = message('m1', {
      MD5OfMessageAttributes: 'attr-md5',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'payment' },
        blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
      },
    });

    const [record] = toLambdaSqsEvent([received], { queueArn, region: 'eu-west-1' }).Records;

    expect(record?.messageAttributes).toEqual({
      kind: { stringValue: 'payment', stringListValues: [], binaryListValues: [], dataType: 'String' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(record?.md5OfMessageAttributes).toBe('attr-md5');
  });
});

describe('what is deleted after an invocation', () => {
  const batch = records('a', 'b', 'c');
  const ids = (list: SQSRecord[]) => list.map((record) => record.messageId);

  test('a failed invocation leaves the whole batch for SQS to redeliver', () => {
    const verdict = settleBatch(batch, { ok: false, error: 'timeout' }, true);

    expect(ids(verdict.done)).toEqual([]);
    expect(ids(verdict.retry)).toEqual(['a', 'b', 'c']);
  });

  test('without ReportBatchItemFailures any successful response completes the batch', () => {
    const verdict = settleBatch(batch, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'a' }] } }, false);

    expect(ids(verdict.done)).toEqual(['a', 'b', 'c']);
  });

  test.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty object', {}],
    ['a null failure list', { batchItemFailures: null }],
    ['an empty failure list', { batchItemFailures: [] }],
  ])('with ReportBatchItemFailures, %s completes the batch', (_name, payload) => {
    expect(ids(settleBatch(batch, { ok: true, payload }, true).done)).toEqual(['a', 'b', 'c']);
  });

  test('with ReportBatchItemFailures only the reported messages are retried', () => {
    const verdict = settleBatch(batch, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'b' }] } }, true);

    expect(ids(verdict.done)).toEqual(['a', 'c']);
    expect(ids(verdict.retry)).toEqual(['b']);
  });

  test.each([
    ['an unknown message id', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: 'a' }] }],
    ['a failure list that is not a list', { batchItemFailures: 'a' }],
    ['a response that is not an object', 'OK'],
  ])('with ReportBatchItemFailures, %s fails the whole batch', (_name, payload) => {
    const verdict = settleBatch(batch, { ok: true, payload }, true);

    expect(ids(verdict.done)).toEqual([]);
    expect(ids(verdict.retry)).toEqual(['a', 'b', 'c']);
  });
});

describe('the event sources found in serverless.yml', () => {
  const queues: Record<string, LocalQueue> = {
    PaymentQueue: {
      name: 'cartwheel-local-payment',
      url: 'http://127.0.0.1:1/000000000000/cartwheel-local-payment',
      arn: queueArn,
    },
  };
  const definition = (events: Array<Record<string, unknown>>): ServerlessDefinition => ({
    service: 'cartwheel',
    provider: { stage: 'local', region: 'eu-west-1' },
    functions: { 'payment-worker': { handler: 'functions/queue/payment-worker.handler', events } },
  });

  test('a GetAtt subscription resolves to the local queue, with Lambda’s defaults', () => {
    const sources = sqsEventSources(definition([{ sqs: { arn: { 'Fn::GetAtt': ['PaymentQueue', 'Arn'] } } }]), queues);

    expect(sources).toEqual([
      {
        functionKey: 'payment-worker',
        functionName: 'cartwheel-local-payment-worker',
        queueLogicalId: 'PaymentQueue',
        queueUrl: queues.PaymentQueue?.url,
        queueArn,
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        reportBatchItemFailures: false,
      },
    ]);
  });

  test('batch size, batching window and partial failure reporting are taken over', () => {
    const [source] = sqsEventSources(
      definition([
        {
          sqs: {
            arn: { 'Fn::GetAtt': ['PaymentQueue', 'Arn'] },
            batchSize: 25,
            maximumBatchingWindow: 2,
            functionResponseType: 'ReportBatchItemFailures',
          },
        },
      ]),
      queues,
    );

    expect(source).toMatchObject({ batchSize: 25, maximumBatchingWindowSeconds: 2, reportBatchItemFailures: true });
  });

  test('a disabled subscription is skipped and other events are ignored', () => {
    const sources = sqsEventSources(
      definition([{ httpApi: { method: 'GET', path: '/x' } }, { sqs: { arn: queueArn, enabled: false } }]),
      queues,
    );

    expect(sources).toEqual([]);
  });

  test('a subscription to a queue that is not in resources is an error', () => {
    expect(() =>
      sqsEventSources(definition([{ sqs: { arn: { 'Fn::GetAtt': ['NoSuchQueue', 'Arn'] } } }]), queues),
    ).toThrow(/not in resources/);
  });

  test('a batch size over 10 without a batching window is refused, as Lambda does', () => {
    expect(() =>
      sqsEventSources(definition([{ sqs: { arn: { 'Fn::GetAtt': ['PaymentQueue', 'Arn'] }, batchSize: 11 } }]), queues),
    ).toThrow(/batchSize/);
  });
});
