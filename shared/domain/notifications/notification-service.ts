import type { Clock } from '../../lib/clock';
import type { ProfileRepository } from '../customers/profile-ports';
import type { Order } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import type { NotifiedEvent, ReturnNotifiedEvent, WorkKind, WorkOutbox } from '../orders/order-work';
import type { ReturnRepository } from '../returns/return-ports';
import { EmailRejectedError, type EmailSender } from './email-sender';
import { orderEmail, returnEmail } from './order-email-templates';

/** Another delivery holds the e-mail's claim: retried later (by then it is sent, or the claim lapsed). */
export class NotificationBusyError extends Error {
  override name = 'NotificationBusyError';
}

export interface NotificationServiceDeps {
  orders: Pick<OrderRepository, 'get'>;
  /** For the e-mails about a return. */
  returns: Pick<ReturnRepository, 'get'>;
  profiles: Pick<ProfileRepository, 'get'>;
  outbox: Pick<WorkOutbox, 'claim' | 'release' | 'complete'>;
  email: EmailSender;
  clock: Clock;
  shopName: string;
  /** How long one delivery holds an e-mail before another may try: shorter than the queue's visibility timeout. */
  claimSeconds: number;
}

export type NotificationOutcome =
  | { outcome: 'sent' }
  /** Another delivery sent this e-mail already (its work record is gone). */
  | { outcome: 'duplicate' }
  /** Nobody to write to: no verified address is known (the customer has none, or it was erased). */
  | { outcome: 'no-recipient' }
  /** The e-mail service refused the message for good (for example an invalid address). */
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'order-not-found' }
  | { outcome: 'return-not-found' };

/** Which e-mail: about an order's event, or about a step of one of its returns. */
export type Notification = { event: NotifiedEvent } | { event: ReturnNotifiedEvent; returnId: string };

const kindOf = (notification: Notification): WorkKind =>
  'returnId' in notification ? `NOTIFY_${notification.event}_${notification.returnId}` : `NOTIFY_${notification.event}`;

export function createNotificationService(deps: NotificationServiceDeps) {
  const { orders, outbox, email, clock } = deps;

  /** The e-mail's parts, or why there is none to write. */
  async function render(order: Order, notification: Notification) {
    const options = { shopName: deps.shopName };
    if (!('returnId' in notification)) return orderEmail(notification.event, order, options);
    const ret = await deps.returns.get(notification.returnId);
    if (!ret || ret.orderId !== order.orderId) return null;
    return returnEmail(notification.event, order, ret, options);
  }

  async function sendOnce(orderId: string, notification: Notification): Promise<NotificationOutcome> {
    const order = await orders.get(orderId);
    // Only ever a verified address (docs/contract.md §5.0): the customer's current one as their profile
    // caches it, else the one checkout found. Never the profile's `email`: anyone can type any address
    // there with PUT /v1/me. An erased customer has neither: no profile, and the order lost its address.
    const profile = order?.userId ? await deps.profiles.get(order.userId) : null;
    const to = profile?.verifiedEmail ?? order?.email ?? null;
    if (!order) return { outcome: 'order-not-found' };
    if (!to) return { outcome: 'no-recipient' };
    const rendered = await render(order, notification);
    if (!rendered) return { outcome: 'return-not-found' };
    const { event } = notification;
    const about = 'returnId' in notification ? `${event}-${notification.returnId}` : event;
    try {
      await email.send({
        to,
        ...rendered,
        idempotencyKey: `${orderId}-${about}`,
        tags: {
          'X-Cartwheel-Order': orderId,
          'X-Cartwheel-Event': event,
          ...('returnId' in notification && { 'X-Cartwheel-Return': notification.returnId }),
        },
      });
      return { outcome: 'sent' };
    } catch (error) {
      if (!(error instanceof EmailRejectedError)) throw error;
      return { outcome: 'rejected', reason: error.message };
    }
  }

  return {
    /**
     * Sends the e-mail of one order event once. The event's work record (written by the transition)
     * is the dedupe: a delivery claims it, sends, and deletes it; a delivery that finds it gone acks
     * as a duplicate, one that finds it claimed is retried later. A crash between the send and the
     * delete re-sends once the claim lapses (the file outbox rewrites the same file; SES cannot dedupe).
     * @throws NotificationBusyError while another delivery holds the claim, or the e-mail service's error
     * when the send may be retried
     */
    async notify(orderId: string, notification: Notification): Promise<NotificationOutcome> {
      const work = { orderId, kind: kindOf(notification) };
      const now = clock.now();
      const until = new Date(now.getTime() + deps.claimSeconds * 1000).toISOString();
      const claim = await outbox.claim(work, { now: now.toISOString(), until });
      if (claim === 'done') return { outcome: 'duplicate' };
      if (claim === 'busy')
        throw new NotificationBusyError(`the ${work.kind} e-mail of order ${orderId} is being sent`);

      let outcome: NotificationOutcome;
      try {
        outcome = await sendOnce(orderId, notification);
      } catch (error) {
        // Not sent: the redelivery may have it at once rather than after the claim lapses.
        await outbox.release(work).catch(() => undefined);
        throw error;
      }
      await outbox.complete(work);
      return outcome;
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
