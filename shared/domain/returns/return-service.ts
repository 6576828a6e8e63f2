import { ConflictError, NotFoundError } from '../../errors';
import type { Clock, IdGenerator } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { Order } from '../orders/order';
import { CheckoutBusyError, OrderNotFoundError } from '../orders/order-errors';
import type { OrderRepository } from '../orders/order-ports';
import { type Viewer, visibleOrder } from '../orders/order-queries';
import type { ListResult } from '../pagination';
import {
  type OrderReturn,
  type ReturnedQuantities,
  type ReturnStatus,
  type ReturnView,
  returnRefund,
  toReturnView,
} from './return';
import type { ReturnRepository } from './return-ports';

/** 409 `RETURN_NOT_ALLOWED`: the order or the return does not allow it now; `detail` says why. */
export class ReturnNotAllowedError extends ConflictError {
  constructor(detail: string) {
    super('RETURN_NOT_ALLOWED', detail);
  }
}

export class ReturnNotFoundError extends NotFoundError {
  constructor(returnId: string) {
    super('RETURN_NOT_FOUND', `No return ${returnId}.`);
  }
}

export interface ReturnRequestInput {
  items: Array<{ sku: string; quantity: number }>;
  reason: string;
}

export interface ReturnServiceDeps {
  orders: Pick<OrderRepository, 'get'>;
  returns: ReturnRepository;
  clock: Clock;
  ids: IdGenerator;
  cursors: CursorCodec;
  /** How long after delivery (after shipment when no delivery is known) a return may be requested. */
  returnWindowDays: number;
}

/** A change lost a race with another change of the same order: tried again this often, then 503. */
const MAX_ATTEMPTS = 5;

/** When the return window opened: the delivery, or the shipment when the carrier never said. */
function windowStart(order: Order): string | undefined {
  if (order.shipment?.deliveredAt) return order.shipment.deliveredAt;
  return order.events.find((event) => event.type === 'SHIPPED')?.at;
}

const withoutRejected = (returned: ReturnedQuantities, ret: OrderReturn): ReturnedQuantities => {
  const kept = { ...returned };
  for (const { sku, quantity } of ret.items) kept[sku] = Math.max(0, (kept[sku] ?? 0) - quantity);
  return kept;
};

