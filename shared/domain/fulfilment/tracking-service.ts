import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { type Order, type OrderShipment, type ShipmentStatus, shipmentAdvances } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import type { ProcessedWebhookEvents } from '../payments/payment-webhook-service';

/**
 * Tracking updates from the carrier (contract §5.5): a verified webhook event moves the shipment of
 * the order it is about forward, appends the status to the order's events, and `DELIVERED` moves the
 * order SHIPPED → DELIVERED (whose e-mail the transition starts). Every write is a conditional
 * transition, so an update racing another, or the fulfilment worker, applies once.
 */

/** One tracker update, as the webhook route read it from the carrier's event. */
export interface TrackingUpdate {
  /** The carrier's event id (`evt_…`): a redelivery carries the same id. */
  eventId: string;
  /** The carrier shipment whose label the tracker follows (`shp_…`); null for a tracker of no shipment of ours. */
  shipmentId: string | null;
  trackingNumber: string;
  /** The carrier's own status word, for the logs. */
  carrierStatus: string;
  /** What it means for the shipment; null for statuses that say nothing (`unknown`, `error`, ...). */
  status: ShipmentStatus | null;
  /** When the carrier saw it (the tracker's `updated_at`). */
  at: string;
}

export type TrackingOutcome =
  | { outcome: 'applied'; orderId: string; status: ShipmentStatus; delivered: boolean }
  /** Older news than the shipment has (out of order), or a status after the journey ended. */
  | { outcome: 'stale'; orderId: string; current: ShipmentStatus }
  /** A status that says nothing about where the parcel is. */
  | { outcome: 'ignored' }
  /** No order of this shop has that shipment: not ours (another integration of the same account). */
  | { outcome: 'unknown-shipment' }
  /** The order's label was voided (the order was cancelled), or it ships with another shipment. */
  | { outcome: 'not-shipping'; orderId: string; status: Order['status'] };

export type TrackingReceipt = { duplicate: true } | { duplicate: false; outcome: TrackingOutcome };

/**
 * The label is bought but the order does not say SHIPPED yet (the fulfilment worker is between the
 * purchase and its transition): 503, so the carrier delivers the event again shortly.
 */
export class ShipmentNotRecordedError extends AppError {
  constructor(orderId: string) {
    super(503, 'SHIPMENT_NOT_RECORDED', 'Shipment not recorded yet', {
      detail: `The shipment of order ${orderId} is not recorded yet; deliver the event again shortly.`,
      retryAfterSeconds: 5,
    });
  }
}

export interface TrackingServiceDeps {
  orders: Pick<OrderRepository, 'get' | 'transition' | 'orderOfCarrierShipment'>;
  processed: ProcessedWebhookEvents;
  clock: Clock;
}

/** A write that lost a race to another update is retried this often before the event fails (and comes again). */
const MAX_WRITE_ATTEMPTS = 5;

/** The carrier's event ids share the table's webhook store with the payment gateway's: kept apart by a prefix. */
const storedEventId = (eventId: string) => `carrier:${eventId}`;

export function createTrackingService({ orders, processed, clock }: TrackingServiceDeps) {
  /** Moves the order's shipment to `update.status`, or says why not; null when the order moved under us. */
  async function apply(order: Order, update: TrackingUpdate & { status: ShipmentStatus }) {
    const { orderId } = order;
    if (order.status === 'PAID' && !order.shipment) throw new ShipmentNotRecordedError(orderId);
    if (!order.shipment || (order.status !== 'SHIPPED' && order.status !== 'DELIVERED'))
      return { outcome: 'not-shipping', orderId, status: order.status } as const;
    const current = order.shipment.status ?? 'LABEL_CREATED';
    const next = update.status;
    // A label is created before the order ships: that status never moves a shipment.
    if (order.status === 'DELIVERED' || next === 'LABEL_CREATED' || !shipmentAdvances(current, next))
      return { outcome: 'stale', orderId, current } as const;
    const delivered = next === 'DELIVERED';
    const now = clock.now().toISOString();
    const shipment: OrderShipment = {
      ...order.shipment,
      status: next,
      // The carrier's time, but never ahead of ours: it opens the return window.
      deliveredAt: delivered
        ? new Date(Math.min(Date.parse(update.at), Date.parse(now))).toISOString()
        : (order.shipment.deliveredAt ?? null),
    };
    const moved = await orders.transition({
      order,
      from: 'SHIPPED',
      to: delivered ? 'DELIVERED' : 'SHIPPED',
      // The order's own clock, so `updatedAt` never goes back; the carrier's time is in the detail.
      event: {
        type: next,
        at: now,
        detail: `${order.shipment.carrier} ${update.carrierStatus} at ${update.at}`,
      },
      stock: 'none',
      changes: { shipment },
    });
    return moved ? ({ outcome: 'applied', orderId, status: next, delivered } as const) : null;
  }

  return {
    /**
     * Applies a verified tracking update once per event id. The id is remembered after the update
     * was applied (or found to change nothing): applying is idempotent (forward-only, conditional),
     * so a crash in between re-applies harmlessly on redelivery.
     * @throws ShipmentNotRecordedError while the order's SHIPPED transition is still to come.
     */
    async receive(update: TrackingUpdate): Promise<TrackingReceipt> {
      const { status } = update;
      if (status === null) return { duplicate: false, outcome: { outcome: 'ignored' } };
      const eventId = storedEventId(update.eventId);
      if (await processed.seen(eventId)) return { duplicate: true };
      const orderId = update.shipmentId === null ? null : await orders.orderOfCarrierShipment(update.shipmentId);
      const found = orderId === null ? null : await orders.get(orderId);
      if (!found) return { duplicate: false, outcome: { outcome: 'unknown-shipment' } };
      if (found.carrierShipmentId !== update.shipmentId)
        return { duplicate: false, outcome: { outcome: 'not-shipping', orderId: found.orderId, status: found.status } };
      let order = found;
      const outcome = await retryOnConflict<TrackingOutcome>(
        async () => {
          const result = await apply(order, { ...update, status });
          if (result) return result;
          const latest = await orders.get(order.orderId);
          if (!latest) return { outcome: 'unknown-shipment' };
          order = latest;
          return CONFLICT;
        },
        {
          attempts: MAX_WRITE_ATTEMPTS,
          exhausted: () => {
            throw new Error(`order ${order.orderId}: tracking update kept conflicting`);
          },
        },
      );
      const first = await processed.remember({ id: eventId, type: 'tracker.updated', orderId: order.orderId });
      return first ? { duplicate: false, outcome } : { duplicate: true };
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
