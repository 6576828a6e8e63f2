import type { Clock } from '../../lib/clock';
import type { Work, WorkOutbox, WorkQueue, WorkQueueName } from './order-work';

export interface WorkDispatcherDeps {
  queues: Record<WorkQueueName, WorkQueue>;
  outbox: Pick<WorkOutbox, 'sent'>;
  clock: Clock;
  /**
   * After its send, a record left this long is taken as lost and sent again by the reconcile job.
   * Longer than a message can take to be processed or dead-lettered (visibility timeout × receives).
   */
  resendAfterSeconds: number;
  /** A send that failed: the record stays, and the reconcile job sends it once it is due. */
  onSendFailure: (work: Work, error: unknown) => void;
}

export type WorkDispatcher = ReturnType<typeof createWorkDispatcher>;

/**
 * Sends work records again whose message was lost (the reconcile job): the table's stream hands
 * every committed record to its queue once (work-forwarder); a record still there
 * `resendAfterSeconds` later is sent again and marked sent, so it comes due once more only if its
 * work is still not done after another `resendAfterSeconds`.
 */
export function createWorkDispatcher({ queues, outbox, clock, resendAfterSeconds, onSendFailure }: WorkDispatcherDeps) {
  async function sendOne(work: Work): Promise<boolean> {
    try {
      await queues[work.queue].send(work.message, work.trace);
    } catch (error) {
      onSendFailure(work, error);
      return false;
    }
    const nextDueAt = new Date(clock.now().getTime() + resendAfterSeconds * 1000).toISOString();
    try {
      await outbox.sent(work, nextDueAt);
    } catch (error) {
      // The message went out; the record merely stays due sooner, and a duplicate message is harmless.
      onSendFailure(work, error);
    }
    return true;
  }

  return {
    /**
     * Sends each work item's message, then marks its record sent. Never throws: a failed send is
     * reported and its record stays due for the reconcile job.
     * @returns how many messages were sent
     */
    async dispatch(work: Work[]): Promise<number> {
      const sent = await Promise.all(work.map(sendOne));
      return sent.filter(Boolean).length;
    },
  };
}
