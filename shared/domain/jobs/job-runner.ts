import { NotFoundError } from '../../errors';
import type { Clock } from '../../lib/clock';

/** A job's result: counts of what it did. */
export type JobSummary = Record<string, number>;

export class JobNotFoundError extends NotFoundError {
  constructor(job: string) {
    super('JOB_NOT_FOUND', `There is no job ${job}.`);
  }
}

export interface JobRun {
  job: string;
  startedAt: string;
  finishedAt: string;
  summary: JobSummary;
}

/** Runs a scheduled job on demand (`POST /v1/admin/jobs/{job}`), timed. */
export function createJobRunner(jobs: Record<string, () => Promise<JobSummary>>, clock: Clock) {
  return {
    /**
     * Runs one job now and reports its summary.
     * @throws JobNotFoundError for a job that does not exist
     */
    async run(job: string): Promise<JobRun> {
      const work = Object.hasOwn(jobs, job) ? jobs[job] : undefined;
      if (!work) throw new JobNotFoundError(job);
      const startedAt = clock.now().toISOString();
      const summary = await work();
      return { job, startedAt, finishedAt: clock.now().toISOString(), summary };
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