export function createReturnService(deps: ReturnServiceDeps) {
  const { orders, returns, clock } = deps;
  const now = () => clock.now().toISOString();
  const busy = () => {
    throw new CheckoutBusyError();
  };

  /** Why the order takes no return of these units now, or undefined when it does. */
  function refusal(order: Order, input: ReturnRequestInput): string | undefined {
    if (order.status !== 'SHIPPED' && order.status !== 'DELIVERED')
      return `Order ${order.orderId} is ${order.status}: only shipped or delivered orders take returns.`;
    if (order.payment.status === 'REFUNDED') return `Order ${order.orderId} was refunded in full already.`;
    const opened = windowStart(order);
    const closes = opened && Date.parse(opened) + deps.returnWindowDays * 24 * 3600 * 1000;
    if (!closes || Date.parse(now()) > closes)
      return `The return window of order ${order.orderId} (${deps.returnWindowDays} days from delivery) has closed.`;
    const returned = order.returnedQuantities ?? {};
    for (const { sku, quantity } of input.items) {
      const line = order.items.find((candidate) => candidate.sku === sku);
      if (!line) return `Order ${order.orderId} has no line ${sku}.`;
      const left = line.quantity - (returned[sku] ?? 0);
      if (quantity > left)
        return `Only ${left} of ${sku} can still be returned (${line.quantity} bought, ${returned[sku] ?? 0} in returns).`;
    }
    return undefined;
  }

  /** The return and its order, for an admin's change: the return must exist, and so must its order. */
  async function returnAndOrder(returnId: string) {
    const ret = await returns.get(returnId);
    if (!ret) throw new ReturnNotFoundError(returnId);
    const order = await orders.get(ret.orderId);
    if (!order) throw new ReturnNotFoundError(returnId);
    return { ret, order };
  }

  return {
    /**
     * A customer's return of some units of their shipped or delivered order, within the return
     * window, for at most what was bought minus what earlier returns (not rejected) take back. The
     * refund is priced now, from what the customer paid (`returnRefund`). One transaction with the
     * order, conditional on its version, so two requests at once cannot both take the last units.
     * @throws OrderNotFoundError for an order that is not theirs; ReturnNotAllowedError otherwise.
     */
    async request(orderId: string, viewer: Viewer, input: ReturnRequestInput): Promise<ReturnView> {
      return retryOnConflict(
        async () => {
          const order = await visibleOrder(orders, orderId, viewer);
          // The owner's own act: an admin returns the units of their own orders only.
          if (order.userId !== viewer.sub) throw new OrderNotFoundError(orderId);
          const why = refusal(order, input);
          if (why) throw new ReturnNotAllowedError(why);
          const earlier = order.returnedQuantities ?? {};
          const priced = returnRefund(order, earlier, input.items);
          const at = now();
          const ret: OrderReturn = {
            returnId: deps.ids.next('ret'),
            orderId,
            userId: order.userId,
            status: 'REQUESTED',
            items: priced.items,
            // What it will refund if the returns before it are received as they stand; fixed when it is received.
            refundAmount: priced.refundAmount,
            reason: input.reason,
            createdAt: at,
            updatedAt: at,
          };
          const returned = { ...earlier };
          for (const { sku, quantity } of input.items) returned[sku] = (returned[sku] ?? 0) + quantity;
          const event = {
            type: 'RETURN_REQUESTED' as const,
            at,
            detail: `${ret.returnId}: ${input.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ')}`,
          };
          return (await returns.request({ order, ret, returned, event })) ? toReturnView(ret) : CONFLICT;
        },
        { attempts: MAX_ATTEMPTS, exhausted: busy },
      );
    },

    /** The order's returns (its customer, or an admin). */
    async listOfOrder(orderId: string, viewer: Viewer): Promise<{ items: ReturnView[] }> {
      await visibleOrder(orders, orderId, viewer);
      return { items: (await returns.listOfOrder(orderId)).map(toReturnView) };
    },

    /** The shop's returns of one status, oldest first. */
    async listByStatus(status: ReturnStatus, limit: number, cursor?: string): Promise<ListResult<ReturnView>> {
      const scope = `returns:${status}`;
      const page = await returns.listByStatus(status, {
        limit,
        after: cursor ? await deps.cursors.decode(cursor, scope) : undefined,
      });
      return {
        items: page.items.map(toReturnView),
        nextCursor: page.next ? await deps.cursors.encode(page.next, scope) : null,
      };
    },

    /**
     * The goods arrived: REQUESTED → RECEIVED, the units back on hand, and the refund's work record,
     * in one transaction; the payment worker then makes the refund. A return already received (or
     * refunded) is answered as it is: two receives at once make one refund.
     */
    async receive(returnId: string): Promise<ReturnView> {
      return retryOnConflict(
        async () => {
          const { ret, order } = await returnAndOrder(returnId);
          if (ret.status === 'RECEIVED' || ret.status === 'REFUNDED') return toReturnView(ret);
          if (ret.status !== 'REQUESTED') throw new ReturnNotAllowedError(`Return ${returnId} is ${ret.status}.`);
          const at = now();
          // Priced again against what the shop has received so far: a return rejected or received out of
          // turn since the request changes what this one completes (its shipping, its rounding), and
          // the received returns' refunds together are then what is owed for them, never more.
          const earlier = order.receivedQuantities ?? {};
          const priced = returnRefund(order, earlier, ret.items);
          const receivedQuantities = { ...earlier };
          for (const { sku, quantity } of ret.items)
            receivedQuantities[sku] = (receivedQuantities[sku] ?? 0) + quantity;
          const received: OrderReturn = { ...ret, ...priced, status: 'RECEIVED', updatedAt: at };
          const event = { type: 'RETURN_RECEIVED' as const, at, detail: returnId };
          return (await returns.receive({ order, ret: received, receivedQuantities, event }))
            ? toReturnView(received)
            : CONFLICT;
        },
        { attempts: MAX_ATTEMPTS, exhausted: busy },
      );
    },

    /** The shop refuses the return: REQUESTED → REJECTED, its units count as kept again (they may be returned anew). */
    async reject(returnId: string): Promise<ReturnView> {
      return retryOnConflict(
        async () => {
          const { ret, order } = await returnAndOrder(returnId);
          if (ret.status === 'REJECTED') return toReturnView(ret);
          if (ret.status !== 'REQUESTED') throw new ReturnNotAllowedError(`Return ${returnId} is ${ret.status}.`);
          const at = now();
          const rejected: OrderReturn = { ...ret, status: 'REJECTED', updatedAt: at };
          const returned = withoutRejected(order.returnedQuantities ?? {}, ret);
          const event = { type: 'RETURN_REJECTED' as const, at, detail: returnId };
          return (await returns.reject({ order, ret: rejected, returned, event })) ? toReturnView(rejected) : CONFLICT;
        },
        { attempts: MAX_ATTEMPTS, exhausted: busy },
      );
    },
  };
}

export type ReturnService = ReturnType<typeof createReturnService>;
