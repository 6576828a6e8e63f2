import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamEventSource } from '../../scripts/local/stream-event-mapping';
import { startStreamPollers } from '../../scripts/local/stream-poller';
import { tableName } from '../support/integration';
import { eventually } from '../support/sqs-queue';

/**
 * The local stand-in for Lambda's stream event source mapping, against DynamoDB Local's own
 * stream, on a table of this file's own: the engine's stream quirks are what is under test.
 */
const db = new DynamoDBClient({ region: process.env.AWS_REGION });
const own = `${tableName()}-stream-${randomBytes(3).toString('hex')}`;

const source: StreamEventSource = {
  functionKey: 'recorder',
  functionName: 'cartwheel-test-recorder',
  batchSize: 10,
  reportBatchItemFailures: true,
  filterPatterns: [],
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
};

beforeAll(async () => {
  await db.send(
    new CreateTableCommand({
      TableName: own,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await waitUntilTableExists({ client: db, maxWaitTime: 30 }, { TableName: own });
});

afterAll(async () => {
  try {
    await db.send(new DeleteTableCommand({ TableName: own }));
  } finally {
    db.destroy();
  }
});

describe('the local stream poller', () => {
  it('reads what is written to a table that was empty when it started, after writes to another table', async () => {
    const seen: DynamoDBRecord[] = [];
    const pollers = await startStreamPollers({
      sources: [source],
      dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
      region: process.env.AWS_REGION as string,
      tableName: own,
      invoke: async (_name, event) => {
        seen.push(...event.Records);
        return { ok: true, payload: null };
      },
    });
    try {
      // DynamoDB Local numbers every table's stream records from one sequence: the shared table's
      // write moves it past the position the poller took in this table's empty shard.
      const marker = `stream-poller-${randomBytes(4).toString('hex')}`;
      await db.send(new PutItemCommand({ TableName: tableName(), Item: { PK: { S: marker }, SK: { S: marker } } }));
      for (const n of [1, 2, 3]) {
        await db.send(new PutItemCommand({ TableName: own, Item: { PK: { S: `item-${n}` } } }));
      }
      await eventually(async () => seen.length >= 3, 'the three writes, read from the stream', {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      expect(seen.map((record) => record.dynamodb?.Keys?.PK?.S)).toEqual(['item-1', 'item-2', 'item-3']);
      expect(seen.every((record) => record.eventName === 'INSERT')).toBe(true);
    } finally {
      await pollers.stop();
    }
  });
});
