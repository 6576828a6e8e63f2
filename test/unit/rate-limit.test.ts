import type { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handler as fallback } from '../../functions/http/fallback';
import { createDynamoRateLimiter } from '../../shared/adapters/dynamo/dynamo-rate-limiter';
import { keys } from '../../shared/adapters/dynamo/keys';
import { openApiDocument } from '../../shared/api/openapi-document';
import { routes } from '../../shared/api/routes';
import { fixedWindow, type RateLimitDecision, type RateLimiter } from '../../shared/domain/rate-limit/rate-limiter';
import { problemErrors } from '../../shared/http/middlewares/problem-errors';
import { clientAddress, rateLimit } from '../../shared/http/middlewares/rate-limit';
import { requestContext } from '../../shared/http/middlewares/request-context';
import type { HttpEvent, HttpResponse } from '../../shared/http/request-state';
import { metrics } from '../../shared/observability';
import { httpEvent, invoke, lambdaContext } from '../support/http-event';

const at = (iso: string) => new Date(iso);

describe('fixed windows', () => {
  it('aligns windows to the epoch, so every instance agrees on the window and its end', () => {
    expect(fixedWindow(at('2026-01-01T00:00:15.250Z'), 60)).toEqual({
      index: Date.parse('2026-01-01T00:00:00Z') / 60_000,
      endsAt: Date.parse('2026-01-01T00:01:00Z') / 1000,
      retryAfterSeconds: 45,
    });
    expect(fixedWindow(at('2026-01-01T00:00:59.999Z'), 60).index).toBe(
      fixedWindow(at('2026-01-01T00:00:00.000Z'), 60).index,
    );
    expect(fixedWindow(at('2026-01-01T00:01:00.000Z'), 60).index).toBe(
      fixedWindow(at('2026-01-01T00:00:00.000Z'), 60).index + 1,
    );
  });

  it('rounds Retry-After up to whole seconds and never below 1', () => {
    expect(fixedWindow(at('2026-01-01T00:00:00.000Z'), 1).retryAfterSeconds).toBe(1);
    expect(fixedWindow(at('2026-01-01T00:00:00.999Z'), 1).retryAfterSeconds).toBe(1);
    expect(fixedWindow(at('2026-01-01T00:00:00.000Z'), 60).retryAfterSeconds).toBe(60);
    expect(fixedWindow(at('2026-01-01T00:00:58.001Z'), 60).retryAfterSeconds).toBe(2);
  });

  it('refuses a window that is not a positive whole number of seconds', () => {
    for (const seconds of [0, -1, 0.5, Number.NaN]) expect(() => fixedWindow(new Date(), seconds)).toThrow(RangeError);
  });
});

