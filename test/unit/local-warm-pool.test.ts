import { foreignAnswer, isOurs } from '../../scripts/local/offline-edge';
import { createWarmPools, type OfflineLambdaFunction, WAIT_REFUSAL } from '../../scripts/local/warm-pool';

/** serverless-offline's pool as the warm pool sees it: an idle instance if there is one, else a new one. */
function offlinePool() {
  const instances: Array<OfflineLambdaFunction & { busy: boolean; events: unknown[] }> = [];
  const finishers: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const get = () => {
    const idle = instances.find((instance) => !instance.busy);
    if (idle) return idle;
    let event: unknown;
    const instance = {
      busy: false,
      events: [] as unknown[],
      setEvent(value: unknown) {
        event = value;
      },
      setClientContext() {},
      async runHandler() {
        instance.busy = true;
        instance.events.push(event);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => finishers.push(resolve));
        running--;
        instance.busy = false;
        return { ran: event };
      },
    };
    instances.push(instance);
    return instance;
  };
  const finishAll = async () => {
    while (finishers.length > 0) {
      for (const finish of finishers.splice(0)) finish();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { get, instances, finishAll, peak: () => peak };
}

function request(pools: ReturnType<typeof createWarmPools>, offline: ReturnType<typeof offlinePool>, event: number) {
  const handle = pools.handle('createOrder', offline.get);
  handle.setEvent(event);
  return handle.runHandler();
}

test('when 20 requests for one function come at once, at most `concurrency` instances exist and each request gets its own event', async () => {
  const pools = createWarmPools({ concurrency: 3, maxWaitMs: 10_000 });
  const offline = offlinePool();

  const results = Array.from({ length: 20 }, (_, event) => request(pools, offline, event));
  await new Promise((resolve) => setImmediate(resolve));
  expect(pools.stats()).toEqual({ createOrder: { running: 3, waiting: 17 } });
  await offline.finishAll();

  expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, (_, event) => ({ ran: event })));
  expect(offline.instances).toHaveLength(3);
  expect(offline.peak()).toBe(3);
  expect(offline.instances.flatMap((instance) => instance.events).sort((a, b) => Number(a) - Number(b))).toEqual(
    Array.from({ length: 20 }, (_, event) => event),
  );
  expect(pools.stats()).toEqual({ createOrder: { running: 0, waiting: 0 } });
});

test('a request that waits longer than the bound is refused with the message serverless-offline reads as a 503', async () => {
  jest.useFakeTimers();
  try {
    const pools = createWarmPools({ concurrency: 1, maxWaitMs: 1000 });
    const offline = offlinePool();
    const first = request(pools, offline, 1);
    const second = request(pools, offline, 2);
    const refused = expect(second).rejects.toThrow(WAIT_REFUSAL);

    await jest.advanceTimersByTimeAsync(1001);

    await refused;
    expect(pools.stats()).toEqual({ createOrder: { running: 1, waiting: 0 } });
    jest.useRealTimers();
    await offline.finishAll();
    expect(await first).toEqual({ ran: 1 });
  } finally {
    jest.useRealTimers();
  }
});

test('a handler that throws hands its turn on', async () => {
  const pools = createWarmPools({ concurrency: 1, maxWaitMs: 10_000 });
  let calls = 0;
  const failing = pools.handle('f', () => ({
    setEvent() {},
    setClientContext() {},
    runHandler: async () => {
      calls++;
      throw new Error('crashed');
    },
  }));

  await expect(failing.runHandler()).rejects.toThrow('crashed');
  await expect(failing.runHandler()).rejects.toThrow('crashed');

  expect(calls).toBe(2);
  expect(pools.stats()).toEqual({ f: { running: 0, waiting: 0 } });
});

describe("serverless-offline's own answers become problem documents", () => {
  const request = { method: 'POST', rawPath: '/v1/orders', headers: { 'x-request-id': 'trace-1' } };
  const lambdaError = (errorMessage: string, errorType = 'Error') =>
    JSON.stringify({ errorMessage, errorType, stackTrace: [] });

  test.each([
    [lambdaError('[504] - Lambda timeout.', 'LambdaTimeoutError'), 504, 'FUNCTION_TIMEOUT'],
    [lambdaError(`${WAIT_REFUSAL} for 30 s (createOrder).`), 503, 'SERVICE_UNAVAILABLE'],
    [lambdaError('Worker stopped with exit code 1'), 500, 'INTERNAL_ERROR'],
    ['not json at all', 500, 'INTERNAL_ERROR'],
  ])('%s → %i %s, with our headers', (body, status, code) => {
    const answer = foreignAnswer(request, [], body);

    expect(answer.statusCode).toBe(status);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'X-Request-Id': 'trace-1',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    expect(JSON.parse(answer.body ?? '')).toMatchObject({ status, code, requestId: 'trace-1' });
    expect(answer.body).not.toContain('Lambda timeout');
  });

  test('a request id names an answer ours, whatever its case', () => {
    expect(isOurs({ 'x-request-id': 'a' })).toBe(true);
    expect(isOurs({ 'content-type': 'application/json' })).toBe(false);
  });
});
