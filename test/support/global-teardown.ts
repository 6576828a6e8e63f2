/** Stops what globalSetup started (the JVM is waited for, so no process outlives the run). */
import { takeEngines } from './engines';

export default async function globalTeardown(): Promise<void> {
  await takeEngines()?.stop();
}
