import { logger, metrics } from '../../observability';
import { problemResponse, toAppError } from '../problem';
import { type HttpMiddleware, type HttpRequest, peekState } from '../request-state';

/** Every error becomes problem+json; unexpected ones are logged with their cause and answered 500. */
export function problemErrors(): HttpMiddleware {
  return {
    onError: (request: HttpRequest) => {
      const error = toAppError(request.error);
      if (error.status >= 500) {
        logger.error('request failed', { code: error.code, error: request.error ?? undefined });
        metrics.addMetric('ServerErrors', 'Count', 1);
      } else {
        logger.info('request refused', { code: error.code, status: error.status });
      }
      request.response = problemResponse(error, peekState(request.event)?.requestId ?? 'unknown');
    },
  };
}
