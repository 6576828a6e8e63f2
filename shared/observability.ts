import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs (request id appended per request by the HTTP stack). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cartwheel' });

/** Business metrics in CloudWatch Embedded Metric Format. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Cartwheel',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cartwheel',
  // Stages deployed to one account must not add up in one metric (the alarms select theirs).
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});
