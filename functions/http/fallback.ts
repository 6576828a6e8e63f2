import { routes } from '../../shared/api/routes';
import { config } from '../../shared/config';
import { publicHttpRoute } from '../../shared/container/http';
import { AppError, NotFoundError } from '../../shared/errors';
import { preflightHeaders } from '../../shared/http/middlewares/response-headers';
import { methodsForPath } from '../../shared/http/route-matcher';
import { defineRoute } from '../../shared/http/route-spec';

/** The catch-all route: CORS preflights, 405 for a known path with the wrong method, else 404. */
const fallbackRoute = defineRoute({
  operationId: 'fallback',
  method: 'GET',
  path: '/{proxy+}',
  role: 'public',
  summary: 'Unknown routes',
  tags: [],
  responses: { 404: { description: 'No such route' } },
});

export const handler = publicHttpRoute(fallbackRoute, async ({ event, header }) => {
  const method = event.requestContext.http.method.toUpperCase();
  const methods = methodsForPath(routes, event.rawPath);
  if (method === 'OPTIONS' && methods.length > 0) {
    return { statusCode: 204, headers: preflightHeaders(header('origin'), methods, config().corsAllowedOrigins) };
  }
  if (methods.length > 0) {
    throw new AppError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', {
      detail: `${method} is not allowed on ${event.rawPath}; use ${methods.join(', ')}.`,
      headers: { Allow: methods.join(', ') },
    });
  }
  throw new NotFoundError('ROUTE_NOT_FOUND', `There is no route ${method} ${event.rawPath}.`);
});
