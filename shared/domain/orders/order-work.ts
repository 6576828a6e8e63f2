import { type LedgerEntry, refundEntry, saleEntry } from '../reports/sales-ledger';
import type { Order, OrderStatus } from './order';
import type { Transition } from './order-ports';

/**
 * Follow-up work of an order (the transactional outbox). Every piece of slow work an order change
 * starts — charge it, refund it, ship it, e-mail the customer — is written as a work record in the
 * same transaction as the change; the table's stream hands each new record to its queue (the
 * work-forwarder function). The record stays until the work is done: the transition that completes
 * it deletes it (or, for e-mails, the notification worker does), so the reconcile job can re-send
 * work whose message was lost.
 */
export const NOTIFIED_EVENTS = ['PAID', 'PAYMENT_FAILED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;
export type NotifiedEvent = (typeof NOTIFIED_EVENTS)[number];

/** The e-mails about a return: one per return and step, since an order can have several returns. */
export const RETURN_NOTIFIED_EVENTS = [
  'RETURN_REQUESTED',
  'RETURN_RECEIVED',
  'RETURN_REJECTED',
  'RETURN_REFUNDED',
] as const;
export type ReturnNotifiedEvent = (typeof RETURN_NOTIFIED_EVENTS)[number];

/**
 * `REFUND` gives a cancelled order's payment back, `REFUND_<returnId>` a return's share of it;
 * `NOTIFY_<event>` is an order's e-mail, `NOTIFY_<event>_<returnId>` a return's.
 */
export type WorkKind =
  | 'PAYMENT'
  | 'REFUND'
  | `REFUND_${string}`
  | 'FULFILMENT'
  | `NOTIFY_${NotifiedEvent}`
  | `NOTIFY_${ReturnNotifiedEvent}_${string}`;

/** The queues work goes to (one worker each). */
export type WorkQueueName = 'payment' | 'fulfilment' | 'notification';

/** The messages on the queues: the message is all a worker needs to find and re-check the order. */
export type WorkMessage =
  | { type: 'PAYMENT_REQUESTED'; orderId: string; paymentToken: string; amount: number; currency: string }
  /** With `paymentIntentId`: a charge that arrived after the order closed unpaid, to be sent back. */
  | { type: 'REFUND_REQUESTED'; orderId: string; paymentIntentId?: string; returnId?: string }
  | { type: 'FULFILMENT_REQUESTED'; orderId: string }
  | { type: 'NOTIFICATION_REQUESTED'; orderId: string; event: NotifiedEvent }
  | { type: 'NOTIFICATION_REQUESTED'; orderId: string; event: ReturnNotifiedEvent; returnId: string };

export interface Work {
  orderId: string;
  kind: WorkKind;
  queue: WorkQueueName;
  message: WorkMessage;
  /** The trace the work belongs to, as its record stored it (for a re-send to carry on). */
  trace?: WorkTrace;
}

/**
 * The trace of the request that started an order's work: its correlation id, and the X-Ray header
 * that links the worker's trace to it (opaque here; shared/trace-context.ts).
 */
export interface WorkTrace {
  correlationId: string;
  traceHeader?: string;
}

export const paymentWork = (order: Pick<Order, 'orderId' | 'total' | 'currency'>, paymentToken: string): Work => ({
  orderId: order.orderId,
  kind: 'PAYMENT',
  queue: 'payment',
  message: {
    type: 'PAYMENT_REQUESTED',
    orderId: order.orderId,
    paymentToken,
    amount: order.total,
    currency: order.currency,
  },
});

export const notificationWork = (orderId: string, event: NotifiedEvent): Work => ({
  orderId,
  kind: `NOTIFY_${event}`,
  queue: 'notification',
  message: { type: 'NOTIFICATION_REQUESTED', orderId, event },
});

/**
 * The refund of an order's payment (a paid order cancelled), or with `lateCharge` of a charge that
 * succeeded after its order had closed unpaid (expired, cancelled, failed): that one is recorded
 * before the refund is asked for, so a refund that fails is retried from the outbox even though the
 * payment message is done. Recording the refund (REFUNDED) completes either.
 */
export const refundWork = (orderId: string, lateCharge?: string): Work => ({
  orderId,
  kind: 'REFUND',
  queue: 'payment',
  message: { type: 'REFUND_REQUESTED', orderId, ...(lateCharge === undefined ? {} : { paymentIntentId: lateCharge }) },
});

/** The e-mail about one step of a return. */
export const returnNotificationWork = (orderId: string, returnId: string, event: ReturnNotifiedEvent): Work => ({
  orderId,
  kind: `NOTIFY_${event}_${returnId}`,
  queue: 'notification',
  message: { type: 'NOTIFICATION_REQUESTED', orderId, event, returnId },
});

/**
 * The refund of a received return: the same work, queue and worker as an order's refund (one refund
 * path), one record per return, since an order can have several.
 */
export const returnRefundWork = (orderId: string, returnId: string): Work => ({
  orderId,
  kind: `REFUND_${returnId}`,
  queue: 'payment',
  message: { type: 'REFUND_REQUESTED', orderId, returnId },
});

export const fulfilmentWork = (orderId: string): Work => ({
  orderId,
  kind: 'FULFILMENT',
  queue: 'fulfilment',
  message: { type: 'FULFILMENT_REQUESTED', orderId },
});

/**
 * The work as part of the order's own trace (the request that placed it), for work written outside
 * an order transition: the adapters stamp a transition's work in the order's trace themselves.
 */
export const inTraceOf = (order: Pick<Order, 'correlationId'>, work: Work): Work =>
  order.correlationId === undefined ? work : { ...work, trace: { correlationId: order.correlationId } };

/** A queue of follow-up work (SQS in AWS and locally). */
export interface WorkQueue {
  /** With `trace`: the work's own; otherwise the message belongs to the current one. */
  send(message: WorkMessage, trace?: WorkTrace): Promise<void>;
}

/** A work record that is due: handed to its queue long enough ago to be lost, its work still not done. */
export interface DueWork extends Work {
  dueAt: string;
}

/** The durable work records of orders (written by the order transactions, see order-work.ts). */
export interface WorkOutbox {
  /**
   * Records work that no order transition starts (a late charge's refund), due at `dueAt`. A record
   * already there is kept as it is (an earlier delivery recorded the same work).
   */
  add(work: Work, at: { createdAt: string; dueAt: string }): Promise<void>;
  /** Records due before `dueBefore`, oldest first, at most `limit`. */
  due(query: { dueBefore: string; limit: number }): Promise<DueWork[]>;
  /**
   * The record's message was handed to its queue: it comes due again (as lost) at `nextDueAt` unless
   * the work is done by then. A record already done (deleted) is not brought back.
   */
  sent(work: WorkRef, nextDueAt: string): Promise<void>;
  /**
   * Takes the record for one delivery until `until` (work with no state of its own to guard it, such
   * as an e-mail): `done` when the record is gone (the work was done), `busy` while another delivery holds it.
   */
  claim(work: WorkRef, lease: { now: string; until: string }): Promise<'claimed' | 'done' | 'busy'>;
  /** Gives a claim up (the delivery failed before doing the work), so the next delivery may claim it at once. */
  release(work: WorkRef): Promise<void>;
  /** The work is done: the record goes. */
  complete(work: WorkRef): Promise<void>;
  /**
   * The work cannot be done (a shipment the carrier refused for good): the record stays, with why
   * and when, but never comes due again, so reconcile stops sending it. Nothing when it is gone.
   */
  park(work: WorkRef, parked: { at: string; reason: string }): Promise<void>;
}

export type WorkRef = Pick<Work, 'orderId' | 'kind'>;

const isNotified = (status: OrderStatus): status is NotifiedEvent =>
  (NOTIFIED_EVENTS as readonly string[]).includes(status);

/**
 * The work a transition starts and the work it completes, written in its transaction.
 * - leaving PENDING_PAYMENT completes the payment (whoever moved the order: worker, expiry, cancel);
 * - PAID starts fulfilment; a paid order cancelled starts its refund and arms its fulfilment again
 *   (to cancel any booking; the fulfilment worker completes it);
 * - SHIPPED completes fulfilment; recording a refund (REFUNDED, status unchanged) completes the refund;
 * - every status the customer hears about starts one e-mail.
 */
export function workOfTransition({ order, from, to, event, changes }: Transition): {
  starts: Work[];
  completes: WorkKind[];
} {
  const { orderId } = order;
  const starts: Work[] = [];
  const completes: WorkKind[] = [];
  if (from === to) {
    if (event.type === 'REFUNDED') completes.push('REFUND');
    return { starts, completes };
  }
  if (from === 'PENDING_PAYMENT') completes.push('PAYMENT');
  if (to === 'PAID') starts.push(fulfilmentWork(orderId));
  if (from === 'PAID' && to === 'CANCELLED') {
    // An earlier delivery of the fulfilment message may have booked a shipment, and that message
    // may be gone (in the dead-letter queue): the fulfilment record is armed again, so the worker
    // (sent by reconcile if need be) cancels the booking with the carrier and only then completes it.
    starts.push(fulfilmentWork(orderId));
    // A cancellation asks for the refund (REFUND_PENDING); one that follows a refund made at the
    // gateway itself (charge.refunded) does not.
    if (order.payment.paymentIntentId && changes?.payment?.status === 'REFUND_PENDING')
      starts.push(refundWork(orderId));
  }
  if (to === 'SHIPPED') completes.push('FULFILMENT');
  if (isNotified(to)) starts.push(notificationWork(orderId, to));
  return { starts, completes };
}

/**
 * The sales-ledger entry a transition records in its transaction (the daily report reads the
 * ledger): a sale when the order is paid, a refund when the refund of the order's payment is
 * recorded (asked for by a cancellation, or made at the gateway: REFUND_PENDING or SUCCEEDED before).
 * A charge that arrived after the order closed and went straight back was never a sale, so its
 * refund is not counted either.
 */
export function ledgerOfTransition({ order, to, event }: Transition): LedgerEntry | null {
  if (to === 'PAID' && order.status !== 'PAID') return saleEntry(order, event.at);
  const wasSale = order.payment.status === 'REFUND_PENDING' || order.payment.status === 'SUCCEEDED';
  if (event.type === 'REFUNDED' && wasSale) return refundEntry(order, event.at);
  return null;
}
