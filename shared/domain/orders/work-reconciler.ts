import type { Clock } from '../../lib/clock';
import type { WorkOutbox } from './order-work';
import type { WorkDispatcher } from './work-dispatcher';

export interface WorkReconcilerDeps {
  outbox: Pick<WorkOutbox, 'due'>;
  dispatcher: WorkDispatcher;
  clock: Clock;
  /** At most this many records are handled per run; the next run continues. */
  maxRecordsPerRun: number;
}

/** Sends in flight at once: a backlog of thousands must not open thousands of connections. */
const SENDS_IN_FLIGHT = 25;

export type ReconcileSummary = {
  /** Work records that were due. */
  examined: number;
  /** Their messages, sent again. */
  resent: number;
  /** Sends that failed (the records stay due for the next run). */
  failed: number;
  /** 1 when the run stopped because its invocation's time ran short; the records left stay due. */
  timeLimited: number;
};

/** No further chunk of sends is started with less time than this left. */
const STOP_MARGIN_MS = 3000;
const UNBOUNDED = { remainingTimeMs: () => Number.POSITIVE_INFINITY };

export function createWorkReconciler({ outbox, dispatcher, clock, maxRecordsPerRun }: WorkReconcilerDeps) {
  return {
    /**
     * Re-sends follow-up work whose queue message was lost: the stream handed the record to its
     * queue when it was committed, yet the work is still not done long after (the message was
     * dead-lettered, or the stream's forwarder gave up on it). Each due record's message is sent
     * again and the record is marked sent. A duplicate message is harmless: every worker re-checks
     * the order and dedupes.
     */
    async run(context: { remainingTimeMs(): number } = UNBOUNDED): Promise<ReconcileSummary> {
      const due = await outbox.due({ dueBefore: clock.now().toISOString(), limit: maxRecordsPerRun });
      let resent = 0;
      let examined = 0;
      for (; examined < due.length; examined += SENDS_IN_FLIGHT) {
        if (context.remainingTimeMs() < STOP_MARGIN_MS)
          return { examined, resent, failed: examined - resent, timeLimited: 1 };
        const chunk = due.slice(examined, examined + SENDS_IN_FLIGHT);
        resent += await dispatcher.dispatch(chunk.map(({ dueAt: _, ...work }) => work));
      }
      return { examined: due.length, resent, failed: due.length - resent, timeLimited: 0 };
    },
  };
}

export type WorkReconciler = ReturnType<typeof createWorkReconciler>;
