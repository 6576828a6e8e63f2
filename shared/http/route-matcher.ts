import type { HttpMethod, RouteSpec } from './route-spec';

const toRegExp = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^/}]+\\?\}/g, '[^/]+')}/?$`);

/** Which methods the API serves on a concrete path (empty: no such route). */
export function methodsForPath(routes: RouteSpec[], path: string): HttpMethod[] {
  return routes.filter((route) => toRegExp(route.path).test(path)).map((route) => route.method);
}
