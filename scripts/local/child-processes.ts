import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Every long-running child the local tooling starts is tracked here, so that a crash or a plain
 * `process.exit()` of the parent still takes the children down (the 'exit' hook below), and
 * harnesses can do the same on SIGINT/SIGTERM with {@link killChildrenOnSignals}.
 */
interface Tracked {
  /** A detached child leads its own process group: signal the group to reach its descendants. */
  group: boolean;
}

const tracked = new Map<number, Tracked>();
let exitHookInstalled = false;

export function trackChild(pid: number, options: { group: boolean }): void {
  tracked.set(pid, { group: options.group });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous: a signal is all we can do here.
    process.on('exit', () => killTrackedChildrenSync('SIGTERM'));
  }
}

export function untrackChild(pid: number): void {
  tracked.delete(pid);
}

/** Signals every tracked child (or its whole group) without waiting. */
export function killTrackedChildrenSync(signal: NodeJS.Signals): void {
  for (const [pid, { group }] of tracked) signalQuietly(group ? -pid : pid, signal);
}

let signalGuardInstalled = false;

/**
 * For harnesses that have no orderly shutdown of their own (jest globalSetup, the e2e stack):
 * on SIGINT/SIGTERM/SIGHUP, signal the tracked children, then let the signal take its usual
 * course if nobody else handles it.
 */
export function killChildrenOnSignals(): void {
  if (signalGuardInstalled) return;
  signalGuardInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killTrackedChildrenSync('SIGKILL');
      process.off(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Sends a signal, ignoring "no such process" (it is already gone, which is what we wanted). */
export function signalQuietly(pidOrNegativeGroup: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pidOrNegativeGroup, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether a process exists and is not a zombie (an exited child nobody has reaped yet). */
export function isAlive(pid: number): boolean {
  if (!signalQuietly(pid, 0)) return false;
  const stat = readStat(pid);
  return stat === undefined || stat.state !== 'Z';
}

/**
 * The live (non-zombie) members of a process group. Zombies are skipped because in a container
 * without an init process nobody reaps orphans, and they hold no resources anyway.
 */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalQuietly(-pgid, 0) ? [pgid] : []; // no procfs (macOS): the group exists or not
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/** Whether any live process of the group remains. */
export function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

/** Fields of /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses. */
function readStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child has exited, false when `timeoutMs` passes first. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Polls until `check` is false or the time is up; resolves whether it became false. */
export async function waitUntilGone(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (check()) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a child we spawned: SIGTERM (to its group if it leads one), a grace period, then SIGKILL.
 * For a group, also waits for the stragglers (bundlers, workers) after the leader is gone.
 */
export async function stopChild(child: ChildProcess, options: { group: boolean; graceMs?: number }): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const graceMs = options.graceMs ?? 5000;
  const target = options.group ? -pid : pid;
  if (!hasExited(child)) {
    signalQuietly(target, 'SIGTERM');
    if (!(await waitForExit(child, graceMs))) {
      signalQuietly(target, 'SIGKILL');
      await waitForExit(child, graceMs);
    }
  }
  if (options.group && !(await waitUntilGone(() => groupAlive(pid), graceMs))) {
    signalQuietly(-pid, 'SIGKILL');
    await waitUntilGone(() => groupAlive(pid), graceMs);
  }
  untrackChild(pid);
}
