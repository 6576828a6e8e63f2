import type { Context, ScheduledEvent } from 'aws-lambda';
import type { JobRunner } from '../domain/jobs/job-runner';
import { logger, metrics, observeInvocation } from '../observability';

/**
 * A scheduled function (EventBridge rule): runs one job through the same runner as
 * `POST /v1/admin/jobs/{job}`, logs its summary and publishes it as metrics. A failure is thrown,
 * so the invocation is recorded failed (the next scheduled run starts over).
 */
export function scheduledJob(job: string, jobs: () => JobRunner) {
  return async (_event: ScheduledEvent, context: Context) => {
    observeInvocation(context);
    try {
      const run = await jobs().run(job, {}, { remainingTimeMs: () => context.getRemainingTimeInMillis() });
      logger.info('scheduled job finished', { ...run });
      for (const [name, count] of Object.entries(run.summary)) metrics.addMetric(`Job.${job}.${name}`, 'Count', count);
      return run;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
