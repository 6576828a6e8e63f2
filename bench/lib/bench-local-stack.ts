import { type LocalStack, startLocalStack } from '../../test/support/local-stack';
import type { BenchContext } from '../bench-context';

/** The stack bundles every function on start: allow for a loaded machine. */
const START_TIMEOUT_MS = 240_000;

/**
 * The limits `npm start` applies by default, pinned so that a developer's shell cannot change them
 * (the measures that use the stack say in their description why neither is reached).
 */
export const LOCAL_STACK_RATE_LIMITS = { RATE_LIMIT_REQUESTS_PER_SECOND: '50', RATE_LIMIT_CHECKOUTS_PER_MINUTE: '20' };

/** A fresh `npm start` for one measure, stopped when the bench closes its context. */
export async function benchLocalStack(context: BenchContext): Promise<LocalStack> {
  const stack = await startLocalStack({
    env: { ...context.initialEnv, ...LOCAL_STACK_RATE_LIMITS },
    timeoutMs: START_TIMEOUT_MS,
  });
  context.onClose(async () => {
    await stack.stop();
  });
  return stack;
}
