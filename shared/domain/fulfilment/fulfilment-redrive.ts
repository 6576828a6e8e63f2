import { ConflictError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { type Address, type OrderView, toOrderView } from '../orders/order';
import { CheckoutBusyError, OrderNotFoundError } from '../orders/order-errors';
import type { OrderRepository } from '../orders/order-ports';
import { fulfilmentWork } from '../orders/order-work';
import type { WorkDispatcher } from '../orders/work-dispatcher';

/** 409 `FULFILMENT_NOT_PARKED`: the order is not a paid one whose shipment the carrier refused. */
export class FulfilmentNotParkedError extends ConflictError {
  constructor(orderId: string, why: string) {
    super(
      'FULFILMENT_NOT_PARKED',
      `Order ${orderId} ${why}: only a paid order whose shipment was refused is sent again.`,
    );
  }
}

export interface FulfilmentRedriveDeps {
  orders: Pick<OrderRepository, 'get' | 'redriveFulfilment'>;
  dispatcher: Pick<WorkDispatcher, 'dispatch'>;
  clock: Clock;
}

const MAX_ATTEMPTS = 5;

/**
 * The shop's answer to a shipment the carrier refused for good (parked, alarmed): fix what was
 * wrong, usually the address, and send the fulfilment work again. The order stays PAID; the next
 * delivery of the work creates a new carrier shipment for the corrected address.
 */
export function createFulfilmentRedrive({ orders, dispatcher, clock }: FulfilmentRedriveDeps) {
  return {
    /**
     * @throws OrderNotFoundError; FulfilmentNotParkedError when the order is not PAID or its
     * fulfilment is not parked (in flight, or done).
     */
    async redrive(orderId: string, change: { shippingAddress?: Address }): Promise<OrderView> {
      const work = fulfilmentWork(orderId);
      const order = await retryOnConflict(
        async () => {
          const current = await orders.get(orderId);
          if (!current) throw new OrderNotFoundError(orderId);
          if (current.status !== 'PAID') throw new FulfilmentNotParkedError(orderId, `is ${current.status}`);
          const at = clock.now().toISOString();
          const shippingAddress = change.shippingAddress
            ? { ...change.shippingAddress, line2: change.shippingAddress.line2 ?? null }
            : null;
          const event = {
            type: 'SHIPMENT_RETRIED' as const,
            at,
            detail: shippingAddress ? 'by the shop, with a corrected address' : 'by the shop',
          };
          const outcome = await orders.redriveFulfilment({ order: current, shippingAddress, event });
          if (outcome === 'not-parked') throw new FulfilmentNotParkedError(orderId, 'has no refused shipment');
          return outcome === 'redriven' ? current : CONFLICT;
        },
        {
          attempts: MAX_ATTEMPTS,
          exhausted: () => {
            throw new CheckoutBusyError();
          },
        },
      );
      // Sent now; if the send fails, the record is due already and the reconcile job sends it.
      await dispatcher.dispatch([work]);
      return toOrderView((await orders.get(orderId)) ?? order);
    },
  };
}
