import type { HttpMethod, RouteSpec } from './route-spec';

const toRegExp = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^/}]+\\?\}/g, '[^/]+')}/?$`);

const routesForPath = (routes: RouteSpec[], path: string) => routes.filter((route) => toRegExp(route.path).test(path));

/** Which methods the API serves on a concrete path (empty: no such route). */
export function methodsForPath(routes: RouteSpec[], path: string): HttpMethod[] {
  return routesForPath(routes, path).map((route) => route.method);
}

/** The route that serves a method on a concrete path, if any. */
export const routeFor = (routes: RouteSpec[], method: string, path: string): RouteSpec | undefined =>
  routesForPath(routes, path).find((route) => route.method === method);
