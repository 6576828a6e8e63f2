import { spawn } from 'node:child_process';
import { hasExited, stopChild, trackChild } from '../../scripts/local/child-processes';
import { forEachLine, RecentLines } from '../../scripts/local/output-lines';

export interface ServerChild {
  endpoint: string;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period; waits for the exit. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * A server the bench talks to (the SQS emulator, the sandbox payment gateway) in a process of its
 * own: in the bench process it would share the event loop with the handlers being measured, which
 * a remote service never does. `script` is a child entry that calls {@link serveUntilParentGoes};
 * it runs on this Node with this process's loader flags (tsx).
 */
export async function startServerChild(name: string, script: string, args: string[]): Promise<ServerChild> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`could not start the ${name}: ${error.message}`);
  }
  const pid = child.pid;
  trackChild(pid, { group: false });
  const stop = () => stopChild(child, { group: false });
  const output = new RecentLines();
  forEachLine(child.stderr, (line) => output.push(line));
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no endpoint within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`the ${name} exited during start-up`));
      });
      forEachLine(child.stdout, (line) => {
        try {
          const { endpoint: url } = JSON.parse(line) as { endpoint?: unknown };
          if (typeof url === 'string') {
            clearTimeout(timer);
            resolve(url);
          }
        } catch {
          output.push(line);
        }
      });
    });
    if (hasExited(child)) throw new Error(`the ${name} exited during start-up`);
    return { endpoint, pid, stop };
  } catch (error) {
    await stop();
    throw new Error(`${name} did not start: ${(error as Error).message}\n${output}`);
  }
}

/**
 * The child's side: starts the server, prints `{"endpoint": ...}` on one line, and runs until it
 * is sent SIGTERM/SIGINT or its parent goes away (stdin closes), whichever comes first.
 */
export function serveUntilParentGoes(label: string, start: () => Promise<{ endpoint: string; stop(): Promise<void> }>) {
  start().then(
    (server) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        // Bounded: a server that does not close within 5 s is left to the exit.
        const timer = setTimeout(() => process.exit(0), 5000);
        server.stop().finally(() => {
          clearTimeout(timer);
          process.exit(0);
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // The parent holds our stdin open; when it dies, stdin ends and we go too.
      process.stdin.on('end', stop);
      process.stdin.on('error', stop);
      process.stdin.resume();
      process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${label}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
