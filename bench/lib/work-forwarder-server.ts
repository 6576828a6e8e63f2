/**
 * Child-process entry of the bench's work hand-off (see work-forwarding.ts): the table's stream read
 * by the local event source mapping and handed to the built `work-forwarder` bundle, until the bench
 * stops it or goes away. Arguments: one JSON object, {@link WorkForwarderArgs}.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamEventSource } from '../../scripts/local/stream-event-mapping';
import { startStreamPollers } from '../../scripts/local/stream-poller';
import { lambdaContext } from '../../test/support/http-event';
import { loadHandler } from './build-bundles';
import { serveUntilParentGoes } from './server-child';

export interface WorkForwarderArgs {
  bundle: { file: string; exportName: string };
  sources: StreamEventSource[];
  dynamoEndpoint: string;
  region: string;
  tableName: string;
}

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

serveUntilParentGoes('work-forwarder', async () => {
  const args = JSON.parse(process.argv[2] as string) as WorkForwarderArgs;
  const handler = loadHandler<StreamHandler>(args.bundle);
  const pollers = await startStreamPollers({
    sources: args.sources,
    dynamoEndpoint: args.dynamoEndpoint,
    region: args.region,
    tableName: args.tableName,
    invoke: async (functionName, event) => ({ ok: true, payload: await handler(event, lambdaContext(functionName)) }),
  });
  return { endpoint: `stream of ${args.tableName}`, stop: () => pollers.stop() };
});
