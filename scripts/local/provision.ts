import { type LocalQueue, provisionQueues } from './provision-queues';
import { provisionTable } from './provision-table';
import type { ServerlessDefinition } from './serverless-definition';

// One import for callers that want the parts (tests use their own table; benches only the table).
export { type LocalQueue, provisionQueues } from './provision-queues';
export { provisionTable } from './provision-table';

export interface ProvisionedResources {
  tableName: string;
  /** The table's CloudFormation logical id (what stream events name: `!GetAtt <id>.StreamArn`). */
  tableLogicalId: string;
  /** By CloudFormation logical id. */
  queues: Record<string, LocalQueue>;
  /** `provider.environment` entries that are `{ Ref }`s to the table or a queue, made concrete. */
  env: Record<string, string>;
}

export interface ProvisionOptions {
  definition: ServerlessDefinition;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  region: string;
  /** Replaces the table's name from serverless.yml (tests use their own table). */
  tableName?: string;
}

/**
 * Creates the table and queues of serverless.yml's `resources` in the local engines, so the
 * deployment template stays the one description of them. Safe to run on every start: what
 * exists is kept (and a table missing an index declared since is given it).
 */
export async function provision(options: ProvisionOptions): Promise<ProvisionedResources> {
  const { tableName, logicalId } = await provisionTable(options);
  const queues = await provisionQueues(options);
  return {
    tableName,
    tableLogicalId: logicalId,
    queues,
    env: referencedEnv(options.definition, { [logicalId]: tableName }, queues),
  };
}

/**
 * Environment variables of `provider.environment` whose value is a `{ Ref }` to the table or a
 * queue, with the local name or URL: that is how functions learn PAYMENT_QUEUE_URL and the like
 * without the names being written down twice.
 */
export function referencedEnv(
  definition: ServerlessDefinition,
  tables: Record<string, string>,
  queues: Record<string, LocalQueue>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(definition.provider.environment ?? {})) {
    const ref = (value as { Ref?: unknown } | null)?.Ref;
    if (typeof ref !== 'string') continue;
    const resolved = queues[ref]?.url ?? tables[ref];
    if (resolved !== undefined) env[key] = resolved;
  }
  return env;
}
