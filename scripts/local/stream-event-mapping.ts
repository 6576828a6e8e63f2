import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ServerlessDefinition } from './serverless-definition';
import type { InvocationOutcome } from './sqs-event-mapping';

/**
 * Lambda's DynamoDB stream event source mapping as pure functions: which functions consume the
 * table's stream, which records their filters let through, the event Lambda builds, and where a
 * finished invocation leaves the shard.
 */

export interface StreamEventSource {
  functionKey: string;
  /** The deployed name, which serverless-offline's invoke endpoint expects. */
  functionName: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Lambda's `FilterCriteria` patterns: a record reaches the function when any one matches (none: all do). */
  filterPatterns: FilterPattern[];
  /** -1: retried until the record is too old. */
  maximumRetryAttempts: number;
  /** -1: until the stream drops it (24 h). */
  maximumRecordAgeSeconds: number;
}

/** An event filter pattern: a field's allowed values, or a nested pattern. */
export type FilterPattern = { [field: string]: FilterPattern | FilterValue[] };
type FilterValue = string | number | boolean | null | { exists: boolean } | { prefix: string };

interface StreamEventConfig {
  arn?: unknown;
  type?: unknown;
  batchSize?: unknown;
  functionResponseType?: unknown;
  enabled?: unknown;
  filterPatterns?: unknown;
  maximumRetryAttempts?: unknown;
  maximumRecordAgeInSeconds?: unknown;
}

/** The subscriptions to the table's stream (`arn: !GetAtt <table>.StreamArn`) of every function in the definition. */
export function streamEventSources(definition: ServerlessDefinition, tableLogicalId: string): StreamEventSource[] {
  const sources: StreamEventSource[] = [];
  for (const [functionKey, fn] of Object.entries(definition.functions ?? {})) {
    for (const event of fn.events ?? []) {
      if (!('stream' in event)) continue;
      const config = (event.stream ?? {}) as StreamEventConfig;
      if (config.enabled === false || config.enabled === 'false') continue;
      if (config.type !== 'dynamodb' || !namesStreamOf(config.arn, tableLogicalId)) {
        throw new Error(
          `function ${functionKey}: only a dynamodb stream of the table (arn: !GetAtt ${tableLogicalId}.StreamArn) runs locally`,
        );
      }
      const batchSize = Number(config.batchSize ?? 100);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
        throw new Error(`function ${functionKey}: a stream's batchSize must be 1-1000 locally`);
      }
      const patterns = (config.filterPatterns ?? []) as unknown[];
      for (const pattern of patterns) assertSupportedPattern(pattern, functionKey);
      sources.push({
        functionKey,
        functionName: fn.name ?? `${definition.service}-${definition.provider.stage}-${functionKey}`,
        batchSize,
        reportBatchItemFailures: config.functionResponseType === 'ReportBatchItemFailures',
        filterPatterns: patterns as FilterPattern[],
        maximumRetryAttempts: Number(config.maximumRetryAttempts ?? -1),
        maximumRecordAgeSeconds: Number(config.maximumRecordAgeInSeconds ?? -1),
      });
    }
  }
  return sources;
}

function namesStreamOf(arn: unknown, tableLogicalId: string): boolean {
  const getAtt = (arn as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const parts = typeof getAtt === 'string' ? getAtt.split('.') : getAtt;
  return Array.isArray(parts) && parts[0] === tableLogicalId && parts[1] === 'StreamArn';
}

/**
 * Locally only exact values, `{ exists }` and `{ prefix }` (of a string) are matched; a pattern using
 * other operators (numeric, anything-but, suffix) is refused at start rather than matched
 * differently from Lambda.
 */
function assertSupportedPattern(pattern: unknown, functionKey: string): void {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) {
    throw new Error(`function ${functionKey}: a filter pattern must be an object`);
  }
  for (const value of Object.values(pattern)) {
    if (!Array.isArray(value)) {
      assertSupportedPattern(value, functionKey);
      continue;
    }
    for (const allowed of value) {
      const supported =
        allowed === null ||
        ['string', 'number', 'boolean'].includes(typeof allowed) ||
        (typeof allowed === 'object' &&
          Object.keys(allowed).length === 1 &&
          (typeof (allowed as { exists?: unknown }).exists === 'boolean' ||
            typeof (allowed as { prefix?: unknown }).prefix === 'string'));
      if (!supported) {
        throw new Error(
          `function ${functionKey}: filter value ${JSON.stringify(allowed)} is not supported locally (exact values, { exists } and { prefix } only)`,
        );
      }
    }
  }
}

/** Whether Lambda's filter criteria let the record through (any pattern matches; no patterns: yes). */
export function passesFilters(record: DynamoDBRecord, patterns: FilterPattern[]): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matches(record, pattern));
}

function matches(subject: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = (subject as Record<string, unknown> | undefined)?.[field];
    if (!Array.isArray(expected)) return typeof value === 'object' && value !== null && matches(value, expected);
    return expected.some((allowed) => {
      if (typeof allowed === 'object' && allowed !== null) {
        if ('prefix' in allowed) return typeof value === 'string' && value.startsWith(allowed.prefix);
        return allowed.exists === (value !== undefined);
      }
      return value === allowed;
    });
  });
}

/** The record as Lambda hands it to the function. */
export function toLambdaStreamRecord(record: StreamRecord, source: { streamArn: string }): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  const created = change.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: source.streamArn,
    dynamodb: {
      // Lambda's events carry epoch seconds where the streams API has a timestamp.
      ...(created !== undefined && { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) }),
      ...(change.Keys && { Keys: change.Keys }),
      ...(change.NewImage && { NewImage: change.NewImage }),
      ...(change.OldImage && { OldImage: change.OldImage }),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    },
  } as DynamoDBRecord;
}

export const toLambdaStreamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/**
 * Where a finished invocation leaves the batch, by Lambda's rules for streams: an error retries the
 * whole batch; with ReportBatchItemFailures, the shard resumes at the lowest reported sequence
 * number (that record and every one after it again), an empty list means all done, and a malformed
 * response or an unknown identifier fails the whole batch.
 * @returns the index of the first record to retry, or `undefined` when the batch is done
 */
export function retryFrom(
  records: DynamoDBRecord[],
  outcome: InvocationOutcome,
  reportBatchItemFailures: boolean,
): { index: number; reason: string } | undefined {
  if (!outcome.ok) return { index: 0, reason: `invocation failed: ${outcome.error}` };
  if (!reportBatchItemFailures) return undefined;
  const payload = outcome.payload;
  if (payload === null || payload === undefined || payload === '') return undefined;
  if (typeof payload !== 'object' || Array.isArray(payload))
    return { index: 0, reason: 'the response is not a batch response object' };
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return undefined;
  if (!Array.isArray(failures)) return { index: 0, reason: 'batchItemFailures is not a list' };
  let first: number | undefined;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === id);
    if (typeof id !== 'string' || index < 0)
      return { index: 0, reason: `invalid itemIdentifier in batchItemFailures: ${JSON.stringify(failure)}` };
    first = first === undefined ? index : Math.min(first, index);
  }
  return first === undefined ? undefined : { index: first, reason: 'reported as batch item failures' };
}
