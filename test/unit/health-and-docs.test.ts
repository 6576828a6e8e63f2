import { handler as docs } from '../../functions/http/docs';
import { handler as openapi } from '../../functions/http/openapi';
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

  it('serves a self-contained HTML reference: no external resource, no script', async () => {
    const res = await invoke(docs, { method: 'GET', path: '/docs' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<code>/v1/products/{sku}</code>');
    expect(res.body).not.toMatch(/<script|src="http|href="http/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
