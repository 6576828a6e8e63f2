import type { CursorCodec } from '../../lib/cursor-codec';
import type { ListResult } from '../pagination';
import { type Order, type OrderStatus, type OrderView, toOrderView } from './order';
import { OrderNotFoundError } from './order-errors';
import type { OrderRepository } from './order-ports';
import { listAllStatuses } from './order-status-merge';

/** Who looks at an order: a customer sees their own, an administrator every one. */
export interface Viewer {
  sub: string;
  isAdmin: boolean;
}

export interface OrderQueriesDeps {
  /** Reads only: the read routes need no work dispatch (nor the queues it sends to). */
  orders: Pick<OrderRepository, 'get' | 'listByCustomer' | 'listByStatus' | 'statusPosition'>;
  cursors: CursorCodec;
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;

/** Finds an order the viewer may see; anyone else's is "not found", never "forbidden". */
export async function visibleOrder(
  orders: Pick<OrderRepository, 'get'>,
  orderId: string,
  viewer: Viewer,
): Promise<Order> {
  const order = await orders.get(orderId);
  if (!order || (!viewer.isAdmin && order.userId !== viewer.sub)) throw new OrderNotFoundError(orderId);
  return order;
}

/** The order reads of the API: one order, a customer's orders, and the shop's orders by status. */
export function createOrderQueries({ orders, cursors }: OrderQueriesDeps) {
  return {
    /** One order with its timeline; another customer's is 404. */
    async get(orderId: string, viewer: Viewer): Promise<OrderView> {
      return toOrderView(await visibleOrder(orders, orderId, viewer));
    },

    /** The customer's own orders, newest first. */
    async listMine(sub: string, limit: number, cursor?: string): Promise<ListResult<OrderView>> {
      const scope = `orders:${sub}`;
      const page = await orders.listByCustomer(sub, {
        limit,
        after: cursor ? await cursors.decode(cursor, scope) : undefined,
      });
      return {
        items: page.items.map((order) => toOrderView(order, { withEvents: false })),
        nextCursor: page.next ? await cursors.encode(page.next, scope) : null,
      };
    },

    /** Every order of one status (or of all), newest first: for administrators. */
    async listByStatus(
      status: OrderStatus | undefined,
      limit: number,
      cursor?: string,
    ): Promise<ListResult<OrderView>> {
      const scope = `admin-orders:${status ?? '*'}`;
      const after = cursor ? await cursors.decode(cursor, scope) : undefined;
      const page = status
        ? await orders.listByStatus(status, { limit, after })
        : await listAllStatuses(orders, { limit, after });
      return {
        items: page.items.map((order) => toOrderView(order, { withEvents: false })),
        nextCursor: page.next ? await cursors.encode(page.next, scope) : null,
      };
    },
  };
}
