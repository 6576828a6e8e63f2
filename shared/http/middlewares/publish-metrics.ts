import { countColdStart, metrics } from '../../observability';
import type { HttpMiddleware } from '../request-state';

/**
 * Counts the instance's cold start and flushes the request's business metrics (EMF). Unlike Powertools' `logMetrics`, it stays silent
 * on requests that recorded none, which is most of them.
 */
export function publishMetrics(): HttpMiddleware {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: (request) => countColdStart(request.context),
    after: flush,
    onError: flush,
  };
}
