import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './local-aws';
import { pause, stopOnce } from './poll-loops';
import { type InvocationOutcome, type SqsEventSource, settleBatch, toLambdaSqsEvent } from './sqs-event-mapping';

/**
 * A local stand-in for Lambda's SQS event source mapping: it polls each queue a function
 * subscribes to in serverless.yml, invokes the function with the event Lambda would build, and
 * deletes what Lambda would delete. Retries, visibility timeouts and dead-lettering are left to
 * the SQS engine, as in AWS.
 *
 * Lambda long-polls; we short-poll with a small idle delay instead, because the local engine's
 * long poll differs from SQS: it holds the response until the batch is full or the wait is over
 * (20 s of latency per message), and can return a message twice in one response when its
 * visibility timeout runs out during the wait.
 */

// The pure half of the mapping, for callers that want both from one place.
export {
  type InvocationOutcome,
  type SqsEventSource,
  settleBatch,
  sqsEventSources,
  toLambdaSqsEvent,
} from './sqs-event-mapping';

export type Invoke = (functionName: string, event: SQSEvent, signal: AbortSignal) => Promise<InvocationOutcome>;

/** Invokes functions (with any event) through serverless-offline's implementation of the Lambda Invoke API. */
export function lambdaInvoker(
  lambdaEndpoint: string,
): (functionName: string, event: unknown, signal: AbortSignal) => Promise<InvocationOutcome> {
  return async (functionName, event, signal) => {
    let response: Response;
    try {
      response = await fetch(`${lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
        body: JSON.stringify(event),
        signal,
      });
    } catch (error) {
      return { ok: false, error: `could not reach the Lambda endpoint: ${(error as Error).message}` };
    }
    const text = await response.text();
    const functionError = response.headers.get('x-amz-function-error') ?? response.headers.get('x-amzn-errortype');
    if (response.status !== 200 || functionError) {
      return { ok: false, error: `${functionError ?? `HTTP ${response.status}`}: ${text.slice(0, 500)}` };
    }
    if (text === '') return { ok: true, payload: undefined };
    try {
      return { ok: true, payload: JSON.parse(text) as unknown };
    } catch {
      return { ok: true, payload: text }; // not JSON: settleBatch treats it as malformed where that matters
    }
  };
}

export interface QueuePollerOptions {
  sources: SqsEventSource[];
  sqsEndpoint: string;
  region: string;
  invoke: Invoke;
  log?: (line: string) => void;
  /** Pause after a poll that found nothing (default 200 ms): the delivery latency of an idle queue. */
  idleDelayMs?: number;
}

export interface QueuePollers {
  /** Stops polling (cutting an idle pause or a receive short) and waits for in-flight batches to settle. */
  stop(): Promise<void>;
}

export function startQueuePollers(options: QueuePollerOptions): QueuePollers {
  const controller = new AbortController();
  const client = new SQSClient({
    endpoint: options.sqsEndpoint,
    region: options.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const log = options.log ?? (() => {});
  const loops = options.sources.map((source) => pollLoop(client, source, options, controller.signal, log));
  return stopOnce(controller, loops, () => client.destroy());
}

async function pollLoop(
  client: SQSClient,
  source: SqsEventSource,
  options: QueuePollerOptions,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const label = `${source.functionKey} ← ${source.queueLogicalId}`;
  const idleDelayMs = options.idleDelayMs ?? 200;
  while (!signal.aborted) {
    try {
      const messages = await receiveBatch(client, source, signal);
      if (messages.length === 0) {
        await pause(idleDelayMs, signal);
        continue;
      }
      const event = toLambdaSqsEvent(messages, { queueArn: source.queueArn, region: options.region });
      const outcome = await options
        .invoke(source.functionName, event, signal)
        .catch((error: unknown): InvocationOutcome => ({ ok: false, error: (error as Error).message }));
      const verdict = settleBatch(event.Records, outcome, source.reportBatchItemFailures);
      await deleteRecords(client, source.queueUrl, verdict.done, log, label);
      if (verdict.retry.length > 0 && !signal.aborted) {
        log(
          `${label}: ${verdict.retry.length} of ${event.Records.length} message(s) left for retry (${verdict.reason})`,
        );
      }
    } catch (error) {
      if (signal.aborted) break;
      log(`${label}: polling failed, retrying in 1 s: ${(error as Error).message}`);
      await pause(1000, signal);
    }
  }
}

/**
 * One batch as Lambda gathers it: what is there now, and with a batching window, more receives
 * until the batch is full or the window has passed.
 */
async function receiveBatch(client: SQSClient, source: SqsEventSource, signal: AbortSignal): Promise<Message[]> {
  const batch = new Map<string, Message>();
  const receive = async () => {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: source.queueUrl,
        MaxNumberOfMessages: Math.min(10, source.batchSize - batch.size),
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    // A message seen twice keeps its latest receipt handle, the only one SQS still honours.
    for (const message of Messages ?? []) batch.set(message.MessageId ?? '', message);
    return (Messages ?? []).length;
  };
  await receive();
  if (batch.size === 0 || source.maximumBatchingWindowSeconds <= 0) return [...batch.values()];
  const deadline = Date.now() + source.maximumBatchingWindowSeconds * 1000;
  while (batch.size < source.batchSize && Date.now() < deadline && !signal.aborted) {
    if ((await receive()) === 0) await pause(Math.min(100, deadline - Date.now()), signal);
  }
  return [...batch.values()];
}

async function deleteRecords(
  client: SQSClient,
  queueUrl: string,
  records: SQSRecord[],
  log: (line: string) => void,
  label: string,
): Promise<void> {
  for (let start = 0; start < records.length; start += 10) {
    const chunk = records.slice(start, start + 10);
    // No abort signal: work the function finished must be acknowledged even while stopping.
    const { Failed } = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    for (const failure of Failed ?? []) log(`${label}: could not delete a processed message: ${failure.Message}`);
  }
}
