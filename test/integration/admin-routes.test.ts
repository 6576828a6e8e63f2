import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readServerlessYml, serviceFunctions } from '../../bench/lib/serverless-yml';
import { repoRoot } from '../../scripts/local/paths';
import { routes } from '../../shared/api/routes';
import { invoke } from '../support/http-event';
import { customerToken } from '../support/integration';

/**
 * Broken function-level authorisation (BFLA), for every admin route there is: each deployed
 * function behind an admin route answers a customer's token 403 `FORBIDDEN` and no token 401, before
 * anything of the request is looked at (the path's values here are placeholders: a route that
 * validated them first would answer 400 and fail the test).
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface HttpFunction {
  name: string;
  method: string;
  path: string;
}

function httpFunctions(): HttpFunction[] {
  const yml = readServerlessYml<{
    functions: Record<string, { events?: Array<{ httpApi?: { method: string; path: string } | string }> }>;
  }>();
  return Object.entries(yml.functions).flatMap(([name, fn]) =>
    (fn.events ?? []).flatMap((event) =>
      // `httpApi: '*'` is the fallback's catch-all.
      typeof event.httpApi === 'object'
        ? [{ name, method: event.httpApi.method.toUpperCase(), path: event.httpApi.path }]
        : [],
    ),
  );
}

const adminRoutes = routes.filter((route) => route.role === 'admin');
const entries = new Map(serviceFunctions().map((fn) => [fn.name, fn]));

describe('every admin route refuses customers and anonymous callers', () => {
  const deployed = httpFunctions();

  it('has a deployed function for every admin route', () => {
    for (const route of adminRoutes)
      expect({
        route: `${route.method} ${route.path}`,
        deployed: deployed.some((fn) => fn.method === route.method && fn.path === route.path),
      }).toEqual({
        route: `${route.method} ${route.path}`,
        deployed: true,
      });
    expect(adminRoutes.length).toBeGreaterThan(20);
  });

  it.each(adminRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', async (_name, route) => {
    const fn = deployed.find((candidate) => candidate.method === route.method && candidate.path === route.path);
    const entry = fn && entries.get(fn.name);
    if (!entry) throw new Error(`no function for ${route.method} ${route.path}`);
    const module = (await import(path.join(repoRoot, entry.entry))) as Record<string, Handler>;
    const handler = module[entry.exportName] as Handler;
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    const pathParameters = Object.fromEntries(names.map((name) => [name, 'placeholder']));
    const concrete = route.path.replace(/\{(\w+)\}/g, 'placeholder');
    const request = (token?: string) =>
      invoke(handler, {
        method: route.method,
        path: concrete,
        route: route.path,
        pathParameters,
        ...(route.body ? { body: {} } : {}),
        ...(token ? { token } : {}),
      });
    const asCustomer = await request(customerToken('bfla-customer'));
    expect({ status: asCustomer.status, code: asCustomer.json?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const anonymous = await request();
    expect({ status: anonymous.status, code: anonymous.json?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
