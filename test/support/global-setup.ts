/**
 * Starts the real engines once for the integration project: DynamoDB Local in memory, the SQS
 * emulator and the sandbox payment gateway, each on a free loopback port; creates the table (`cartwheel-test`) and the queues of
 * serverless.yml (stage `test`) and a throw-away token issuer; and exports the environment a
 * deployed function would see. Jest starts its workers after this, so they inherit process.env.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killChildrenOnSignals } from '../../scripts/local/child-processes';
import { startDynamoDb } from '../../scripts/local/dynamodb-engine';
import { ensureIssuer } from '../../scripts/local/issuer';
import { localAwsEnv, SHADOWING_AWS_VARIABLES } from '../../scripts/local/local-aws';
import { referencedEnv } from '../../scripts/local/provision';
import { provisionQueues } from '../../scripts/local/provision-queues';
import { provisionTable } from '../../scripts/local/provision-table';
import { startSandboxCarrier } from '../../scripts/local/sandbox-carrier';
import { startSandboxGateway } from '../../scripts/local/sandbox-gateway';
import { loadServerlessDefinition } from '../../scripts/local/serverless-definition';
import { startSqs } from '../../scripts/local/sqs-engine';
import { startWatchdog } from '../../scripts/local/watchdog';
import { keepEngines } from './engines';

export const TEST_TABLE_NAME = 'cartwheel-test';
const STAGE = 'test';

export default async function globalSetup(): Promise<void> {
  // If jest is interrupted before globalTeardown, the JVM must not outlive it.
  killChildrenOnSignals();
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`integration teardown: ${(error as Error).message}\n`);
      }
    }
  };
  try {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'cartwheel-integration-'));
    cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
    const definition = await loadServerlessDefinition({ stage: STAGE });
    const region = definition.provider.region;
    const dynamo = await startDynamoDb();
    // Even if jest is killed outright, the JVM and the scratch directory go with it.
    const watchdog = startWatchdog({ targets: [{ target: dynamo.pid, signal: 'SIGTERM' }], removeDir: scratch });
    cleanups.push(async () => {
      await dynamo.stop();
      watchdog.dismiss();
    });
    const sqs = await startSqs({ region });
    cleanups.push(sqs.stop);
    // Lives in jest's main process: tests reach its counters and fault hooks over HTTP.
    const payments = await startSandboxGateway();
    cleanups.push(payments.stop);
    const carrier = await startSandboxCarrier();
    cleanups.push(carrier.stop);
    const table = await provisionTable({
      definition,
      dynamoEndpoint: dynamo.endpoint,
      region,
      tableName: TEST_TABLE_NAME,
    });
    const queues = await provisionQueues({ definition, sqsEndpoint: sqs.endpoint, region });
    const issuerDir = path.join(scratch, 'issuer');
    ensureIssuer(issuerDir);

    // What a deployed function sees: provider.environment as resolved for the stage...
    const deployed = Object.entries(definition.provider.environment ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    Object.assign(process.env, Object.fromEntries(deployed), {
      // ...pointed at the local engines and resources...
      ...localAwsEnv({ dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, region }),
      ...referencedEnv(definition, { [table.logicalId]: table.tableName }, queues),
      TABLE_NAME: table.tableName,
      STAGE,
      AUTH_MODE: 'local',
      LOCAL_ISSUER_DIR: issuerDir,
      EMAIL_TRANSPORT: 'file',
      EMAIL_OUTBOX_DIR: path.join(scratch, 'outbox'),
      PAYMENT_GATEWAY_URL: payments.url,
      PAYMENT_GATEWAY_SECRET: payments.secret,
      CARRIER_API_URL: carrier.url,
      CARRIER_API_KEY: carrier.apiKey,
      // Tests fire hundreds of calls from one address and customer; the rate-limit tests set
      // their own small limits.
      RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
      RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000000',
      // Tests fail gateway calls on purpose (tok_gatewayError) in parallel files sharing the table:
      // the production circuit must not open under them. The breaker's tests use their own circuits.
      PAYMENT_CIRCUIT_FAILURE_THRESHOLD: '1000000',
      // ...and quiet.
      POWERTOOLS_LOG_LEVEL: process.env.DEBUG_LOG_LEVEL ?? 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    for (const name of SHADOWING_AWS_VARIABLES) delete process.env[name];
    keepEngines({ stop });
  } catch (error) {
    await stop();
    throw error;
  }
}
