import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasExited, stopChild, trackChild } from './child-processes';
import { forEachLine } from './output-lines';
import { repoRoot } from './paths';

export interface OfflineApi {
  child: ChildProcess;
  /** Also the id of its process group. */
  pid: number;
  /** Stops serverless-offline and everything it started (bundler, workers). */
  stop(): Promise<void>;
}

/**
 * Runs `serverless offline start` in its own process group, so stopping it reaches esbuild and
 * anything else it spawned, and a Ctrl-C in the terminal reaches it only through us (in order).
 */
export function startOfflineApi(options: {
  stage: string;
  env: NodeJS.ProcessEnv;
  onOutput: (line: string) => void;
}): OfflineApi {
  const bin = path.join(path.dirname(require.resolve('serverless/package.json')), 'bin', 'serverless.js');
  const child = spawn(process.execPath, [bin, 'offline', 'start', '--stage', options.stage], {
    cwd: repoRoot,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not spawn serverless offline');
  const pid = child.pid;
  trackChild(pid, { group: true });
  forEachLine(child.stdout, options.onOutput);
  forEachLine(child.stderr, options.onOutput);
  return { child, pid, stop: () => stopChild(child, { group: true, graceMs: 5000 }) };
}

/**
 * Waits until the health endpoint answers at all (a 503 still means the API is up), failing
 * early if the process died. Resolves with the status and body of that first answer.
 */
export async function waitForHealth(
  url: string,
  options: { child: ChildProcess; timeoutMs: number },
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (hasExited(options.child)) throw new Error('serverless offline exited before the API answered');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: await response.text() };
    } catch {
      // not listening yet, or still bundling
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${options.timeoutMs / 1000} s`);
    await sleep(500);
  }
}
