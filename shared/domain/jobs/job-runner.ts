import { NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../lib/clock';

/** A job's result: counts of what it did. */
export type JobSummary = Record<string, number>;

export class JobNotFoundError extends NotFoundError {
  constructor(job: string) {
    super('JOB_NOT_FOUND', `There is no job ${job}.`);
  }
}

/** What a run may be asked to do differently (the body of `POST /v1/admin/jobs/{job}`). */
export interface JobOptions {
  /** The UTC day (`YYYY-MM-DD`) a dated job works on, instead of its default day. */
  date?: string;
}

/** The invocation a run happens in. */
export interface JobContext {
  /** Time left before the invocation is stopped: long jobs stop in time and continue on their next run. */
  remainingTimeMs(): number;
}

export type JobWork = (options: JobOptions, context: JobContext) => Promise<JobSummary>;

/** A job: its work alone (it takes no options), or its work and the options it takes. */
export type Job = JobWork | { run: JobWork; takes: ReadonlyArray<keyof JobOptions> };

export interface JobRun {
  job: string;
  startedAt: string;
  finishedAt: string;
  summary: JobSummary;
}

/** No deadline: a run outside a Lambda invocation (tests, scripts). */
const UNBOUNDED: JobContext = { remainingTimeMs: () => Number.POSITIVE_INFINITY };

/** Runs a scheduled job on demand (`POST /v1/admin/jobs/{job}`) or on its schedule, timed. */
export function createJobRunner(jobs: Record<string, Job>, clock: Clock) {
  return {
    /**
     * Runs one job now and reports its summary.
     * @param options only those the job takes; none means the job's defaults (as on its schedule)
     * @throws JobNotFoundError for a job that does not exist
     * @throws ValidationError for an option the job does not take
     */
    async run(job: string, options: JobOptions = {}, context: JobContext = UNBOUNDED): Promise<JobRun> {
      const definition = Object.hasOwn(jobs, job) ? jobs[job] : undefined;
      if (!definition) throw new JobNotFoundError(job);
      const { run: work, takes } = typeof definition === 'function' ? { run: definition, takes: [] } : definition;
      const refused = (Object.keys(options) as Array<keyof JobOptions>).filter(
        (name) => options[name] !== undefined && !takes.includes(name),
      );
      if (refused.length > 0) {
        throw new ValidationError(
          refused.map((name) => ({ path: name, message: `the job ${job} takes no ${name}` })),
          `The job ${job} does not take ${refused.join(', ')}.`,
        );
      }
      const startedAt = clock.now().toISOString();
      const summary = await work(options, context);
      return { job, startedAt, finishedAt: clock.now().toISOString(), summary };
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
