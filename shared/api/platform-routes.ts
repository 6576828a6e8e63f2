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
