import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './child-processes';

/**
 * The pid of a running `npm start`, or undefined when there is none. A pid file left behind by a
 * start that was killed outright is ignored: its process is gone, or the pid now belongs to a
 * process that is not a start script.
 */
export function runningStartPid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!commandLine.includes('start.ts')) return undefined;
  } catch {
    // no procfs (macOS): a live pid is the best evidence there is
  }
  return pid;
}

export function writePidFile(pidFile: string): void {
  mkdirSync(path.dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
}

/** Removes the pid file if it is still ours. */
export function removePidFile(pidFile: string): void {
  try {
    if (Number.parseInt(readFileSync(pidFile, 'utf8'), 10) === process.pid) rmSync(pidFile, { force: true });
  } catch {
    // already gone
  }
}
