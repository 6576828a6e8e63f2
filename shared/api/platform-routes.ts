import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';

export const HealthReport = /* @__PURE__ */ z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.record(z.string().check(z.maxLength(64)), z.enum(['ok', 'error'])),
  })
  .register(z.globalRegistry, { id: 'HealthReport' });

export const healthRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  role: 'public',
  summary: 'Health of the service and its dependencies',
  tags: ['Platform'],
  responses: {
    200: { description: 'Every dependency answers', schema: HealthReport },
    503: { description: 'A dependency is down', schema: HealthReport },
  },
});

export const openApiRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  role: 'public',
  summary: 'This OpenAPI 3.1 document',
  tags: ['Platform'],
  responses: { 200: { description: 'OpenAPI 3.1 document', contentType: 'application/json' } },
  cacheable: true,
});

export const docsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getDocs',
  method: 'GET',
  path: '/docs',
  role: 'public',
  summary: 'HTML API reference',
  tags: ['Platform'],
  responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  cacheable: true,
});

export const DocsAssetParams = /* @__PURE__ */ z.strictObject({
  file: z.string().check(z.maxLength(100), z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)),
});

export const docsAssetRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getDocsAsset',
  method: 'GET',
  path: '/docs/assets/{file}',
  role: 'public',
  summary: 'A static file of the HTML API reference',
  description:
    'Swagger UI’s script and style sheet and the page’s own script, as the page names them: each name ' +
    'changes with its content, so each is cached for a year (`immutable`). Gzipped for a client that accepts it.',
  tags: ['Platform'],
  params: DocsAssetParams,
  headers: [{ name: 'If-None-Match', description: 'ETag of a cached copy: 304 when it is still current' }],
  responses: {
    200: {
      description: 'The file: JavaScript (`text/javascript`) or CSS (`text/css`)',
      contentType: 'text/javascript',
    },
    304: { description: 'The cached copy is current' },
  },
  errors: [{ status: 404, code: 'ASSET_NOT_FOUND' }],
  cacheable: true,
});
