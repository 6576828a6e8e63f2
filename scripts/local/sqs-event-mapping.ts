import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { getAttArnTarget, type LocalQueue } from './provision-queues';
import type { ServerlessDefinition } from './serverless-definition';

/**
 * Lambda's SQS event source mapping as pure functions: which functions consume which queue,
 * the event Lambda builds from received messages, and what it deletes after an invocation.
 */

export interface SqsEventSource {
  functionKey: string;
  /** The deployed name, which serverless-offline's invoke endpoint expects. */
  functionName: string;
  queueLogicalId: string;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
}

interface SqsEventConfig {
  arn?: unknown;
  batchSize?: unknown;
  maximumBatchingWindow?: unknown;
  functionResponseType?: unknown;
  enabled?: unknown;
}

/** The SQS subscriptions of every function in the definition, resolved to the local queues. */
export function sqsEventSources(
  definition: ServerlessDefinition,
  queues: Record<string, LocalQueue>,
): SqsEventSource[] {
  const sources: SqsEventSource[] = [];
  for (const [functionKey, fn] of Object.entries(definition.functions ?? {})) {
    for (const event of fn.events ?? []) {
      if (!('sqs' in event)) continue;
      const raw = event.sqs;
      const config: SqsEventConfig = typeof raw === 'string' ? { arn: raw } : ((raw ?? {}) as SqsEventConfig);
      if (config.enabled === false || config.enabled === 'false') continue;
      const queueLogicalId = queueOf(config.arn, queues);
      const queue = queueLogicalId === undefined ? undefined : queues[queueLogicalId];
      if (queueLogicalId === undefined || queue === undefined) {
        throw new Error(
          `function ${functionKey}: its sqs event names a queue that is not in resources: ${JSON.stringify(config.arn)}`,
        );
      }
      const window = Number(config.maximumBatchingWindow ?? 0);
      const batchSize = Number(config.batchSize ?? 10);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || (batchSize > 10 && window <= 0)) {
        throw new Error(`function ${functionKey}: batchSize must be 1-10, or up to 10000 with a maximumBatchingWindow`);
      }
      sources.push({
        functionKey,
        functionName: fn.name ?? `${definition.service}-${definition.provider.stage}-${functionKey}`,
        queueLogicalId,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize,
        maximumBatchingWindowSeconds: window,
        reportBatchItemFailures: config.functionResponseType === 'ReportBatchItemFailures',
      });
    }
  }
  return sources;
}

/** The queue an event's `arn` names: `{ Fn::GetAtt: [X, Arn] }`, or a literal ARN of a local queue. */
function queueOf(arn: unknown, queues: Record<string, LocalQueue>): string | undefined {
  const target = getAttArnTarget(arn);
  if (target !== undefined) return target;
  if (typeof arn !== 'string') return undefined;
  const name = arn.split(':').at(-1);
  return Object.entries(queues).find(([, queue]) => queue.name === name)?.[0];
}

/** The event Lambda builds from a batch of received messages. */
export function toLambdaSqsEvent(messages: Message[], source: { queueArn: string; region: string }): SQSEvent {
  return {
    Records: messages.map((message): SQSRecord => {
      const record: SQSRecord = {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        // Lambda passes every system attribute SQS returned, all as strings.
        attributes: { ...(message.Attributes ?? {}) } as unknown as SQSRecordAttributes,
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: source.queueArn,
        awsRegion: source.region,
      };
      if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
      return record;
    }),
  };
}

/** Lambda's camel-cased attribute shape, binary values in base64 and both list fields always present. */
function lambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
    ...(value.BinaryValue !== undefined && { binaryValue: base64(value.BinaryValue) }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
}

/** What an invocation came to: the function's response, or an error (unhandled, timeout, unreachable). */
export type InvocationOutcome = { ok: true; payload: unknown } | { ok: false; error: string };

export interface BatchVerdict {
  /** Processed: to be deleted from the queue. */
  done: SQSRecord[];
  /** Left in the queue, to come back after the visibility timeout (or go to the dead-letter queue). */
  retry: SQSRecord[];
  /** Why anything is retried. */
  reason?: string;
}

/**
 * Lambda's rules for a finished invocation. An error retries the whole batch. With
 * ReportBatchItemFailures, the listed `itemIdentifier`s are retried and the rest is done; an
 * empty or null response or failure list means all done; a malformed response, or an identifier
 * that is empty or not in the batch, fails the whole batch.
 */
export function settleBatch(
  records: SQSRecord[],
  outcome: InvocationOutcome,
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if (!outcome.ok) return { done: [], retry: records, reason: `invocation failed: ${outcome.error}` };
  if (!reportBatchItemFailures) return { done: records, retry: [] };
  const failAll = (reason: string): BatchVerdict => ({ done: [], retry: records, reason });
  const payload = outcome.payload;
  if (payload === null || payload === undefined || payload === '') return { done: records, retry: [] };
  if (typeof payload !== 'object' || Array.isArray(payload))
    return failAll('the response is not a batch response object');
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { done: records, retry: [] };
  if (!Array.isArray(failures)) return failAll('batchItemFailures is not a list');
  const ids = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) {
      return failAll(`invalid itemIdentifier in batchItemFailures: ${JSON.stringify(failure)}`);
    }
    failed.add(id);
  }
  return {
    done: records.filter((record) => !failed.has(record.messageId)),
    retry: records.filter((record) => failed.has(record.messageId)),
    ...(failed.size > 0 && { reason: 'reported as batch item failures' }),
  };
}
