import type { Clock } from '../../lib/clock';
import type { Order } from '../orders/order';
import type { OrderRepository } from '../orders/order-ports';
import { type Carrier, ShipmentRejectedError } from './carrier';

export interface FulfilmentServiceDeps {
  orders: Pick<OrderRepository, 'get' | 'transition'>;
  carrier: Carrier;
  clock: Clock;
}

/** What handling one fulfilment message did (none of these is an error). */
export type FulfilmentOutcome =
  | { outcome: 'shipped'; carrier: string; trackingNumber: string }
  /** The order is not PAID (already shipped by another delivery, or cancelled before it could ship). */
  | { outcome: 'not-shippable'; status: Order['status'] }
  /** Booked with the carrier, but the order was cancelled before it could be marked shipped. */
  | { outcome: 'cancelled-after-booking'; carrier: string; trackingNumber: string }
  | { outcome: 'order-not-found' };

/** A racing write that only touched `updatedAt` is retried this often before SQS retries the message. */
const MAX_WRITE_ATTEMPTS = 5;

export function createFulfilmentService({ orders, carrier, clock }: FulfilmentServiceDeps) {
  return {
    /**
     * Ships a paid order: books the shipment with the carrier (the order id is the carrier's
     * idempotency key, so a redelivered message books one shipment), then PAID → SHIPPED with the
     * tracking number, conditional like every transition.
     * @throws ShipmentRejectedError when the carrier refuses the shipment for good (bad address)
     * @throws any other carrier error when the booking may be retried
     */
    async ship(orderId: string): Promise<FulfilmentOutcome> {
      let order = await orders.get(orderId);
      if (!order) return { outcome: 'order-not-found' };
      if (order.status !== 'PAID') return { outcome: 'not-shippable', status: order.status };
      if (!order.shippingAddress)
        throw new ShipmentRejectedError('undeliverable-address', `order ${orderId} has no shipping address`);
      const shipment = await carrier.book({
        orderId,
        idempotencyKey: orderId,
        address: order.shippingAddress,
        items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
      });
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
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
        if (latest.status === 'SHIPPED') return { outcome: 'not-shippable', status: latest.status };
        if (latest.status !== 'PAID') return { outcome: 'cancelled-after-booking', ...shipment };
        order = latest;
      }
      throw new Error(`order ${orderId}: shipment transition kept conflicting`);
    },
  };
}

export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
