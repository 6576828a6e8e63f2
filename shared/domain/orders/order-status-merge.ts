import type { Page, PageRequest } from '../pagination';
import { ORDER_STATUSES, type Order, type OrderStatus } from './order';
import type { OrderRepository } from './order-ports';

/** Per status: where its list continues, `null` for "from the start", or `'done'`. */
type Positions = Partial<Record<OrderStatus, Record<string, unknown> | null | 'done'>>;

const newestFirst = (a: Order, b: Order) => `${b.createdAt}#${b.orderId}`.localeCompare(`${a.createdAt}#${a.orderId}`);

/**
 * Orders of every status, newest first: a k-way merge of the per-status lists (each newest
 * first), with a cursor that remembers where each list stands.
 */
export async function listAllStatuses(
  orders: Pick<OrderRepository, 'listByStatus' | 'statusPosition'>,
  { limit, after }: PageRequest,
): Promise<Page<Order>> {
  const positions: Positions = { ...((after?.positions as Positions | undefined) ?? {}) };
  const pages = await Promise.all(
    ORDER_STATUSES.filter((status) => positions[status] !== 'done').map(async (status) => {
      const position = positions[status];
      const page = await orders.listByStatus(status, {
        limit,
        after: position && position !== 'done' ? position : undefined,
      });
      return { status, ...page };
    }),
  );
  const taken = pages
    .flatMap((page) => page.items)
    .sort(newestFirst)
    .slice(0, limit);
  const emittedIds = new Set(taken.map((order) => order.orderId));
  for (const page of pages) {
    const emitted = page.items.filter((order) => emittedIds.has(order.orderId));
    const last = emitted.at(-1);
    if (emitted.length === page.items.length && page.next === null) positions[page.status] = 'done';
    else if (last) positions[page.status] = orders.statusPosition(last);
    else positions[page.status] ??= null;
  }
  const finished = ORDER_STATUSES.every((status) => positions[status] === 'done');
  return { items: taken, next: finished ? null : { positions } };
}
