import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { loadServerlessDefinition } from '../../scripts/local/serverless-definition';
import { streamEventSources } from '../../scripts/local/stream-event-mapping';
import { type StreamPollers, startStreamPollers } from '../../scripts/local/stream-poller';
import { lambdaContext } from './http-event';
import { tableName } from './integration';

/**
 * Feeds the test table's stream (DynamoDB Local) to `handler` as the function `functionKey` of
 * serverless.yml would get it: its event source's filters, batch size and retries, read by the
 * local poller `npm start` runs. Until `stop()`.
 */
export async function streamTo(
  functionKey: string,
  handler: (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>,
): Promise<StreamPollers> {
  const definition = await loadServerlessDefinition({ stage: 'test' });
  return startStreamPollers({
    sources: streamEventSources(definition, 'Table').filter((source) => source.functionKey === functionKey),
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
    region: process.env.AWS_REGION as string,
    tableName: tableName(),
    invoke: async (functionName, event: DynamoDBStreamEvent) => ({
      ok: true,
      payload: await handler(event, lambdaContext(functionName)),
    }),
  });
}
