import { randomUUID } from 'node:crypto';
import { logger } from '../../observability';
import { currentTrace, traceOrder } from '../../trace-context';
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
      // Not API Gateway's id: it is unique, but serverless-offline sends a constant. The HTTP stack
      // made it the correlation id of the request's trace (http-route.ts).
      const requestId = currentTrace()?.correlationId ?? requestIdFrom(header(request.event, 'x-request-id'));
      initState(request.event, requestId);
      // A request about an order belongs to its trace from the first log line.
      const orderId = request.event.pathParameters?.orderId;
      if (orderId !== undefined && SANE_REQUEST_ID.test(orderId)) traceOrder(orderId);
      logger.appendKeys({
        requestId,
        apiRequestId: request.event.requestContext?.requestId,
        route: request.event.routeKey,
      });
    },
    after: (request: HttpRequest) => {
      stamp(request);
      // One line per answered request that may change something, in its trace (refusals and
      // failures log their own). Reads have API Gateway's access log line: a line of ours would
      // cost each catalog read ~0.1 ms for nothing the access log lacks.
      const method = request.event.requestContext?.http?.method;
      if (method !== 'GET' && method !== 'HEAD')
        logger.info('request handled', { status: request.response?.statusCode });
    },
    onError: stamp,
  };
}
