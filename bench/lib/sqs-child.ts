import { spawn } from 'node:child_process';
import path from 'node:path';
import { hasExited, stopChild, trackChild } from '../../scripts/local/child-processes';
import { forEachLine, RecentLines } from '../../scripts/local/output-lines';

export interface SqsChild {
  endpoint: string;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period; waits for the exit. */
  stop(): Promise<void>;
}

const SERVER = path.join(__dirname, 'sqs-server.ts');
const READY_TIMEOUT_MS = 20_000;

/**
 * The SQS emulator of `npm start` (scripts/local/sqs-engine.ts), but in a process of its own: in the
 * bench process it would share the event loop with the handlers being measured, which SQS in AWS
 * never does. The child runs on this Node with this process's loader flags (tsx).
 */
export async function startSqsChild(region: string): Promise<SqsChild> {
  const child = spawn(process.execPath, [...process.execArgv, SERVER, region], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`could not start the SQS emulator: ${error.message}`);
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
        reject(new Error('the emulator exited during start-up'));
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
    if (hasExited(child)) throw new Error('the emulator exited during start-up');
    return { endpoint, pid, stop };
  } catch (error) {
    await stop();
    throw new Error(`SQS emulator did not start: ${(error as Error).message}\n${output}`);
  }
}