describe('client addresses of anonymous callers', () => {
  it.each([
    ['203.0.113.10', '203.0.113.10'],
    ['::ffff:203.0.113.10', '203.0.113.10'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('counts %s as %s', (sourceIp, expected) => {
    expect(clientAddress(sourceIp)).toBe(expected);
  });
});

describe('the DynamoDB rate limiter', () => {
  const NOW = at('2026-01-01T00:00:00.400Z');
  const clock = { now: () => NOW };
  const failure = (name: string) => Object.assign(new Error(name), { name });
  const fakeDb = (send: jest.Mock) => ({ send }) as unknown as DynamoDBClient;

  it('claims one unit with a conditional ADD on the window counter, which expires after its window', async () => {
    const send = jest.fn().mockResolvedValue({});
    const limiter = createDynamoRateLimiter({ db: fakeDb(send), tableName: 't', clock, onError: jest.fn() });
    const window = fixedWindow(NOW, 1);
    // Counted by a write of its own: the window it was counted in is what a give-back takes.
    expect(await limiter.consume('requests', 'ip:203.0.113.10', 50, 1)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      countedIn: window.index,
    });
    expect(send).toHaveBeenCalledTimes(1);
    const { input } = (send.mock.calls[0] as [UpdateItemCommand])[0];
    expect(input).toMatchObject({
      TableName: 't',
      Key: {
        PK: { S: keys.rateLimit('requests', 'ip:203.0.113.10', window.index).PK },
        SK: { S: keys.rateLimit('requests', 'ip:203.0.113.10', window.index).SK },
      },
      ConditionExpression: 'attribute_not_exists(#count) OR #count <= :limitMinusB',
      ExpressionAttributeValues: {
        ':b': { N: '1' },
        ':limitMinusB': { N: '49' },
        ':expiresAt': { N: String(window.endsAt + 60) },
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(input.UpdateExpression).toContain('ADD #count :b');
  });

  it('fails open when DynamoDB errors: allows the request and reports the failure', async () => {
    const error = failure('ProvisionedThroughputExceededException');
    const onError = jest.fn();
    const limiter = createDynamoRateLimiter({
      db: fakeDb(jest.fn().mockRejectedValue(error)),
      tableName: 't',
      clock,
      onError,
    });
    expect(await limiter.consume('requests', 'sub:a', 50, 1)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(onError).toHaveBeenCalledWith(error, 'requests');
  });

  it('fails open with its default reporter too (a log line and a metric, never a throw)', async () => {
    const limiter = createDynamoRateLimiter({
      db: fakeDb(jest.fn().mockRejectedValue(failure('InternalServerError'))),
      tableName: 't',
      clock,
    });
    await expect(limiter.consume('requests', 'sub:a', 50, 1)).resolves.toMatchObject({ allowed: true });
  });

  it('answers a refused principal from memory for the rest of the window, and asks DynamoDB again in the next', async () => {
    let now = NOW;
    const send = jest.fn().mockRejectedValue(failure('ConditionalCheckFailedException'));
    const limiter = createDynamoRateLimiter({ db: fakeDb(send), tableName: 't', clock: { now: () => now } });
    expect(limiter.knownRefusal('requests', 'sub:a', 50, 1)).toBeUndefined();
    expect(await limiter.consume('requests', 'sub:a', 50, 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.knownRefusal('requests', 'sub:a', 50, 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.consume('requests', 'sub:a', 50, 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(send).toHaveBeenCalledTimes(1);
    expect(limiter.knownRefusal('requests', 'sub:b', 50, 1)).toBeUndefined();
    // another principal, or a larger limit, is not answered from that memory
    await limiter.consume('requests', 'sub:b', 50, 1);
    await limiter.consume('requests', 'sub:a', 60, 1);
    expect(send).toHaveBeenCalledTimes(3);
    now = new Date(NOW.getTime() + 1000);
    expect(limiter.knownRefusal('requests', 'sub:a', 50, 1)).toBeUndefined();
    send.mockResolvedValueOnce({});
    expect(await limiter.consume('requests', 'sub:a', 50, 1)).toMatchObject({ allowed: true });
    expect(send).toHaveBeenCalledTimes(4);
  });
});

describe('the rate-limit middleware', () => {
  /** A limiter whose answer the test releases when it chooses. */
  function heldLimiter() {
    let release: (decision: RateLimitDecision) => void = () => undefined;
    const decision = new Promise<RateLimitDecision>((resolve) => {
      release = resolve;
    });
    const limiter: RateLimiter = { consume: jest.fn(() => decision), giveBack: jest.fn() };
    return { limiter, release };
  }
  function stack(limiter: RateLimiter, overlapHandler: boolean, run: () => Promise<HttpResponse>) {
    return middy<HttpEvent, HttpResponse, Error, Context>()
      .use(requestContext())
      .use(problemErrors())
      .use(rateLimit({ limiter: () => limiter, requestsPerSecond: () => 5, overlapHandler }))
      .handler(run);
  }
  const call = (handler: ReturnType<typeof stack>, method = 'GET') =>
    handler(httpEvent({ method, path: '/x', sourceIp: '203.0.113.7' }), lambdaContext());

  it('for a GET, runs the handler while the count is written, then answers 429 if the count refuses', async () => {
    const { limiter, release } = heldLimiter();
    const handlerRan = jest.fn();
    const handler = stack(limiter, true, async () => {
      handlerRan();
      return { statusCode: 200, body: 'secret' };
    });
    const response = call(handler);
    await new Promise((resolve) => setImmediate(resolve));
    expect(handlerRan).toHaveBeenCalled();
    release({ allowed: false, retryAfterSeconds: 1 });
    const res = await response;
    expect(res.statusCode).toBe(429);
    expect(res.body).not.toContain('secret');
    expect(limiter.consume).toHaveBeenCalledWith('requests', 'ip:203.0.113.7', 5, 1, { lease: true });
  });

  it('never starts an overlapping handler for a principal the limiter refuses from memory (no I/O)', async () => {
    const limiter: RateLimiter = {
      consume: jest.fn(),
      giveBack: jest.fn(),
      knownRefusal: jest.fn(() => ({ allowed: false, retryAfterSeconds: 1 })),
    };
    const handlerRan = jest.fn();
    const handler = stack(limiter, true, async () => {
      handlerRan();
      return { statusCode: 200 };
    });
    expect((await call(handler, 'POST')).statusCode).toBe(429);
    expect(handlerRan).not.toHaveBeenCalled();
    expect(limiter.consume).not.toHaveBeenCalled();
    expect(limiter.knownRefusal).toHaveBeenCalledWith('requests', 'ip:203.0.113.7', 5, 1);
  });

  it('for a GET whose handler failed, still answers 429 when over the limit', async () => {
    const { limiter, release } = heldLimiter();
    release({ allowed: false, retryAfterSeconds: 1 });
    const handler = stack(limiter, true, async () => {
      throw new Error('boom');
    });
    expect((await call(handler)).statusCode).toBe(429);
  });

  it('for other methods, waits for the count and never runs the handler over the limit', async () => {
    const { limiter, release } = heldLimiter();
    const handlerRan = jest.fn();
    const handler = stack(limiter, false, async () => {
      handlerRan();
      return { statusCode: 201 };
    });
    const response = call(handler, 'POST');
    await new Promise((resolve) => setImmediate(resolve));
    expect(handlerRan).not.toHaveBeenCalled();
    release({ allowed: false, retryAfterSeconds: 1 });
    expect((await response).statusCode).toBe(429);
    expect(handlerRan).not.toHaveBeenCalled();
  });

  it('serves the request when the limiter itself throws (fail open), and counts it for the alarm', async () => {
    const limiter: RateLimiter = { consume: jest.fn().mockRejectedValue(new Error('bug')), giveBack: jest.fn() };
    const counted = jest.spyOn(metrics, 'addMetric');
    try {
      for (const overlap of [true, false]) {
        const handler = stack(limiter, overlap, async () => ({ statusCode: 200 }));
        expect((await call(handler)).statusCode).toBe(200);
      }
      expect(counted.mock.calls.filter(([name]) => name === 'RateLimiterFailures')).toHaveLength(2);
    } finally {
      counted.mockRestore();
    }
  });

  it('serves requests through the real stack when DynamoDB is unreachable (fail open)', async () => {
    // Unit tests point the SDK at a closed loopback port: every counter write fails.
    const res = await invoke(fallback, { method: 'GET', path: '/v1/nothing-here' });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  it('documents 429 RATE_LIMITED with Retry-After on every rate-limited route', () => {
    const paths = openApiDocument('EUR').paths as Record<string, Record<string, { responses: Record<string, any> }>>;
    for (const route of routes) {
      const tooMany = paths[route.path]?.[route.method.toLowerCase()]?.responses['429'];
      const documented = { route: route.operationId, tooMany };
      if (route.rateLimited === false) expect(documented).toEqual({ route: route.operationId, tooMany: undefined });
      else
        expect(documented).toMatchObject({
          route: route.operationId,
          tooMany: {
            description: expect.stringContaining('RATE_LIMITED'),
            headers: { 'Retry-After': expect.any(Object) },
          },
        });
    }
  });
});
