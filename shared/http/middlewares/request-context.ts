import { randomUUID } from 'node:crypto';
import { logger } from '../../observability';
import { type HttpMiddleware, type HttpRequest, header, initState, peekState } from '../request-state';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Picks the request id (a sane incoming `X-Request-Id` is echoed, otherwise a new one),
 * tags every log line with it, and puts it on every response, errors included.
 */
export function requestContext(): HttpMiddleware {
  const stamp = (request: HttpRequest) => {
    const requestId = peekState(request.event)?.requestId;
    if (request.response && requestId) {
      request.response.headers = { ...request.response.headers, 'X-Request-Id': requestId };
    }
  };
  return {
    before: (request: HttpRequest) => {
      const incoming = header(request.event, 'x-request-id');
      // Otherwise our own id: API Gateway's is unique, but serverless-offline sends a constant.
      const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      initState(request.event, requestId);
      logger.appendKeys({
        requestId,
        apiRequestId: request.event.requestContext?.requestId,
        route: request.event.routeKey,
      });
    },
    after: stamp,
    onError: stamp,
  };
}
