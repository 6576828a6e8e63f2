import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { resetConfig } from '../../shared/config';

/**
 * Gives the calling test file a table of its own, created before its tests and deleted after them,
 * with the shared table's keys and indexes. For files that set what is shop-wide (the shipping
 * methods): in the shared table it would change every other file's checkouts. Call it at the top
 * of the file, before anything reads the configuration; the file's handlers then use the new table.
 */
export function useOwnTable(tag: string): void {
  const shared = process.env.TABLE_NAME as string;
  const own = `${shared}-${tag}-${randomBytes(3).toString('hex')}`;
  process.env.TABLE_NAME = own;
  resetConfig();
  const client = new DynamoDBClient({ region: process.env.AWS_REGION });
  beforeAll(async () => {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: shared }));
    if (!table) throw new Error(`the shared table ${shared} is not there`);
    await client.send(
      new CreateTableCommand({
        TableName: own,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({
          IndexName,
          KeySchema,
          Projection,
        })),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: own });
  });
  afterAll(async () => {
    try {
      await client.send(new DeleteTableCommand({ TableName: own }));
    } finally {
      client.destroy();
    }
  });
}
