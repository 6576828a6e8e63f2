import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { provisionQueues } from '../../scripts/local/provision-queues';
import {
  type InvocationOutcome,
  type Invoke,
  type QueuePollers,
  type SqsEventSource,
  sqsEventSources,
  startQueuePollers,
} from '../../scripts/local/queue-poller';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';

/**
 * The local event source mapping against the real SQS engine, with a recording function in place
 * of a Lambda: what reaches the function, what is deleted, what SQS redelivers or dead-letters.
 */
const region = process.env.AWS_REGION ?? 'eu-west-1';
const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS as string;
const sqs = new SQSClient({ region, endpoint: sqsEndpoint });

/** A queue with a short visibility timeout and a dead-letter queue after two receives, and a subscription to it. */
async function subscribedQueue(
  sqsOptions: Record<string, unknown> = {},
): Promise<{ source: SqsEventSource; dlqUrl: string }> {
  const id = randomUUID().slice(0, 8);
  const definition: ServerlessDefinition = {
    service: 'poller-test',
    provider: { stage: id, region },
    functions: {
      worker: {
        handler: 'unused',
        events: [{ sqs: { arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] }, ...sqsOptions } }],
      },
    },
    resources: {
      Resources: {
        WorkQueue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            QueueName: `poller-${id}`,
            VisibilityTimeout: 1,
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDlq', 'Arn'] }, maxReceiveCount: '2' },
          },
        },
        WorkDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `poller-${id}-dlq` } },
      },
    },
  };
  const queues = await provisionQueues({ definition, sqsEndpoint, region });
  const [source] = sqsEventSources(definition, queues);
  if (!source || !queues.WorkDlq) throw new Error('test queues were not provisioned');
  return { source, dlqUrl: queues.WorkDlq.url };
}

/** A stand-in function that records every record it is given and answers with `respond`. */
function recordingFunction(respond: (event: SQSEvent) => InvocationOutcome) {
  const received: SQSRecord[] = [];
  const batches: SQSRecord[][] = [];
  const invocations: string[] = [];
  const invoke: Invoke = async (functionName, event) => {
    invocations.push(functionName);
    received.push(...event.Records);
    batches.push(event.Records);
    return respond(event);
  };
  return { invoke, received, batches, invocations };
}

async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

let pollers: QueuePollers | undefined;

function poll(source: SqsEventSource, invoke: Invoke): void {
  pollers = startQueuePollers({ sources: [source], sqsEndpoint, region, invoke, idleDelayMs: 50 });
}

afterEach(async () => {
  await pollers?.stop();
  pollers = undefined;
});

afterAll(() => sqs.destroy());

test('a message reaches the function as Lambda’s SQS event and is deleted once handled', async () => {
  const { source } = await subscribedQueue();
  const fn = recordingFunction(() => ({ ok: true, payload: null }));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: source.queueUrl,
      MessageBody: '{"orderId":"ord_1"}',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'payment' } },
    }),
  );

  poll(source, fn.invoke);

  const [record] = await eventually(
    () => fn.received,
    (received) => received.length === 1,
  );
  await eventually(
    () => messagesIn(source.queueUrl),
    (count) => count === 0,
  );
  expect(fn.invocations).toEqual([source.functionName]);
  expect(record).toMatchObject({
    body: '{"orderId":"ord_1"}',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: region,
    messageAttributes: {
      kind: { stringValue: 'payment', stringListValues: [], binaryListValues: [], dataType: 'String' },
    },
    attributes: { ApproximateReceiveCount: '1' },
  });
  expect(record?.messageId).toEqual(expect.any(String));
  expect(record?.receiptHandle).toEqual(expect.any(String));
  expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  for (const name of ['SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp'] as const) {
    expect(record?.attributes[name]).toEqual(expect.any(String));
  }
});

test('with ReportBatchItemFailures only the reported message comes back, and the others are done', async () => {
  const { source } = await subscribedQueue({ functionResponseType: 'ReportBatchItemFailures' });
  let failedOnce = false;
  const fn = recordingFunction((event) => {
    const flaky = event.Records.find((record) => record.body === 'flaky');
    if (!flaky || failedOnce) return { ok: true, payload: { batchItemFailures: [] } };
    failedOnce = true;
    return { ok: true, payload: { batchItemFailures: [{ itemIdentifier: flaky.messageId }] } };
  });
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: source.queueUrl,
      Entries: ['steady-1', 'flaky', 'steady-2'].map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );

  poll(source, fn.invoke);

  await eventually(
    () => fn.received.filter((record) => record.body === 'flaky').length,
    (count) => count === 2,
  );
  await eventually(
    () => messagesIn(source.queueUrl),
    (count) => count === 0,
  );
  const deliveries = (body: string) => fn.received.filter((record) => record.body === body);
  expect(deliveries('steady-1')).toHaveLength(1);
  expect(deliveries('steady-2')).toHaveLength(1);
  expect(deliveries('flaky').map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
});

test('a malformed batch response fails the whole batch, as Lambda does', async () => {
  const { source } = await subscribedQueue({ functionResponseType: 'ReportBatchItemFailures', batchSize: 10 });
  let answers = 0;
  const fn = recordingFunction(() =>
    answers++ === 0
      ? { ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] } }
      : { ok: true, payload: {} },
  );
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: source.queueUrl,
      Entries: ['one', 'two'].map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );

  poll(source, fn.invoke);

  await eventually(
    () => messagesIn(source.queueUrl),
    (count) => count === 0,
  );
  const [firstBatch = []] = fn.batches;
  expect(firstBatch.length).toBeGreaterThan(0);
  for (const record of firstBatch) {
    const redeliveries = fn.received.filter((again) => again.messageId === record.messageId && again !== record);
    expect(redeliveries.map((again) => again.attributes.ApproximateReceiveCount)).toEqual(['2']);
  }
});

test('a failing invocation deletes nothing, and SQS dead-letters the message after maxReceiveCount', async () => {
  const { source, dlqUrl } = await subscribedQueue();
  const fn = recordingFunction(() => ({ ok: false, error: 'Unhandled: gateway down' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: source.queueUrl, MessageBody: 'doomed' }));

  poll(source, fn.invoke);

  const dead = await eventually(
    async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }))).Messages ?? [],
    (messages) => messages.length === 1,
  );
  expect(dead[0]?.Body).toBe('doomed');
  expect(fn.received.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
});

test('stopping an idle poller cuts its pause short instead of waiting it out', async () => {
  const { source } = await subscribedQueue();
  const fn = recordingFunction(() => ({ ok: true, payload: null }));
  pollers = startQueuePollers({ sources: [source], sqsEndpoint, region, invoke: fn.invoke, idleDelayMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 200)); // let it find the queue empty and pause

  await pollers.stop();

  expect(fn.invocations).toEqual([]);
}, 5000);
