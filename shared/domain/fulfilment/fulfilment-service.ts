import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { Order } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import type { WorkOutbox } from '../orders/order-work';
import { type Carrier, type ShipmentCancellation, ShipmentRejectedError } from './carrier';

export interface FulfilmentServiceDeps {
  orders: Pick<OrderRepository, 'get' | 'transition' | 'recordCarrierShipment'>;
  carrier: Carrier;
  clock: Clock;
  /**
   * A shipment refused for good parks its work record, so reconcile stops sending it again; the
   * cancellation of a paid order's booking completes it.
   */
  work: Pick<WorkOutbox, 'park' | 'complete'>;
  /** The weight the carrier is told for an order whose products have none (grams). */
  defaultParcelGrams: number;
}

/** What handling one fulfilment message did (none of these is an error). */
export type FulfilmentOutcome =
  | { outcome: 'shipped'; carrier: string; trackingNumber: string }
  /** The order is not PAID (already shipped by another delivery, or never paid). */
  | { outcome: 'not-shippable'; status: Order['status'] }
  /**
   * The paid order was cancelled before it shipped, and the carrier was asked to void whatever
   * this or an earlier delivery of the message bought (`not-booked` when nothing was).
   */
  | { outcome: 'booking-cancelled'; cancellation: ShipmentCancellation }
  | { outcome: 'order-not-found' };

/** A racing write that only touched `updatedAt` is retried this often before SQS retries the message. */
const MAX_WRITE_ATTEMPTS = 5;

/** A paid order that was then cancelled: an earlier delivery of its fulfilment message may have booked it. */
const cancelledAfterPayment = (order: Order): boolean =>
  order.status === 'CANCELLED' && order.events.some((event) => event.type === 'PAYMENT_SUCCEEDED');

const isOutcome = (value: Order | FulfilmentOutcome): value is FulfilmentOutcome => 'outcome' in value;

export function createFulfilmentService({ orders, carrier, clock, work, defaultParcelGrams }: FulfilmentServiceDeps) {
  /** A carrier call; a refusal for good parks the order's fulfilment work before it is thrown. */
  async function parkingRefusals<T>(orderId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ShipmentRejectedError) await parkFulfilment(orderId, error);
      throw error;
    }
  }

  const parkFulfilment = (orderId: string, error: ShipmentRejectedError) =>
    work.park({ orderId, kind: 'FULFILMENT' }, { at: clock.now().toISOString(), reason: error.reason });

  /**
   * Voids the label bought for the order, if one was. The cancellation armed the fulfilment record
   * again (workOfTransition); it goes once the carrier has answered, so until then reconcile sends
   * the work again, even if every delivery of the earlier message failed.
   */
  async function cancelBooking(order: Order): Promise<FulfilmentOutcome> {
    const cancellation = order.carrierShipmentId ? await carrier.cancel(order.carrierShipmentId) : 'not-booked';
    await work.complete({ orderId: order.orderId, kind: 'FULFILMENT' });
    return { outcome: 'booking-cancelled', cancellation };
  }

  /** What a fresh read of an order that moved under us means: stop with an outcome, or go on with it. */
  async function reread(orderId: string): Promise<Order | FulfilmentOutcome> {
    const latest = await orders.get(orderId);
    if (!latest) return { outcome: 'order-not-found' };
    if (cancelledAfterPayment(latest)) return cancelBooking(latest);
    if (latest.status !== 'PAID') return { outcome: 'not-shippable', status: latest.status };
    return latest;
  }

  /**
   * The order with its carrier shipment: created once and stored on the order before any label is
   * bought, so every delivery of the message buys the same one. A delivery that loses the race to
   * store its shipment buys the winner's; its own stays unbought, which costs nothing.
   */
  async function withCarrierShipment(paid: Order): Promise<Order | FulfilmentOutcome> {
    if (paid.carrierShipmentId) return paid;
    const { orderId, shippingAddress } = paid;
    if (!shippingAddress) {
      const rejected = new ShipmentRejectedError('undeliverable-address', `order ${orderId} has no shipping address`);
      await parkFulfilment(orderId, rejected);
      throw rejected;
    }
    const { shipmentId } = await parkingRefusals(orderId, () =>
      carrier.createShipment({
        orderId,
        address: shippingAddress,
        weightGrams: paid.parcelWeightGrams || defaultParcelGrams,
      }),
    );
    let order = paid;
    return retryOnConflict<Order | FulfilmentOutcome>(
      async () => {
        const stored = await orders.recordCarrierShipment(order, shipmentId, clock.now().toISOString());
        if (stored) return stored;
        const latest = await reread(orderId);
        if (isOutcome(latest) || latest.carrierShipmentId) return latest;
        order = latest;
        return CONFLICT;
      },
      {
        attempts: MAX_WRITE_ATTEMPTS,
        exhausted: () => {
          throw new Error(`order ${orderId}: storing its carrier shipment kept conflicting`);
        },
      },
    );
  }

  return {
    /**
     * Ships a paid order: its carrier shipment (created once, stored on the order), that
     * shipment's label bought (at most one per shipment, so a redelivered message buys one label),
     * then PAID → SHIPPED with the tracking number, conditional like every transition.
     *
     * A paid order cancelled before that transition (by the customer, the shop, an erasure or a
     * gateway refund) must not ship: the label bought by this delivery or by an earlier one that
     * crashed before the transition is voided with the carrier. The order's status is the trigger,
     * so the cancellation is repeated until it is done: a carrier error is thrown, SQS delivers the
     * message again, and that delivery finds the order CANCELLED and cancels again.
     * @throws ShipmentRejectedError when the carrier refuses the shipment for good (bad address)
     * @throws any other carrier error when the booking or its cancellation may be retried
     */
    async ship(orderId: string): Promise<FulfilmentOutcome> {
      const found = await orders.get(orderId);
      if (!found) return { outcome: 'order-not-found' };
      if (cancelledAfterPayment(found)) return cancelBooking(found);
      if (found.status !== 'PAID') return { outcome: 'not-shippable', status: found.status };
      const prepared = await withCarrierShipment(found);
      if (isOutcome(prepared)) return prepared;
      let order = prepared;
      const shipmentId = order.carrierShipmentId as string;
      const label = await parkingRefusals(orderId, () => carrier.buyLabel(shipmentId));
      return retryOnConflict<FulfilmentOutcome>(
        async () => {
          const moved = await orders.transition({
            order,
            from: 'PAID',
            to: 'SHIPPED',
            event: {
              type: 'SHIPPED',
              at: clock.now().toISOString(),
              detail: `${label.carrier} ${label.trackingNumber}`,
            },
            stock: 'none',
            changes: {
              shipment: {
                carrier: label.carrier,
                trackingNumber: label.trackingNumber,
                trackingUrl: label.trackingUrl,
                status: 'LABEL_CREATED',
                deliveredAt: null,
              },
            },
          });
          if (moved) return { outcome: 'shipped', carrier: label.carrier, trackingNumber: label.trackingNumber };
          const latest = await reread(orderId);
          if (isOutcome(latest)) return latest;
          order = latest;
          return CONFLICT;
        },
        {
          attempts: MAX_WRITE_ATTEMPTS,
          exhausted: () => {
            throw new Error(`order ${orderId}: shipment transition kept conflicting`);
          },
        },
      );
    },
  };
}

export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
