import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';

export interface WatchdogTarget {
  /** A pid, or minus a process group id. */
  target: number;
  /** What to send first; SIGKILL follows after the grace period. */
  signal: NodeJS.Signals;
}

export interface Watchdog {
  /** The owner stopped its children itself: the watchdog can go. */
  dismiss(): void;
}

/**
 * Starts a tiny guardian process that signals `targets` (and the pids in `stackFile`, read when
 * it acts) if this process dies without dismissing it: killed outright, or interrupted inside a
 * jest test, whose sandboxed `process` never delivers signals to our handlers.
 */
export function startWatchdog(options: {
  targets: WatchdogTarget[];
  stackFile?: string;
  graceMs?: number;
  /** A scratch directory to delete once the targets are gone. */
  removeDir?: string;
}): Watchdog {
  const child = spawn(process.execPath, [path.join(__dirname, 'watchdog-process.cjs'), JSON.stringify(options)], {
    // Its own group, so that the Ctrl-C that takes us down does not take it down first.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the process nor the pipe may keep the owner alive.
  child.unref();
  (child.stdin as unknown as Socket | null)?.unref();
  return {
    dismiss() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
