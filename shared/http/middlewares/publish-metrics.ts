import { metrics } from '../../observability';
import type { HttpMiddleware } from '../request-state';

/**
 * Flushes the request's business metrics (EMF). Unlike Powertools' `logMetrics`, it stays silent
 * on requests that recorded none, which is most of them.
 */
export function publishMetrics(): HttpMiddleware {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
