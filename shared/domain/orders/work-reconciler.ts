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
};

export function createWorkReconciler({ outbox, dispatcher, clock, maxRecordsPerRun }: WorkReconcilerDeps) {
  return {
    /**
     * Re-sends follow-up work whose queue message was never sent (checkout or a worker committed,
     * then crashed or the send failed: the record was due after a short grace period) or was lost
     * (sent, but not done long after). Each due record's message is sent again and the record is
     * marked sent. A duplicate message is harmless: every worker re-checks the order and dedupes.
     */
    async run(): Promise<ReconcileSummary> {
      const due = await outbox.due({ dueBefore: clock.now().toISOString(), limit: maxRecordsPerRun });
      let resent = 0;
      for (let start = 0; start < due.length; start += SENDS_IN_FLIGHT) {
        const chunk = due.slice(start, start + SENDS_IN_FLIGHT);
        resent += await dispatcher.dispatch(chunk.map(({ dueAt: _, ...work }) => work));
      }
      return { examined: due.length, resent, failed: due.length - resent };
    },
  };
}

export type WorkReconciler = ReturnType<typeof createWorkReconciler>;
