import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
    const value = Number(result.stdout?.trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time (user + system, in ms) a process has used so far, from /proc/<pid>/stat; this process
 * through process.cpuUsage(). Undefined where there is no procfs.
 */
export function cpuMs(pid: number): number | undefined {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." — comm may hold spaces; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks / clockTicks()) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU used by each process between `start()` and the returned function's call, in ms. */
export function cpuMeter(pids: Record<string, number>): { stop(): Record<string, number | undefined> } {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  return {
    stop: () =>
      Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => {
          const start = before[name];
          const end = cpuMs(pid);
          return [name, start === undefined || end === undefined ? undefined : end - start];
        }),
      ),
  };
}

/** CPU use per process of two measured spans together (unknown where either is unknown). */
export function addCpu(
  a: Record<string, number | undefined>,
  b: Record<string, number | undefined>,
): Record<string, number | undefined> {
  const sum: Record<string, number | undefined> = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name];
    const y = b[name];
    sum[name] = x === undefined || y === undefined ? undefined : x + y;
  }
  return sum;
}

/** One process's CPU per operation of a span, in ms (undefined without procfs). */
export function cpuPerOperation(cpu: Record<string, number | undefined>, name: string, operations: number) {
  const total = cpu[name];
  return total === undefined ? undefined : total / Math.max(1, operations);
}
