import {
  type AttributeDefinition,
  type BillingMode,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from './local-aws';
import type { CloudFormationResource, ServerlessDefinition } from './serverless-definition';

/** Creates (or brings up to date) the one `AWS::DynamoDB::Table` of the definition. */
export async function provisionTable(options: {
  definition: ServerlessDefinition;
  dynamoEndpoint: string;
  region: string;
  /** Replaces the table's name from serverless.yml (tests use their own table). */
  tableName?: string;
}): Promise<{ tableName: string; logicalId: string }> {
  const [logicalId, resource] = tableResourceOf(options.definition);
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.dynamoEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return { tableName: await createTable(client, resource, options.tableName), logicalId };
  } finally {
    client.destroy();
  }
}

/** The one `AWS::DynamoDB::Table` of the definition: its logical id and resource. */
export function tableResourceOf(definition: ServerlessDefinition): [string, CloudFormationResource] {
  const resources = definition.resources?.Resources ?? {};
  const tables = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table');
  const [table, ...others] = tables;
  if (!table || others.length > 0) {
    throw new Error(`expected exactly one AWS::DynamoDB::Table in serverless.yml, found ${tables.length}`);
  }
  return table;
}

/** The CreateTable input for a table resource's Properties (PITR and SSE are left out: the local engine has neither). */
export function createTableInput(properties: Record<string, unknown>, tableName: string): CreateTableCommandInput {
  const billingMode = (properties.BillingMode as BillingMode | undefined) ?? 'PROVISIONED';
  return {
    TableName: tableName,
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema as KeySchemaElement[],
    BillingMode: billingMode,
    ...(billingMode === 'PROVISIONED' && {
      ProvisionedThroughput: (properties.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput']) ?? {
        ReadCapacityUnits: 5,
        WriteCapacityUnits: 5,
      },
    }),
    ...(properties.GlobalSecondaryIndexes !== undefined && {
      GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes as GlobalSecondaryIndex[],
    }),
    ...(properties.LocalSecondaryIndexes !== undefined && {
      LocalSecondaryIndexes: properties.LocalSecondaryIndexes as LocalSecondaryIndex[],
    }),
    ...(properties.StreamSpecification !== undefined && {
      StreamSpecification: { StreamEnabled: true, ...(properties.StreamSpecification as object) },
    }),
  };
}

async function createTable(
  client: DynamoDBClient,
  resource: CloudFormationResource,
  nameOverride: string | undefined,
): Promise<string> {
  const properties = resource.Properties ?? {};
  const tableName = nameOverride ?? (properties.TableName as string | undefined);
  if (!tableName) throw new Error('the table resource has no TableName; pass a table name');
  const input = createTableInput(properties, tableName);
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await reconcileExistingTable(client, input);
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await enableTimeToLive(client, tableName, properties.TimeToLiveSpecification);
  return tableName;
}

/**
 * A table kept from an earlier start: its key schema must still match serverless.yml (if not,
 * only a reset helps), and indexes added to serverless.yml since are created.
 */
async function reconcileExistingTable(client: DynamoDBClient, wanted: CreateTableCommandInput): Promise<void> {
  const { Table: existing } = await client.send(new DescribeTableCommand({ TableName: wanted.TableName }));
  const keys = (schema: KeySchemaElement[] | undefined) =>
    JSON.stringify(schema?.map((k) => [k.AttributeName, k.KeyType]));
  if (keys(existing?.KeySchema) !== keys(wanted.KeySchema)) {
    throw new Error(
      `the local table ${wanted.TableName} has another key schema than serverless.yml: run npm run reset to recreate it`,
    );
  }
  // A table kept from before the stream hand-off: the stream is turned on (the view type cannot be changed in place).
  const wantedStream = wanted.StreamSpecification;
  if (wantedStream?.StreamEnabled && !existing?.StreamSpecification?.StreamEnabled) {
    await client.send(new UpdateTableCommand({ TableName: wanted.TableName, StreamSpecification: wantedStream }));
  } else if (
    wantedStream?.StreamEnabled &&
    existing?.StreamSpecification?.StreamViewType !== wantedStream.StreamViewType
  ) {
    throw new Error(
      `the local table ${wanted.TableName} streams ${existing?.StreamSpecification?.StreamViewType}, serverless.yml ${wantedStream.StreamViewType}: run npm run reset to recreate it`,
    );
  }
  const present = new Set((existing?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: wanted.TableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
              ...(index.ProvisionedThroughput && { ProvisionedThroughput: index.ProvisionedThroughput }),
            },
          },
        ],
      }),
    );
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, specification: unknown): Promise<void> {
  const spec = specification as { AttributeName?: string; Enabled?: boolean | string } | undefined;
  if (!spec?.AttributeName || !(spec.Enabled === true || spec.Enabled === 'true')) return;
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription;
  // UpdateTimeToLive fails when TTL is already on, so only ask when it is not.
  if (status?.TimeToLiveStatus === 'ENABLED' && status.AttributeName === spec.AttributeName) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: true },
    }),
  );
}
