/** A dependency the health check probes. */
export interface HealthProbe {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, 'ok' | 'error'>;
}

const PROBE_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createHealthService(probes: HealthProbe[], onFailure: (name: string, error: unknown) => void) {
  return {
    /** Probes every dependency in parallel; any failure makes the report `degraded`. */
    async check(): Promise<HealthReport> {
      const results = await Promise.all(
        probes.map(async (probe) => {
          try {
            await withTimeout(probe.check(), PROBE_TIMEOUT_MS);
            return [probe.name, 'ok'] as const;
          } catch (error) {
            onFailure(probe.name, error);
            return [probe.name, 'error'] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      return { status: results.every(([, state]) => state === 'ok') ? 'ok' : 'degraded', checks };
    },
  };
}
