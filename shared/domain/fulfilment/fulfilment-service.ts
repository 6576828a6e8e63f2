import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { Order } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import type { WorkOutbox } from '../orders/order-work';
import {
  type Carrier,
  type Shipment,
  type ShipmentCancellation,
  ShipmentRejectedError,
  type ShipmentRequest,
} from './carrier';

export interface FulfilmentServiceDeps {
  orders: Pick<OrderRepository, 'get' | 'transition'>;
  carrier: Carrier;
  clock: Clock;
  /**
   * A shipment refused for good parks its work record, so reconcile stops sending it again; the
   * cancellation of a paid order's booking completes it.
   */
  work: Pick<WorkOutbox, 'park' | 'complete'>;
}

/** What handling one fulfilment message did (none of these is an error). */
export type FulfilmentOutcome =
  | { outcome: 'shipped'; carrier: string; trackingNumber: string }
  /** The order is not PAID (already shipped by another delivery, or never paid). */
  | { outcome: 'not-shippable'; status: Order['status'] }
  /**
   * The paid order was cancelled before it shipped, and the carrier was asked to cancel whatever
   * this or an earlier delivery of the message booked (`not-booked` when nothing was).
   */
  | { outcome: 'booking-cancelled'; cancellation: ShipmentCancellation }
  | { outcome: 'order-not-found' };

/** A racing write that only touched `updatedAt` is retried this often before SQS retries the message. */
const MAX_WRITE_ATTEMPTS = 5;

/** A paid order that was then cancelled: an earlier delivery of its fulfilment message may have booked it. */
const cancelledAfterPayment = (order: Order): boolean =>
  order.status === 'CANCELLED' && order.events.some((event) => event.type === 'PAYMENT_SUCCEEDED');

export function createFulfilmentService({ orders, carrier, clock, work }: FulfilmentServiceDeps) {
  /** The carrier's booking; a refusal for good parks the order's fulfilment work before it is thrown. */
  async function book(request: ShipmentRequest): Promise<Shipment> {
    try {
      return await carrier.book(request);
    } catch (error) {
      if (error instanceof ShipmentRejectedError) await parkFulfilment(request.orderId, error);
      throw error;
    }
  }

  const parkFulfilment = (orderId: string, error: ShipmentRejectedError) =>
    work.park({ orderId, kind: 'FULFILMENT' }, { at: clock.now().toISOString(), reason: error.reason });

  /**
   * The order id is the carrier's idempotency key: one booking per order, however often the message
   * comes. The cancellation armed the fulfilment record again (workOfTransition); it goes once the
   * carrier has answered, so until then reconcile sends the work again, even if every delivery of
   * the earlier message failed.
   */
  async function cancelBooking(orderId: string): Promise<FulfilmentOutcome> {
    const cancellation = await carrier.cancel({ orderId, idempotencyKey: orderId });
    await work.complete({ orderId, kind: 'FULFILMENT' });
    return { outcome: 'booking-cancelled', cancellation };
  }

  return {
    /**
     * Ships a paid order: books the shipment with the carrier (the order id is the carrier's
     * idempotency key, so a redelivered message books one shipment), then PAID → SHIPPED with the
     * tracking number, conditional like every transition.
     *
     * A paid order cancelled before that transition (by the customer, the shop, an erasure or a
     * gateway refund) must not ship: its booking, made by this delivery or by an earlier one that
     * crashed before the transition, is cancelled with the carrier. The order's status is the
     * trigger, so the cancellation is repeated until it is done: a carrier error is thrown, SQS
     * delivers the message again, and that delivery finds the order CANCELLED and cancels again.
     * @throws ShipmentRejectedError when the carrier refuses the shipment for good (bad address)
     * @throws any other carrier error when the booking or its cancellation may be retried
     */
    async ship(orderId: string): Promise<FulfilmentOutcome> {
      const found = await orders.get(orderId);
      if (!found) return { outcome: 'order-not-found' };
      let order: Order = found;
      if (cancelledAfterPayment(order)) return cancelBooking(orderId);
      if (order.status !== 'PAID') return { outcome: 'not-shippable', status: order.status };
      if (!order.shippingAddress) {
        const rejected = new ShipmentRejectedError('undeliverable-address', `order ${orderId} has no shipping address`);
        await parkFulfilment(orderId, rejected);
        throw rejected;
      }
      const shipment = await book({
        orderId,
        idempotencyKey: orderId,
        address: order.shippingAddress,
        items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
      });
      return retryOnConflict<FulfilmentOutcome>(
        async () => {
          const moved = await orders.transition({
            order,
            from: 'PAID',
            to: 'SHIPPED',
            event: {
              type: 'SHIPPED',
              at: clock.now().toISOString(),
              detail: `${shipment.carrier} ${shipment.trackingNumber}`,
            },
            stock: 'none',
            changes: { shipment: { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber } },
          });
          if (moved) return { outcome: 'shipped', ...shipment };
          const latest = await orders.get(orderId);
          if (!latest) return { outcome: 'order-not-found' };
          if (cancelledAfterPayment(latest)) return cancelBooking(orderId);
          if (latest.status !== 'PAID') return { outcome: 'not-shippable', status: latest.status };
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
