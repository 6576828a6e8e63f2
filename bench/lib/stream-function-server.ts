/**
 * Child-process entry of a stream function of the bench (see work-forwarding.ts): the table's stream
 * read by the local event source mapping and handed to a built stream function's bundle
 * (`work-forwarder`, `search-indexer`), until the bench stops it or goes away. Arguments: one JSON
 * object, {@link StreamFunctionArgs}.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamEventSource } from '../../scripts/local/stream-event-mapping';
import { startStreamPollers } from '../../scripts/local/stream-poller';
import { lambdaContext } from '../../test/support/http-event';
import { loadHandler } from './build-bundles';
import { serveUntilParentGoes } from './server-child';

export interface StreamFunctionArgs {
  bundle: { file: string; exportName: string };
  sources: StreamEventSource[];
  dynamoEndpoint: string;
  region: string;
  tableName: string;
}

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | undefined>;

serveUntilParentGoes('stream-function', async () => {
  const args = JSON.parse(process.argv[2] as string) as StreamFunctionArgs;
  const handler = loadHandler<StreamHandler>(args.bundle);
  const pollers = await startStreamPollers({
    sources: args.sources,
    dynamoEndpoint: args.dynamoEndpoint,
    region: args.region,
    tableName: args.tableName,
    invoke: async (functionName, event) => ({
      ok: true,
      payload: (await handler(event, lambdaContext(functionName))) ?? null,
    }),
  });
  return { endpoint: `stream of ${args.tableName}`, stop: () => pollers.stop() };
});
