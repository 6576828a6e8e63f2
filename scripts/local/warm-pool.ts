/**
 * Warm instances for `serverless offline`, as Lambda keeps them: at most `concurrency` instances of
 * a function run at once, each reused for the next request, and a request that finds them all busy
 * waits its turn (first come, first served) instead of starting one more.
 *
 * Without it serverless-offline starts a new instance (a worker thread that loads the bundle and
 * builds its SDK clients: a cold start) for every request that finds the others busy: 50 checkouts
 * at once were 50 cold starts sharing two cores, each taking seconds, most past the 10 s timeout
 * (docs/decisions/0011-local-stack-under-load.md). Loaded into the offline-fidelity plugin, which
 * wraps serverless-offline's `Lambda#get` with `handle`.
 */

/** What serverless-offline's `Lambda#get` hands out: set up and run once per request. */
export interface OfflineLambdaFunction {
  setEvent(event: unknown): void;
  setClientContext(clientContext: unknown): void;
  runHandler(): Promise<unknown>;
}

export interface WarmPoolOptions {
  /** Instances of one function that may run at once; more requests wait. */
  concurrency: number;
  /** A request that waited this long for an instance is refused (a 503 to retry). */
  maxWaitMs: number;
}

/** The message of a request refused after waiting: `[503]` is how serverless-offline reads a status. */
export const WAIT_REFUSAL = '[503] - every instance of the function stayed busy';

export interface WarmPools {
  /**
   * A stand-in for the instance of `functionKey` a request gets: it takes an instance from
   * `instance()` (serverless-offline's own pool, which hands out an idle one if there is one) only
   * when its turn comes, and gives it back when the handler is done.
   */
  handle(functionKey: string, instance: () => OfflineLambdaFunction): OfflineLambdaFunction;
  /** Requests running and waiting, per function. */
  stats(): Record<string, { running: number; waiting: number }>;
}

interface Gate {
  running: number;
  waiting: Array<() => void>;
}

export function createWarmPools(options: WarmPoolOptions): WarmPools {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
    throw new Error(`the concurrency per function must be a whole number of at least 1, not ${options.concurrency}`);
  const gates = new Map<string, Gate>();
  const gateOf = (functionKey: string): Gate => {
    let gate = gates.get(functionKey);
    if (!gate) {
      gate = { running: 0, waiting: [] };
      gates.set(functionKey, gate);
    }
    return gate;
  };

  /** Resolves with the function that hands the turn on, once this request may run. */
  async function turn(functionKey: string): Promise<() => void> {
    const gate = gateOf(functionKey);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      // The turn passes straight to the next in line, so `running` stays what it was.
      const next = gate.waiting.shift();
      if (next) next();
      else gate.running--;
    };
    if (gate.running < options.concurrency) {
      gate.running++;
      return release;
    }
    await new Promise<void>((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        gate.waiting.splice(gate.waiting.indexOf(admit), 1);
        reject(new Error(`${WAIT_REFUSAL} for ${options.maxWaitMs / 1000} s (${functionKey}).`));
      }, options.maxWaitMs);
      gate.waiting.push(admit);
    });
    return release;
  }

  return {
    handle(functionKey, instance) {
      let event: unknown;
      let clientContext: { value: unknown } | undefined;
      return {
        setEvent(value) {
          event = value;
        },
        setClientContext(value) {
          clientContext = { value };
        },
        async runHandler() {
          const release = await turn(functionKey);
          try {
            // Taken and set up in one go: serverless-offline marks it busy as runHandler starts.
            const lambdaFunction = instance();
            if (clientContext) lambdaFunction.setClientContext(clientContext.value);
            lambdaFunction.setEvent(event);
            return await lambdaFunction.runHandler();
          } finally {
            release();
          }
        },
      };
    },
    stats() {
      return Object.fromEntries(
        [...gates].map(([key, gate]) => [key, { running: gate.running, waiting: gate.waiting.length }]),
      );
    },
  };
}
