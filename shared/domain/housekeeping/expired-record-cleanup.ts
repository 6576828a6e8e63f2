import type { Clock } from '../../lib/clock';
import type { ExpiredRecords, RecordKey } from './housekeeping-ports';

/** What the invocation running the job has left. */
export interface CleanupContext {
  remainingTimeMs(): number;
}

export interface ExpiredRecordCleanupDeps {
  records: ExpiredRecords;
  clock: Clock;
  /** At most this many expired items are deleted per run; the next run continues where this one stopped. */
  maxItemsPerRun: number;
  /** Items read per page of the walk (default 1000). */
  pageSize?: number;
  /** Deletes in flight at once (default 16). */
  concurrency?: number;
  /** No new page is started with less time than this left (default 5 s). */
  safetyMarginMs?: number;
  /**
   * No new delete is started with less time than this left (default 2 s), so a page whose deletes
   * are slow (a busy table) still ends in time to save where it stopped and answer its summary.
   */
  stopMarginMs?: number;
}

export type CleanupSummary = {
  /** Items read by the walk. */
  scanned: number;
  /** Of those, expired items handled (beyond the delete budget, the rest of a page is left for the next run). */
  expired: number;
  /** Expired items deleted. */
  deleted: number;
  /** Expired when read, but refreshed, already gone or in a transaction at the delete: left alone. */
  refreshed: number;
  /** 1 when this run reached the end of the table (the next run starts over), else 0 (the next run resumes). */
  passCompleted: number;
  /** 1 when this run stopped because its time ran short; the next run resumes where it stopped. */
  timeLimited: number;
};

/**
 * Runs `work` over `items` in order, at most `limit` at a time, starting none once `stop()` says so:
 * the results of the items it started, which are always the first ones.
 */
async function inParallel<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  stop: () => boolean,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The cleanup job: deletes items whose `expiresAt` has passed (abandoned carts, idempotency
 * records, rate-limit counters, old ledger entries). DynamoDB's TTL does the same, but lazily (up to
 * days late), and DynamoDB Local never does. The walk is a scan of the whole table, spread over runs:
 * each run continues from the stored cursor and stops at `maxItemsPerRun` deletes or when the
 * invocation's time runs short. Deletes are conditional on the item still being expired, so an
 * item refreshed in between (a cart changed) survives.
 */
export function createExpiredRecordCleanup(deps: ExpiredRecordCleanupDeps) {
  const { records, clock, maxItemsPerRun } = deps;
  const pageSize = deps.pageSize ?? 1000;
  const concurrency = deps.concurrency ?? 16;
  const safetyMarginMs = deps.safetyMarginMs ?? 5000;
  const stopMarginMs = deps.stopMarginMs ?? 2000;

  return {
    /**
     * Continues the walk through the table from where the last run stopped, deleting what has
     * expired, and saves where it stopped. A run that finds the cursor moved by another run at the
     * same time stops (that run carries on).
     */
    async run(context: CleanupContext): Promise<CleanupSummary> {
      const summary: CleanupSummary = {
        scanned: 0,
        expired: 0,
        deleted: 0,
        refreshed: 0,
        passCompleted: 0,
        timeLimited: 0,
      };
      const short = (marginMs: number) => context.remainingTimeMs() < marginMs;
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      let { position, version } = await records.loadCursor();
      let budget = maxItemsPerRun;
      while (budget > 0) {
        if (short(safetyMarginMs)) {
          summary.timeLimited = 1;
          break;
        }
        const page = await records.scanExpired({ after: position, nowSeconds, limit: pageSize });
        summary.scanned += page.scanned;
        // Beyond the budget or the time, the rest of the page is left for the next run, which resumes
        // right after the last item handled here (a scan may start after any key).
        const outcomes = await inParallel(
          page.keys.slice(0, budget),
          concurrency,
          (key) => records.deleteIfExpired(key, nowSeconds),
          () => short(stopMarginMs),
        );
        const handled = page.keys.slice(0, outcomes.length);
        if (outcomes.length < Math.min(budget, page.keys.length)) summary.timeLimited = 1;
        // Out of time before the first delete: the next run reads this page again.
        if (handled.length === 0 && page.keys.length > 0) break;
        summary.expired += handled.length;
        summary.deleted += outcomes.filter(Boolean).length;
        summary.refreshed += outcomes.filter((deleted) => !deleted).length;
        budget -= handled.length;
        const last: RecordKey | undefined = handled.at(-1);
        position = handled.length < page.keys.length && last ? last : page.next;
        if (!(await records.saveCursor(position, version))) break;
        version++;
        if (position === null) {
          summary.passCompleted = 1;
          break;
        }
        if (summary.timeLimited) break;
      }
      return summary;
    },
  };
}

export type ExpiredRecordCleanup = ReturnType<typeof createExpiredRecordCleanup>;
