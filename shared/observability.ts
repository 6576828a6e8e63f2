import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { currentTrace } from './trace-context';

/**
 * Powertools' own log structure, plus the current trace: `correlationId` and `orderId` of the
 * request or record being handled (shared/trace-context.ts), so one query finds an order's lines
 * in every function's log group.
 */
class TracedLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const trace = currentTrace();
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
        tenant_id: context?.tenantId,
        correlationId: trace?.correlationId,
        orderId: trace?.orderId,
      },
    }).addAttributes(additional);
  }
}

/** Structured JSON logs (request id appended per request by the HTTP stack, the trace per line). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cartwheel',
  logFormatter: new TracedLogFormatter(),
});

/** Business metrics in CloudWatch Embedded Metric Format. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Cartwheel',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cartwheel',
  // Stages deployed to one account must not add up in one metric (the alarms select theirs).
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});

/** One `ColdStart` metric (dimension `function_name`) on an instance's first invocation: the dashboard counts them. */
export const countColdStart = (context: { functionName: string }): void =>
  metrics.captureColdStartMetric(context.functionName);

/** The start of a worker's invocation (a batch, a schedule): the logger learns it, a cold start is counted. */
export function observeInvocation(context: Context): void {
  logger.addContext(context);
  countColdStart(context);
}
