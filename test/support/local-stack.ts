/**
 * Runs `npm start` the way a developer does, on free ports and in a throw-away data directory,
 * for end-to-end tests that drive it over HTTP. Whatever happens to the test, the stack is
 * stopped: by `stop()`, or by a watchdog process when the test process goes down first. (Inside
 * a jest test, `process` is a sandboxed copy: signal and exit handlers registered here would
 * never run, so the guard has to live in another process.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMembers, isAlive, signalQuietly, waitForExit, waitUntilGone } from '../../scripts/local/child-processes';
import { freePort } from '../../scripts/local/free-port';
import { mintToken, type Role } from '../../scripts/local/issuer';
import { localPaths, repoRoot } from '../../scripts/local/paths';
import { startWatchdog } from '../../scripts/local/watchdog';

/** What `npm start` wrote to stack.json: its own pid and those of the engines it runs. */
export interface StackPids {
  /** The start script (node running scripts/start.ts). */
  pid?: number;
  dynamodbPid?: number;
  /** serverless offline, which leads its own process group. */
  offlinePid?: number;
}

export interface StopResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Processes of the stack still alive after it stopped (then killed): should be none. */
  leftovers: number[];
}

export interface LocalStack {
  /** http://127.0.0.1:<port> (routes are under /v1). */
  baseUrl: string;
  localDir: string;
  /**
   * An access token from the stack's own issuer; with `email`, the sign-in account's verified
   * address is recorded in its user directory first (as `npm run token -- --email` does).
   */
  token(sub: string, role: Role, email?: string): string;
  pids(): StackPids;
  /** Everything the stack printed so far. */
  output(): string;
  /** Ctrl-C (SIGINT to the process group of `npm start`), then waits for every process to end. */
  stop(): Promise<StopResult>;
}

/**
 * A developer's shell has none of jest's variables, nor those the integration project's
 * globalSetup exports into jest's process (which its workers, this one included, inherit).
 */
const NOT_A_DEVELOPER_VARIABLE =
  /^(NODE_ENV|JEST_WORKER_ID|AWS_ENDPOINT_URL_\w+|TABLE_NAME|STAGE|AUTH_MODE|LOCAL_\w+|\w+_QUEUE_URL|POWERTOOLS_\w+|PAYMENT_GATEWAY_\w+)$/;

export async function startLocalStack(
  options: {
    timeoutMs?: number;
    /** The shell environment `npm start` inherits (default: this process's). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<LocalStack> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const localDir = mkdtempSync(path.join(os.tmpdir(), 'cartwheel-e2e-'));
  // The resolved serverless.yml does not depend on the data dir: reuse the developer's cache.
  const sharedCache = localPaths().cache;
  if (existsSync(sharedCache))
    cpSync(sharedCache, localPaths({ CARTWHEEL_LOCAL_DIR: localDir }).cache, { recursive: true });
  const port = await freePort();
  let dynamoPort = await freePort();
  while (dynamoPort === port) dynamoPort = await freePort();

  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    PORT: String(port),
    DYNAMODB_PORT: String(dynamoPort),
    CARTWHEEL_LOCAL_DIR: localDir,
    NO_COLOR: '1',
  };
  for (const name of Object.keys(env)) if (NOT_A_DEVELOPER_VARIABLE.test(name)) delete env[name];
  const child = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn npm start');
  const npmPid = child.pid;
  const stackFile = localPaths({ CARTWHEEL_LOCAL_DIR: localDir }).stackFile;
  // If this process dies first: Ctrl-C to the stack, as a developer would, then SIGKILL for what is left.
  const watchdog = startWatchdog({ targets: [{ target: -npmPid, signal: 'SIGINT' }], stackFile, removeDir: localDir });

  const lines: string[] = [];
  const verbose = process.env.CARTWHEEL_E2E_VERBOSE === '1';
  let ready: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (verbose) process.stderr.write(`[e2e stack] ${line}\n`);
      if (line.startsWith('Cartwheel is ready')) ready?.();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const pids = (): StackPids => {
    try {
      return JSON.parse(readFileSync(stackFile, 'utf8')) as StackPids;
    } catch {
      return {};
    }
  };
  let stopped: Promise<StopResult> | undefined;
  const stack: LocalStack = {
    baseUrl: `http://127.0.0.1:${port}`,
    localDir,
    token: (sub, role, email) => mintToken({ dir: path.join(localDir, 'issuer'), sub, role, email }),
    pids,
    output: () => lines.join('\n'),
    stop() {
      stopped ??= stopStack(child, npmPid, pids()).finally(() => {
        watchdog.dismiss();
        if (process.env.CARTWHEEL_E2E_KEEP !== '1') rmSync(localDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`npm start was not ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      ready = () => {
        clearTimeout(timer);
        resolve();
      };
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${signal ?? `code ${code}`}) before it was ready`));
      });
    });
    // Ready means the API answers; the tests want it healthy.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await fetch(`${stack.baseUrl}/v1/health`).catch(() => undefined);
      if (response?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`GET /v1/health answered ${response?.status ?? 'nothing'}`);
      await sleep(250);
    }
    return stack;
  } catch (error) {
    await stack.stop();
    throw new Error(
      `${(error as Error).message}\n--- npm start output (last lines) ---\n${lines.slice(-80).join('\n')}`,
    );
  }
}

async function stopStack(child: ChildProcess, npmPid: number, recorded: StackPids): Promise<StopResult> {
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
  signalQuietly(-npmPid, 'SIGINT');
  await waitForExit(child, 30_000);
  const groups = [npmPid, recorded.offlinePid].filter((pid): pid is number => pid !== undefined);
  const pids = [recorded.pid, recorded.dynamodbPid].filter((pid): pid is number => pid !== undefined);
  const remaining = () => [...new Set([...groups.flatMap(groupMembers), ...pids.filter(isAlive)])];
  await waitUntilGone(() => remaining().length > 0, 15_000);
  const leftovers = remaining();
  // Never leak: whatever is left is killed, and reported so the test can fail on it.
  for (const group of groups) signalQuietly(-group, 'SIGKILL');
  for (const pid of leftovers) signalQuietly(pid, 'SIGKILL');
  await waitForExit(child, 5000);
  return { exitCode: child.exitCode, signal: child.signalCode, leftovers };
}
