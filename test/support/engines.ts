/**
 * The handle globalSetup leaves for globalTeardown. Both run in jest's main process, so a value
 * on globalThis survives from one to the other (test workers never see it).
 */
export interface IntegrationEngines {
  stop(): Promise<void>;
}

const KEY = Symbol.for('cartwheel.integration-engines');

export function keepEngines(engines: IntegrationEngines): void {
  (globalThis as Record<symbol, unknown>)[KEY] = engines;
}

export function takeEngines(): IntegrationEngines | undefined {
  const engines = (globalThis as Record<symbol, unknown>)[KEY] as IntegrationEngines | undefined;
  delete (globalThis as Record<symbol, unknown>)[KEY];
  return engines;
}
