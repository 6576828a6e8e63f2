/**
 * `npm start`: the whole backend on this machine. DynamoDB Local (persistent, under the local
 * data dir) and an in-memory SQS engine, the table and queues of serverless.yml, a seeded demo
 * catalog, the HTTP API and schedules through serverless-offline, and the stream's and queues'
 * functions through local event source mappings. Ctrl-C stops every child process.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_CARRIER_WEBHOOK_SECRET } from '../shared/config';
import { startDynamoDb } from './local/dynamodb-engine';
import { assertPortFree, freePort } from './local/free-port';
import { ensureIssuer } from './local/issuer';
import { localAwsEnv, withLocalAws } from './local/local-aws';
import { startOfflineApi, waitForHealth } from './local/offline-api';
import { localPaths, repoRoot } from './local/paths';
import { removePidFile, runningStartPid, writePidFile } from './local/pid-file';
import { provision } from './local/provision';
import { lambdaInvoker, type QueuePollers, sqsEventSources, startQueuePollers } from './local/queue-poller';
import { startSandboxCarrier } from './local/sandbox-carrier';
import { startSandboxGateway } from './local/sandbox-gateway';
import { ensureSearchIndex, seedDemoCatalog } from './local/seed';
import { loadServerlessDefinition } from './local/serverless-definition';
import { startSqs } from './local/sqs-engine';
import { streamEventSources } from './local/stream-event-mapping';
import { startStreamPollers } from './local/stream-poller';

const STAGE = 'local';
const paths = localPaths();
/** Set when our output pipe is gone (whoever read it died): writing again would only fail again. */
let outputClosed = false;
const write = (text: string) => {
  if (!outputClosed) process.stdout.write(text);
};
const say = (prefix: string) => (line: string) => write(`${prefix} ${line}\n`);
const log = say('[start]   ');

/** What is running, in start order; shutdown stops it in reverse. */
const running: Array<{ name: string; stop: () => Promise<void> }> = [];
let shuttingDown: Promise<never> | undefined;

/** A duration in milliseconds from the environment (0 or more), or undefined when unset. */
function durationFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`${name} must be a number of milliseconds, not "${raw}"`);
  return ms;
}

function portFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`${name} must be a port number, not "${raw}"`);
  return port;
}

let recorded: Record<string, unknown> = {};

/** Pids and ports of this run, for tools and the e2e harness (which checks that all are gone after Ctrl-C). */
function recordStack(details: Record<string, unknown>): void {
  recorded = { ...recorded, ...details };
  writeFileSync(paths.stackFile, `${JSON.stringify(recorded, null, 2)}\n`);
}

