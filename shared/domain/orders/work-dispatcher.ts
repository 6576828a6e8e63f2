import type { Clock } from '../../lib/clock';
import type { OrderRepository } from './order-ports';
import {
  paymentWork,
  type Work,
  type WorkOutbox,
  type WorkQueue,
  type WorkQueueName,
  workOfTransition,
} from './order-work';

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

/** Hands committed work records to their queues. */
export function createWorkDispatcher({ queues, outbox, clock, resendAfterSeconds, onSendFailure }: WorkDispatcherDeps) {
  async function sendOne(work: Work): Promise<boolean> {
    try {
      await queues[work.queue].send(work.message);
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

/**
 * The order repository with its follow-up work sent right after each commit: placing an order sends
 * its payment message, and every transition sends the work it started. Services use it like the
 * plain repository; the records make the sends durable.
 */
export function withWorkDispatch(orders: OrderRepository, dispatcher: WorkDispatcher): OrderRepository {
  return {
    ...orders,
    async place(placement) {
      const outcome = await orders.place(placement);
      if (outcome.ok) await dispatcher.dispatch([paymentWork(placement.order, placement.paymentToken)]);
      return outcome;
    },
    async transition(transition) {
      const moved = await orders.transition(transition);
      if (moved) await dispatcher.dispatch(workOfTransition(transition).starts);
      return moved;
    },
  };
}
