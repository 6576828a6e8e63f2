import { gunzipSync } from 'node:zlib';
import { handler as docs } from '../../functions/http/docs';
import { handler as docsAssets } from '../../functions/http/docs-assets';
import { handler as openapi } from '../../functions/http/openapi';
import { DOCS_ASSET_NAMES, DOCS_INITIALIZER } from '../../shared/api/docs-page';
import { createHealthService } from '../../shared/domain/health/health-service';
import { invoke } from '../support/http-event';

describe('health service', () => {
  it('is degraded, naming the dependency, when one probe fails', async () => {
    const failures: string[] = [];
    const health = createHealthService(
      [
        { name: 'dynamodb', check: async () => undefined },
        {
          name: 'queues',
          check: async () => {
            throw new Error('queue missing');
          },
        },
      ],
      (name) => failures.push(name),
    );
    expect(await health.check()).toEqual({ status: 'degraded', checks: { dynamodb: 'ok', queues: 'error' } });
    expect(failures).toEqual(['queues']);
  });

  it('gives up on a probe that hangs instead of hanging the health check', async () => {
    const health = createHealthService(
      [{ name: 'dynamodb', check: () => new Promise(() => undefined) }],
      () => undefined,
    );
    expect(await health.check()).toEqual({ status: 'degraded', checks: { dynamodb: 'error' } });
  });
});

describe('API documentation endpoints', () => {
  it('serves the OpenAPI 3.1 document publicly and cacheably', async () => {
    const res = await invoke(openapi, { method: 'GET', path: '/v1/openapi.json' });
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(Object.keys(res.json.paths)).toContain('/v1/products/{sku}');
    expect(res.headers['cache-control']).toMatch(/^public/);
  });

  it('serves the HTML reference: Swagger UI from its own origin, the document beside it', async () => {
    const res = await invoke(docs, { method: 'GET', path: '/docs' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    // Every file from this origin, named so it can be cached for good; nothing from a CDN.
    const sources = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(sources.sort()).toEqual(
      [
        `/docs/assets/${DOCS_ASSET_NAMES.bundle}`,
        `/docs/assets/${DOCS_ASSET_NAMES.css}`,
        `/docs/assets/${DOCS_ASSET_NAMES.initializer}`,
        '/v1/openapi.json',
        'data:,', // no favicon to fetch
      ].sort(),
    );
    expect(res.body).not.toMatch(/<script>|\son[a-z]+="/);
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('serves each file of the reference by its name: cached a year, gzipped when asked, 304 on its ETag', async () => {
    const get = (file: string, headers: Record<string, string> = {}) =>
      invoke(docsAssets, {
        method: 'GET',
        path: `/docs/assets/${file}`,
        route: '/docs/assets/{file}',
        pathParameters: { file },
        headers,
      });
    const plain = await get(DOCS_ASSET_NAMES.bundle);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toContain('SwaggerUIBundle');
    expect(plain.body.length).toBeGreaterThan(1_000_000);

    const gzipped = await get(DOCS_ASSET_NAMES.bundle, { 'Accept-Encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(gzipped.body, 'base64')).toString('utf8')).toBe(plain.body);
    // Each coding its own validator; a refused coding is not sent.
    expect(gzipped.headers.etag).not.toBe(plain.headers.etag);
    const refusing = await get(DOCS_ASSET_NAMES.bundle, { 'Accept-Encoding': 'br, gzip;q=0' });
    expect([refusing.headers['content-encoding'], refusing.headers.etag]).toEqual([undefined, plain.headers.etag]);
    const plainAgain = await get(DOCS_ASSET_NAMES.bundle, {
      'Accept-Encoding': 'gzip',
      'If-None-Match': plain.headers.etag as string,
    });
    expect(plainAgain.status).toBe(200);

    const css = await get(DOCS_ASSET_NAMES.css);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const init = await get(DOCS_ASSET_NAMES.initializer);
    expect(init.body).toBe(DOCS_INITIALIZER);

    const again = await get(DOCS_ASSET_NAMES.css, { 'If-None-Match': css.headers.etag as string });
    expect([again.status, again.body]).toEqual([304, '']);

    const missing = await get('swagger-ui-0.0.0.css');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'ASSET_NOT_FOUND' });
    const traversal = await get('..%2Fpackage.json');
    expect(traversal.status).toBe(400);
  });
});
