import { randomUUID } from 'node:crypto';
import { logger } from '../../observability';
import { type HttpMiddleware, type HttpRequest, header, initState, peekState } from '../request-state';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The id of a request: a sane incoming `X-Request-Id` (docs/contract.md §4), otherwise a new one. */
export const requestIdFrom = (incoming: string | undefined): string =>
  incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();

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
      // Not API Gateway's id: it is unique, but serverless-offline sends a constant.
      const requestId = requestIdFrom(header(request.event, 'x-request-id'));
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
