import path from 'node:path';
import { tableResourceOf } from '../../scripts/local/provision-table';
import { streamEventSources } from '../../scripts/local/stream-event-mapping';
import type { CheckoutStack } from '../bench-context';
import { type Bundle, bundleNamed } from './build-bundles';
import { type ServerChild, startServerChild } from './server-child';
import type { StreamFunctionArgs } from './stream-function-server';

/**
 * A stream function of the checkout stack's table, as deployed: the table's stream read by the local
 * event source mapping with the function's own settings from serverless.yml, and the built bundle
 * handling each batch, in a process of its own (a Lambda function of its own in AWS: it never shares
 * the event loop, or the CPU time, of the handlers being measured). It reads from now on (LATEST)
 * with the function environment of this process; `stop()` when the measure is over.
 */
export function startStreamFunction(
  stack: CheckoutStack,
  functions: Bundle[],
  functionKey: string,
): Promise<ServerChild> {
  const { file, exportName } = bundleNamed(functions, functionKey);
  const [tableLogicalId] = tableResourceOf(stack.definition);
  const args: StreamFunctionArgs = {
    bundle: { file, exportName },
    sources: streamEventSources(stack.definition, tableLogicalId).filter(
      (source) => source.functionKey === functionKey,
    ),
    dynamoEndpoint: stack.dynamoEndpoint,
    region: stack.region,
    tableName: stack.tableName,
  };
  return startServerChild(functionKey, path.join(__dirname, 'stream-function-server.ts'), [JSON.stringify(args)]);
}

/** The hand-off of the checkout stack's follow-up work: `work-forwarder` on the table's stream. */
export const startWorkForwarding = (stack: CheckoutStack, functions: Bundle[]) =>
  startStreamFunction(stack, functions, 'work-forwarder');

/** Waits until `count()` reaches `expected` (the forwarder catching up), at most `timeoutMs`; the last count. */
export async function settledCount(
  count: () => Promise<number>,
  expected: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let current = await count();
  while (current < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await count();
  }
  return current;
}
