import { handler as createProduct } from '../../functions/http/create-product';
import { handler as fallback } from '../../functions/http/fallback';
import { handler as getProduct } from '../../functions/http/get-product';
import { handler as listProducts } from '../../functions/http/list-products';
import { handler as runJob } from '../../functions/http/run-job';
import { handler as updateProfile } from '../../functions/http/update-profile';
import { mintToken } from '../../scripts/local/issuer';
import { type EventInput, invoke } from '../support/http-event';

const issuerDir = process.env.LOCAL_ISSUER_DIR as string;
const admin = () => mintToken({ dir: issuerDir, sub: 'admin-1', role: 'admin' });

const expectProblem = (
  res: { status: number; headers: Record<string, string>; json: any },
  status: number,
  code: string,
) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.json).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(res.json.requestId).toBe(res.headers['x-request-id']);
};

describe('the HTTP stack', () => {
  it('answers an unknown route with 404 ROUTE_NOT_FOUND as problem+json', async () => {
    const res = await invoke(fallback, { method: 'GET', path: '/v1/nothing-here' });
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const res = await invoke(fallback, { method: 'DELETE', path: '/v1/products/MUG-1' });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, PATCH');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const sane = await invoke(fallback, { method: 'GET', path: '/x', headers: { 'X-Request-Id': 'abc.DEF_123-x' } });
    expect(sane.headers['x-request-id']).toBe('abc.DEF_123-x');
    expect(sane.json.requestId).toBe('abc.DEF_123-x');
    const unsafe = await invoke(fallback, { method: 'GET', path: '/x', headers: { 'X-Request-Id': 'a b<script>' } });
    expect(unsafe.headers['x-request-id']).not.toBe('a b<script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    const tooLong = await invoke(fallback, { method: 'GET', path: '/x', headers: { 'X-Request-Id': 'a'.repeat(129) } });
    expect(tooLong.headers['x-request-id']).not.toBe('a'.repeat(129));
  });

  it('puts the security headers and no-store on every response, errors included', async () => {
    const res = await invoke(fallback, { method: 'GET', path: '/x' });
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'strict-transport-security': expect.stringContaining('max-age='),
      'cache-control': 'no-store',
    });
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await invoke(createProduct, {
      method: 'POST',
      path: '/v1/products',
      headers: { 'Content-Type': 'text/plain' },
      body: 'sku=A',
      token: admin(),
    });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await invoke(createProduct, {
      method: 'POST',
      path: '/v1/products',
      headers: { 'Content-Type': 'application/json' },
      body: '{"sku": "A",',
      token: admin(),
    });
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('refuses a body over 64 KiB with 413, before reading it', async () => {
    const res = await invoke(createProduct, {
      method: 'POST',
      path: '/v1/products',
      body: { sku: 'A', name: 'x'.repeat(70 * 1024), price: 1, category: 'Kitchen' },
      token: admin(),
    });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('lists every schema problem, unknown and server-owned fields included', async () => {
    const res = await invoke(createProduct, {
      method: 'POST',
      path: '/v1/products',
      body: { sku: 'lower case', name: '', price: 12.5, category: 'Kitchen', currency: 'USD', createdAt: 'x' },
      token: admin(),
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['createdAt', 'currency', 'name', 'price', 'sku']);
    expect(res.json.errors.find((e: { path: string }) => e.path === 'currency').message).toBe('unknown field');
  });

  it.each(['0', '101', 'abc', '2.5'])('refuses limit=%s with 400 VALIDATION_FAILED', async (limit) => {
    const res = await invoke(listProducts, { method: 'GET', path: '/v1/products', query: { limit } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.json.errors).toEqual([{ path: 'limit', message: expect.any(String) }]);
  });

  it('refuses a tampered cursor with 400 INVALID_CURSOR, not a 500', async () => {
    const res = await invoke(listProducts, {
      method: 'GET',
      path: '/v1/products',
      query: { cursor: 'eyJQSyI6IngifQ.AAAA' },
    });
    expectProblem(res, 400, 'INVALID_CURSOR');
  });

  it('answers an unexpected failure with a generic 500 that leaks nothing', async () => {
    // The SDK endpoint is a closed loopback port here, so the read fails inside the AWS SDK.
    const res = await invoke(getProduct, {
      method: 'GET',
      path: '/v1/products/MUG-1',
      route: '/v1/products/{sku}',
      pathParameters: { sku: 'MUG-1' },
    });
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.body).not.toMatch(/ECONNREFUSED|dynamo|stack|at /i);
  });

  it('sends CORS headers to allowed origins only, and answers their preflight', async () => {
    const allowed = await invoke(fallback, { method: 'GET', path: '/x', headers: { Origin: 'https://shop.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await invoke(fallback, { method: 'GET', path: '/x', headers: { Origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await invoke(fallback, {
      method: 'OPTIONS',
      path: '/v1/products',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
  });

  describe('JSON bodies', () => {
    const post = (input: Partial<EventInput>) =>
      invoke(createProduct, { method: 'POST', path: '/v1/products', token: admin(), ...input });
    // An empty object passes every check before the schema: the schema lists the missing fields.
    const passedMediaType = (res: { status: number; json: any }) => {
      expectProblem(res as never, 400, 'VALIDATION_FAILED');
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain('sku');
    };

    it.each(['"hello"', '[]', 'null', '42', 'true', '[{"sku":"A"}]'])(
      'answers a JSON body that is not an object (%s) with 400 VALIDATION_FAILED and errors[]',
      async (body) => {
        const res = await post({ headers: { 'Content-Type': 'application/json' }, body });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.json.errors).toEqual([{ path: '', message: 'the request body must be a JSON object' }]);
      },
    );

    it.each([
      ['at the top', '{"__proto__":{"polluted":true},"sku":"A"}', '__proto__'],
      ['nested', '{"sku":"A","options":{"a":[{"__proto__":{"polluted":true}}]}}', 'options/a/0/__proto__'],
      ['as constructor.prototype', '{"x":{"constructor":{"prototype":{"polluted":true}}}}', 'x/constructor'],
    ])('refuses a prototype key %s with 400 VALIDATION_FAILED, and pollutes nothing', async (_where, body, path) => {
      const res = await post({ headers: { 'Content-Type': 'application/json' }, body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.json.errors).toEqual([{ path, message: 'forbidden key' }]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it.each([false, 0])(
      'answers a body a local runtime handed over already parsed (%s) as the JSON text it was',
      async (parsed) => {
        const res = await invoke(createProduct, {
          method: 'POST',
          path: '/v1/products',
          headers: { 'Content-Type': 'application/json' },
          rawEventBody: parsed,
          token: admin(),
        });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.json.errors).toEqual([{ path: '', message: 'the request body must be a JSON object' }]);
      },
    );

    it('keeps MALFORMED_JSON for text that is not JSON, UTF-8 bytes included', async () => {
      const notJson = await post({ headers: { 'Content-Type': 'application/json' }, body: 'hello' });
      expectProblem(notJson, 400, 'MALFORMED_JSON');
    });

    it('answers a body sent without Content-Type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await post({ body: '{"sku":"A","name":"x","price":1,"category":"Kitchen"}' });
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const profile = await invoke(updateProfile, {
        method: 'PUT',
        path: '/v1/me',
        token: mintToken({ dir: issuerDir, sub: 'c-1', role: 'customer' }),
        body: '{"name":"x"}',
      });
      expectProblem(profile, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it.each([
      'application/json; charset=utf-16',
      'application/json; charset=iso-8859-1',
      'application/merge-patch+json',
      'application/problem+json',
      'application/vnd.api+json',
      'application/json, text/plain',
      'text/json',
      'application/jsonp',
    ])('answers Content-Type %s with 415', async (contentType) => {
      const res = await post({ headers: { 'Content-Type': contentType }, body: '{}' });
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
      'reads a body sent as %s',
      async (contentType) => passedMediaType(await post({ headers: { 'Content-Type': contentType }, body: '{}' })),
    );

    it('refuses a required body that is missing with 415 without Content-Type, 400 with one', async () => {
      expectProblem(await post({ rawEventBody: null }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const res = await post({ headers: { 'Content-Type': 'application/json' }, rawEventBody: null });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.json.errors).toEqual([{ path: '', message: 'a JSON object body is required' }]);
    });

    it('answers an optional body left out as no body, whatever the Content-Type; a body still needs JSON', async () => {
      const job = (input: Partial<EventInput>) =>
        invoke(runJob, {
          method: 'POST',
          path: '/v1/admin/jobs/no-such-job',
          route: '/v1/admin/jobs/{job}',
          pathParameters: { job: 'no-such-job' },
          token: admin(),
          ...input,
        });
      // The job is looked up only once the request is valid: 404 means the body was accepted.
      for (const input of [
        {},
        { rawEventBody: null },
        { rawEventBody: '', headers: { 'Content-Type': 'text/plain' } },
      ]) {
        expectProblem(await job(input), 404, 'JOB_NOT_FOUND');
      }
      expectProblem(await job({ body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(
        await job({ body: 'null', headers: { 'Content-Type': 'application/json' } }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  it.each(['bearer', 'BEARER', 'beArEr'])(
    'accepts the %s scheme in Authorization (RFC 9110: case-insensitive)',
    async (scheme) => {
      const res = await invoke(createProduct, {
        method: 'POST',
        path: '/v1/products',
        headers: { Authorization: `${scheme} ${admin()}` },
        body: {},
      });
      // Past authentication: the schema refuses the empty body.
      expectProblem(res, 400, 'VALIDATION_FAILED');
    },
  );

  it('still refuses an Authorization header that is not a bearer token', async () => {
    for (const authorization of [`Basic ${admin()}`, `Bearer${admin()}`, 'bearer ']) {
      const res = await invoke(createProduct, {
        method: 'POST',
        path: '/v1/products',
        headers: { Authorization: authorization },
        body: {},
      });
      expectProblem(res, 401, 'UNAUTHENTICATED');
    }
  });

  it('states the request limit in RateLimit-Policy on answers of limited routes, errors included', async () => {
    const refused = await invoke(listProducts, { method: 'GET', path: '/v1/products', query: { limit: '0' } });
    const unknown = await invoke(fallback, { method: 'GET', path: '/v1/nothing-here' });

    for (const res of [refused, unknown]) expect(res.headers['ratelimit-policy']).toBe('"requests";q=1000000;w=1');
  });

  it('says Vary: Origin on every answer while CORS origins are configured, allowed origin or not', async () => {
    const answers = [
      await invoke(fallback, { method: 'GET', path: '/x' }),
      await invoke(fallback, { method: 'GET', path: '/x', headers: { Origin: 'https://evil.example' } }),
      await invoke(fallback, { method: 'GET', path: '/x', headers: { Origin: 'https://shop.example' } }),
      await invoke(listProducts, { method: 'GET', path: '/v1/products', query: { limit: '0' } }),
      await invoke(fallback, {
        method: 'OPTIONS',
        path: '/v1/products',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
      }),
    ];
    for (const res of answers) expect(res.headers.vary).toBe('Origin');
  });

  it.each([
    ['/v1/discounts/.', '/v1/discounts'],
    ['/v1/discounts/%2e', '/v1/discounts'],
    ['/v1/products/MUG/%2e%2e', '/v1/products'],
    ['/v1/products/%E2%82', '/{proxy+}'],
  ])('answers %s with 400 before any route-specific code runs (also when routed as %s)', async (path) => {
    const res = await invoke(fallback, { method: 'GET', path, route: '/{proxy+}' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const listed = await invoke(listProducts, { method: 'GET', path, route: '/v1/products' });
    expectProblem(listed, 400, 'VALIDATION_FAILED');
  });
});
