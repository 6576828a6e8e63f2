import path from 'node:path';
import { tableResourceOf } from '../../scripts/local/provision-table';
import { streamEventSources } from '../../scripts/local/stream-event-mapping';
import type { CheckoutStack } from '../bench-context';
import { type Bundle, bundleNamed } from './build-bundles';
import { type ServerChild, startServerChild } from './server-child';
import type { WorkForwarderArgs } from './work-forwarder-server';

/**
 * The hand-off of the checkout stack's follow-up work, as deployed: the table's stream read by the
 * local event source mapping, and the built `work-forwarder` bundle sending each new work record to
 * its queue, in a process of its own (a Lambda function of its own in AWS: it never shares the event
 * loop, or the CPU time, of the handlers being measured). It reads from now on (LATEST) with the
 * function environment of this process; `stop()` when the measure is over.
 */
export function startWorkForwarding(stack: CheckoutStack, functions: Bundle[]): Promise<ServerChild> {
  const { file, exportName } = bundleNamed(functions, 'work-forwarder');
  const [tableLogicalId] = tableResourceOf(stack.definition);
  const args: WorkForwarderArgs = {
    bundle: { file, exportName },
    sources: streamEventSources(stack.definition, tableLogicalId).filter(
      (source) => source.functionKey === 'work-forwarder',
    ),
    dynamoEndpoint: stack.dynamoEndpoint,
    region: stack.region,
    tableName: stack.tableName,
  };
  return startServerChild('work forwarder', path.join(__dirname, 'work-forwarder-server.ts'), [JSON.stringify(args)]);
}

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
