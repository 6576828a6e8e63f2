import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readServerlessYml } from '../../bench/lib/serverless-yml';
import { openApiDocument } from '../../shared/api/openapi-document';
import { routes } from '../../shared/api/routes';

const root = join(__dirname, '..', '..');

interface FunctionDefinition {
  handler: string;
  events?: Array<{ httpApi?: string | { method: string; path: string } }>;
}

/** serverless.yml's functions (CloudFormation tags and variables left as written). */
const serverlessFunctions = () => readServerlessYml<{ functions: Record<string, FunctionDefinition> }>().functions;

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

describe('route declarations', () => {
  const functions = serverlessFunctions();
  const deployed = Object.values(functions)
    .flatMap((fn) => fn.events ?? [])
    .map((event) => event.httpApi)
    .filter((http): http is { method: string; path: string } => typeof http === 'object' && http !== null)
    .map((http) => key(http.method, http.path))
    .sort();
  const documented = Object.entries(openApiDocument('EUR').paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => key(method, path)))
    .sort();

  it('documents every route of serverless.yml, and deploys every documented route', () => {
    expect(documented).toEqual(deployed);
    expect(routes.map((route) => key(route.method, route.path)).sort()).toEqual(deployed);
  });

  it('has a handler module for every function', () => {
    for (const [name, fn] of Object.entries(functions)) {
      const file = `${fn.handler.replace(/\.[^.]+$/, '')}.ts`;
      expect({ name, exists: existsSync(join(root, file)) }).toEqual({ name, exists: true });
    }
  });

  it('declares every route exactly once, with a unique operation id', () => {
    expect(new Set(routes.map((route) => key(route.method, route.path))).size).toBe(routes.length);
    expect(new Set(routes.map((route) => route.operationId)).size).toBe(routes.length);
  });

  it('produces an OpenAPI 3.1 document whose references all resolve', () => {
    const document = openApiDocument('EUR');
    expect(document.openapi).toBe('3.1.0');
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(Object.keys(schemas)).toContain(ref);
  });
});
