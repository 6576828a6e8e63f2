import type { DynamoDBRecord } from 'aws-lambda';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';
import {
  type FilterPattern,
  passesFilters,
  retryFrom,
  streamEventSources,
  toLambdaStreamRecord,
} from '../../scripts/local/stream-event-mapping';

const streamArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/cartwheel-local/stream/2026-12-07T08:00:00.000';

function definition(stream: Record<string, unknown>): ServerlessDefinition {
  return {
    service: 'cartwheel',
    provider: { stage: 'local', region: 'eu-west-1' },
    functions: {
      forwarder: {
        handler: 'unused',
        events: [{ stream: { type: 'dynamodb', arn: { 'Fn::GetAtt': ['Table', 'StreamArn'] }, ...stream } }],
      },
      api: { handler: 'unused', events: [{ httpApi: { method: 'GET', path: '/x' } }] },
    },
  };
}

const workInserts: FilterPattern = { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['WorkRecord'] } } } };

const change = (eventName: DynamoDBRecord['eventName'], type: string | undefined, sequence = '1'): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: sequence,
    ...(type !== undefined && { NewImage: { PK: { S: 'ORDER#o1' }, type: { S: type } } }),
  },
});

describe('the subscriptions to the table stream in serverless.yml', () => {
  it('reads each one with its batch size, failure reporting, filters and retry limits', () => {
    const sources = streamEventSources(
      definition({
        batchSize: 100,
        functionResponseType: 'ReportBatchItemFailures',
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: 900,
        filterPatterns: [workInserts],
      }),
      'Table',
    );
    expect(sources).toEqual([
      {
        functionKey: 'forwarder',
        functionName: 'cartwheel-local-forwarder',
        batchSize: 100,
        reportBatchItemFailures: true,
        filterPatterns: [workInserts],
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: 900,
      },
    ]);
  });

  it('refuses what it cannot run as Lambda would: another stream, or a filter operator it does not match', () => {
    expect(() => streamEventSources(definition({ arn: 'arn:aws:kinesis:eu-west-1:1:stream/x' }), 'Table')).toThrow(
      /only a dynamodb stream of the table/,
    );
    expect(() =>
      streamEventSources(definition({ filterPatterns: [{ eventName: [{ suffix: 'ERT' }] }] }), 'Table'),
    ).toThrow(/not supported locally/);
    expect(() => streamEventSources(definition({ batchSize: 5000 }), 'Table')).toThrow(/batchSize/);
  });
});

describe('event filtering', () => {
  it('lets through the records any pattern matches, field by field', () => {
    expect(passesFilters(change('INSERT', 'WorkRecord'), [workInserts])).toBe(true);
    expect(passesFilters(change('MODIFY', 'WorkRecord'), [workInserts])).toBe(false);
    expect(passesFilters(change('INSERT', 'Order'), [workInserts])).toBe(false);
    expect(passesFilters(change('REMOVE', undefined), [workInserts])).toBe(false);
    expect(passesFilters(change('REMOVE', undefined), [workInserts, { eventName: ['REMOVE'] }])).toBe(true);
    expect(passesFilters(change('MODIFY', 'Order'), [])).toBe(true);
  });

  it('matches { prefix } on the start of a string only', () => {
    const variants: FilterPattern = { dynamodb: { Keys: { SK: { S: [{ prefix: '#VARIANT#' }] } } } };
    const keyed = (SK: unknown) => ({ dynamodb: { Keys: { PK: { S: 'PRODUCT#A' }, SK: { S: SK } } } }) as never;
    expect(passesFilters(keyed('#VARIANT#A-M'), [variants])).toBe(true);
    expect(passesFilters(keyed('#VARIANT'), [variants])).toBe(false);
    expect(passesFilters(keyed('X#VARIANT#A-M'), [variants])).toBe(false);
    expect(passesFilters(keyed(7), [variants])).toBe(false);
  });

  it('matches { exists } on presence', () => {
    const hasImage: FilterPattern = { dynamodb: { NewImage: [{ exists: true }] } };
    expect(passesFilters(change('INSERT', 'Order'), [hasImage])).toBe(true);
    expect(passesFilters(change('REMOVE', undefined), [hasImage])).toBe(false);
  });
});

describe('the Lambda record built from a stream record', () => {
  it('carries the stream ARN and epoch seconds, as Lambda hands them over', () => {
    const record = toLambdaStreamRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-12-07T08:39:00.000Z'),
          Keys: { PK: { S: 'k' } },
          NewImage: { PK: { S: 'k' }, type: { S: 'WorkRecord' } },
          SequenceNumber: '000000000000000000001',
          SizeBytes: 22,
          StreamViewType: 'NEW_IMAGE',
        },
      },
      { streamArn },
    );
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-12-07T08:39:00.000Z') / 1000,
        Keys: { PK: { S: 'k' } },
        NewImage: { PK: { S: 'k' }, type: { S: 'WorkRecord' } },
        SequenceNumber: '000000000000000000001',
        SizeBytes: 22,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  });
});

describe('where a finished invocation leaves the shard', () => {
  const batch = [
    change('INSERT', 'WorkRecord', '1'),
    change('INSERT', 'WorkRecord', '2'),
    change('INSERT', 'WorkRecord', '3'),
  ];
  const ok = (payload: unknown) => ({ ok: true as const, payload });

  it('done when the function reports no failure', () => {
    expect(retryFrom(batch, ok({ batchItemFailures: [] }), true)).toBeUndefined();
    expect(retryFrom(batch, ok(null), true)).toBeUndefined();
    expect(retryFrom(batch, ok({ batchItemFailures: [{ itemIdentifier: '2' }] }), false)).toBeUndefined();
  });

  it('resumes at the lowest failed sequence number, the records after it included', () => {
    const failures = { batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] };
    expect(retryFrom(batch, ok(failures), true)).toEqual({ index: 1, reason: 'reported as batch item failures' });
  });

  it('retries the whole batch after an error, a malformed answer or an unknown identifier', () => {
    expect(retryFrom(batch, { ok: false, error: 'timeout' }, true)?.index).toBe(0);
    expect(retryFrom(batch, ok('nonsense'), true)?.index).toBe(0);
    expect(retryFrom(batch, ok({ batchItemFailures: 'x' }), true)?.index).toBe(0);
    expect(retryFrom(batch, ok({ batchItemFailures: [{ itemIdentifier: '9' }] }), true)?.index).toBe(0);
  });
});