async function start(): Promise<void> {
  const httpPort = portFromEnv('PORT') ?? 3000;
  await assertPortFree(httpPort, 'set PORT to use another one');
  mkdirSync(paths.outbox, { recursive: true });
  recordStack({ pid: process.pid, localDir: paths.root, httpPort });
  ensureIssuer(paths.issuer);

  const definition = await loadServerlessDefinition({ stage: STAGE });
  const region = definition.provider.region;
  const dynamoPort = portFromEnv('DYNAMODB_PORT');
  const dynamo = await startDynamoDb({
    dbPath: paths.dynamodb,
    onOutput: say('[dynamodb]'),
    ...(dynamoPort !== undefined && { port: dynamoPort }),
  });
  running.push({ name: 'DynamoDB Local', stop: dynamo.stop });
  recordStack({ dynamodbPid: dynamo.pid, dynamodbEndpoint: dynamo.endpoint });
  const sqsPort = portFromEnv('SQS_PORT');
  const sqs = await startSqs({ region, ...(sqsPort !== undefined && { port: sqsPort }) });
  running.push({ name: 'SQS', stop: sqs.stop });
  recordStack({ sqsEndpoint: sqs.endpoint });
  // The production payment adapter, pointed at a Stripe look-alike on loopback (test tokens only).
  const payments = await startSandboxGateway({
    secret: process.env.PAYMENT_GATEWAY_SECRET || undefined,
    onRequest: say('[payments]'),
  });
  running.push({ name: 'sandbox payment gateway', stop: payments.stop });
  recordStack({ paymentGatewayUrl: payments.url });
  // The production carrier adapter, pointed at an EasyPost look-alike on loopback, whose parcels
  // travel by themselves and report back, signed, to the local API's carrier webhook.
  const advanceMs = durationFromEnv('SANDBOX_CARRIER_STEP_MS') ?? 3000;
  const carrier = await startSandboxCarrier({
    apiKey: process.env.CARRIER_API_KEY || undefined,
    webhook: {
      url: `http://127.0.0.1:${httpPort}/v1/webhooks/carrier`,
      secret: process.env.CARRIER_WEBHOOK_SECRET || LOCAL_CARRIER_WEBHOOK_SECRET,
    },
    advance: { inTransitAfterMs: advanceMs, outForDeliveryAfterMs: advanceMs, deliveredAfterMs: advanceMs },
    onRequest: say('[carrier] '),
  });
  running.push({ name: 'sandbox carrier', stop: carrier.stop });

  const aws = localAwsEnv({ dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, region });
  // The seed (and anything else in this process) must reach the local engines only, never AWS.
  Object.assign(process.env, withLocalAws(process.env, aws));
  const resources = await provision({ definition, dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, region });
  await seedDemoCatalog({ tableName: resources.tableName, endpoint: dynamo.endpoint });
  const searchVersion = await ensureSearchIndex({ tableName: resources.tableName, endpoint: dynamo.endpoint });
  if (searchVersion !== null) log(`search index built from the catalog (version ${searchVersion})`);
  log(`table ${resources.tableName} and ${Object.keys(resources.queues).length} queues ready`);
  recordStack({ region, tableName: resources.tableName });

  // What every function sees locally, recorded so `npm run invoke` runs functions exactly alike.
  const functionEnv: Record<string, string> = {
    ...aws,
    ...resources.env,
    AUTH_MODE: 'local',
    LOCAL_ISSUER_DIR: paths.issuer,
    // E-mails as .eml files under .local/outbox instead of SES.
    EMAIL_TRANSPORT: 'file',
    EMAIL_OUTBOX_DIR: paths.outbox,
    PAYMENT_GATEWAY_URL: payments.url,
    PAYMENT_GATEWAY_SECRET: payments.secret,
    CARRIER_API_URL: carrier.url,
    CARRIER_API_KEY: carrier.apiKey,
    CARRIER_WEBHOOK_SECRET: carrier.webhookSecret,
    // Not used in local mode; set so serverless.yml does not fall back to CloudFormation references.
    COGNITO_USER_POOL_ID: 'unused-in-local-mode',
    COGNITO_CLIENT_ID: 'unused-in-local-mode',
  };
  recordStack({ functionEnv });
  const lambdaPort = portFromEnv('LOCAL_LAMBDA_PORT') ?? (await freePort());
  const invoke = lambdaInvoker(`http://127.0.0.1:${lambdaPort}`);
  // Its place in the stream is taken now, before the API takes requests, so no commit is missed;
  // records reach the functions once serverless-offline is up (work records need an API call first).
  const streamSources = streamEventSources(definition, resources.tableLogicalId);
  const streamPollers = await startStreamPollers({
    sources: streamSources,
    dynamoEndpoint: dynamo.endpoint,
    region,
    tableName: resources.tableName,
    invoke,
    log: say('[stream]  '),
  });
  running.push({ name: 'stream pollers', stop: streamPollers.stop });
  // Relative to the repo (serverless-esbuild joins it to the service path); removed on stop.
  const esbuildWorkFolder = `.esbuild-start-${process.pid}`;
  running.push({
    name: 'bundle folder',
    stop: async () => rmSync(path.join(repoRoot, esbuildWorkFolder), { recursive: true, force: true }),
  });
  const offline = startOfflineApi({
    stage: STAGE,
    onOutput: say('[api]     '),
    env: {
      ...withLocalAws(process.env, functionEnv),
      PORT: String(httpPort),
      LOCAL_LAMBDA_PORT: String(lambdaPort),
      ESBUILD_WORK_FOLDER: esbuildWorkFolder,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      // EventBridge cron expressions are UTC (the daily report at 00:10 UTC), and Lambda runs in UTC:
      // serverless-offline fires schedules in the process's time zone, so make that UTC too.
      TZ: 'UTC',
    },
  });
  running.push({ name: 'serverless offline', stop: offline.stop });
  recordStack({ offlinePid: offline.pid, lambdaPort });
  offline.child.once('exit', (code, signal) => {
    if (shuttingDown) return;
    log(`serverless offline exited (${signal ?? `code ${code}`}); stopping everything`);
    void shutdown(1);
  });

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  log('bundling the functions and starting the API (the first start takes a little longer)...');
  const health = await waitForHealth(`${baseUrl}/v1/health`, { child: offline.child, timeoutMs: 120_000 });
  if (health.status !== 200) log(`GET /v1/health answered ${health.status}: ${health.body.slice(0, 500)}`);

  const sources = sqsEventSources(definition, resources.queues);
  const pollers: QueuePollers = startQueuePollers({
    sources,
    sqsEndpoint: sqs.endpoint,
    region,
    invoke,
    log: say('[queues]  '),
  });
  running.push({ name: 'queue pollers', stop: pollers.stop });
  const workers = [
    ...streamSources.map((source) => `${source.functionKey} ← table stream`),
    ...sources.map((source) => `${source.functionKey} ← ${source.queueLogicalId}`),
  ];

  write(
    [
      '',
      `Cartwheel is ready: ${baseUrl}/v1`,
      `  API       ${baseUrl}/v1`,
      `  Docs      ${baseUrl}/docs`,
      `  OpenAPI   ${baseUrl}/v1/openapi.json`,
      '  Tokens    npm run token -- --sub alice --role customer   (or --role admin)',
      '            in a script: TOKEN=$(npm run -s token -- --sub alice --role customer)',
      `            --email alice@example.com records her verified address; her order e-mails land in ${paths.outbox}`,
      `  Workers   ${workers.length > 0 ? workers.join(', ') : 'no function consumes a queue yet'}`,
      `  Data      ${paths.root}   (npm run reset wipes it)`,
      `  Engines   DynamoDB ${dynamo.endpoint}, SQS ${sqs.endpoint}, payment sandbox ${payments.url}, carrier sandbox ${carrier.url}`,
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** Stops everything that was started, in reverse order, whatever fails along the way; then exits. */
function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    log('stopping...');
    for (const { name, stop } of running.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`could not stop ${name} cleanly: ${(error as Error).message}`);
      }
    }
    rmSync(paths.stackFile, { force: true });
    removePidFile(paths.pidFile);
    log('stopped.');
    process.exit(code);
  })();
  return shuttingDown;
}

function main(): void {
  const other = runningStartPid(paths.pidFile);
  if (other !== undefined) {
    process.stderr.write(`npm start is already running (pid ${other}) on ${paths.root}.\n`);
    process.exit(1);
  }
  writePidFile(paths.pidFile);
  // A second Ctrl-C while stopping must not kill us before the children are down: handlers stay.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
  // Whoever reads our output is gone (EPIPE): nobody can press Ctrl-C any more, so stop.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      outputClosed = true;
      void shutdown(1);
    });
  }
  process.on('uncaughtException', (error) => {
    log(`unexpected error: ${error.stack ?? error.message}`);
    void shutdown(1);
  });
  process.on('unhandledRejection', (reason) => {
    log(`unexpected error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    void shutdown(1);
  });
  start().catch((error: unknown) => {
    if (shuttingDown) return;
    log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    void shutdown(1);
  });
}

main();
