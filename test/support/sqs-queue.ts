import { randomUUID } from 'node:crypto';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueDepth } from '../../scripts/dlq/dlq-commands';
import { provisionQueues } from '../../scripts/local/provision-queues';
import { sqsEventSources, startQueuePollers } from '../../scripts/local/queue-poller';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';
import type { SqsEventSource } from '../../scripts/local/sqs-event-mapping';

/**
 * Receives every message of a queue, each once, with its attributes, and deletes none (they stay
 * invisible for a minute, so each receive returns new ones until the queue has no more).
 */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return [...seen.values()];
    for (const message of Messages) seen.set(message.MessageId ?? '', message);
  }
}

/** Waits until `probe` says done; the deadline only keeps a broken engine from hanging the test. */
export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A worker's queue and its dead-letter queue of a test file's own (other files share the configured
 * ones) on the SQS emulator, with a 1 s visibility timeout so SQS redelivers and dead-letters within
 * seconds, and the worker's subscription to it as serverless.yml would declare it.
 */
export async function workerQueuePair(options: {
  /** The function, e.g. `payment-worker`; its handler is `functions/queue/<name>.handler`. */
  functionName: string;
  maxReceiveCount: number;
  batchSize: number;
}) {
  const region = process.env.AWS_REGION ?? 'eu-west-1';
  const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS as string;
  const id = randomUUID().slice(0, 8);
  const service = `${options.functionName}-dlq-test`;
  const definition: ServerlessDefinition = {
    service,
    provider: { stage: id, region },
    functions: {
      [options.functionName]: {
        handler: `functions/queue/${options.functionName}.handler`,
        events: [
          {
            sqs: {
              arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
              batchSize: options.batchSize,
              functionResponseType: 'ReportBatchItemFailures',
            },
          },
        ],
      },
    },
    resources: {
      Resources: {
        WorkQueue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            QueueName: `${service}-${id}`,
            VisibilityTimeout: 1,
            RedrivePolicy: {
              deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'Arn'] },
              maxReceiveCount: options.maxReceiveCount,
            },
          },
        },
        WorkDeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${service}-${id}-dlq` } },
      },
    },
  };
  const queues = await provisionQueues({ definition, sqsEndpoint, region });
  const [source] = sqsEventSources(definition, queues);
  if (!source || !queues.WorkDeadLetterQueue) throw new Error('test queues were not provisioned');
  return { source, deadLetterUrl: queues.WorkDeadLetterQueue.url };
}

/**
 * Runs a queue through a worker as Lambda's event source mapping would (the local poller deletes
 * what the worker acknowledges and leaves the rest to SQS: visibility timeout, then the DLQ) until
 * the queue is empty; stops the poller however it ends.
 * @returns every record delivered (redeliveries included) and the ones the worker acknowledged.
 */
export async function runQueueThrough(
  sqs: SQSClient,
  source: SqsEventSource,
  worker: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<{ deliveries: SQSRecord[]; acknowledged: SQSRecord[] }> {
  const region = process.env.AWS_REGION ?? 'eu-west-1';
  const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS as string;
  const deliveries: SQSRecord[] = [];
  const acknowledged: SQSRecord[] = [];
  const pollers = startQueuePollers({
    sources: [source],
    sqsEndpoint,
    region,
    idleDelayMs: 50,
    invoke: async (_functionName, event) => {
      deliveries.push(...event.Records);
      const response = await worker(event);
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      acknowledged.push(...event.Records.filter((record) => !failed.has(record.messageId)));
      return { ok: true, payload: response };
    },
  });
  try {
    await eventually(async () => {
      const { waiting, inFlight } = await queueDepth(sqs, source.queueUrl);
      return waiting + inFlight === 0;
    }, `queue ${source.queueUrl} to empty`);
  } finally {
    await pollers.stop();
  }
  return { deliveries, acknowledged };
}
