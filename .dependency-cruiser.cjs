/**
 * The layering of the README's architecture, one rule a layer, checked by `npm run depcheck` (part
 * of `npm test`). From the inside out:
 *   shared/lib, shared/errors      leaf helpers: import no other layer
 *   shared/domain                  rules and ports: pure TypeScript, no AWS, no I/O layer
 *   shared/adapters                the ports' implementations (DynamoDB, SQS, gateways)
 *   shared/http, shared/workers    the Middy stack of HTTP functions; the SQS record and schedule handlers
 *   shared/api                     route declarations and the OpenAPI document (over shared/http's route spec)
 *   shared/container               the composition root: builds adapters and services on first use
 *   functions                      entry points: a route or a worker over services of the container
 */
const ENTRY_POINTS = '^functions';

/** A layer that must not reach into these folders of shared/ (nor the entry points). */
const layer = (name, comment, from, folders) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: [`^shared/(${folders.join('|')})/`, ENTRY_POINTS] },
});

module.exports = {
  forbidden: [
    {
      name: 'lib-is-a-leaf',
      comment: 'shared/lib holds generic helpers: it imports nothing of the application but shared/errors',
      severity: 'error',
      from: { path: '^shared/lib' },
      to: { path: '^(shared|functions)/', pathNot: ['^shared/lib/', '^shared/errors\\.ts$'] },
    },
    {
      name: 'domain-is-pure',
      comment:
        'shared/domain must not import AWS SDKs, aws-lambda, Middy, Powertools, adapters, the HTTP or API layer, workers, the container, configuration, observability or functions',
      severity: 'error',
      from: { path: '^shared/domain' },
      to: {
        path: [
          '^shared/(adapters|http|api|workers|container|auth)/',
          '^shared/(config|observability|production-safety)\\.ts$',
          ENTRY_POINTS,
          '@aws-sdk',
          'aws-lambda',
          '@middy',
          '@aws-lambda-powertools',
        ],
      },
    },
    layer(
      'adapters-implement-ports-only',
      'shared/adapters implement domain ports: they never import the HTTP or API layer, the workers, the container or functions',
      '^shared/adapters',
      ['http', 'api', 'workers', 'container'],
    ),
    layer(
      'http-is-transport-only',
      'shared/http is the HTTP stack: it never imports route declarations (shared/api), the container, adapters or workers; what it needs is handed in',
      '^shared/http',
      ['api', 'container', 'adapters', 'workers'],
    ),
    layer(
      'workers-are-transport-only',
      'shared/workers turn SQS records and schedules into service calls: they never import HTTP, API, adapters or the container; services are handed in',
      '^shared/workers',
      ['http', 'api', 'container', 'adapters'],
    ),
    layer(
      'api-declares-only',
      'shared/api declares routes and documents them: it never imports the container, adapters or workers',
      '^shared/api',
      ['container', 'adapters', 'workers'],
    ),
    {
      name: 'container-is-the-root',
      comment: 'Only entry points (and the container itself) import the composition root',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/container/' },
      to: { path: '^shared/container/' },
    },
    {
      name: 'shared-does-not-import-functions',
      severity: 'error',
      from: { path: '^shared' },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['node_modules', '\\.esbuild', '\\.serverless'] },
  },
};
