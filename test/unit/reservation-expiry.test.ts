import type { Order } from '../../shared/domain/orders/order';
import type { OrderRepository, Transition } from '../../shared/domain/orders/order-ports';
import { createReservationExpiry } from '../../shared/domain/orders/reservation-expiry';

const now = new Date('2026-03-15T12:00:00.000Z');
const pendingOrder = (orderId: string): Order =>
  ({
    orderId,
    status: 'PENDING_PAYMENT',
    reservationExpiresAt: '2026-03-15T11:00:00.000Z',
    updatedAt: '2026-03-15T10:00:00.000Z',
    events: [],
    items: [],
  }) as unknown as Order;

/** Orders in memory; `busy` ones are touched by another writer before every transition (their `updatedAt` moves). */
function ordersWith(orders: Order[], busy: Set<string>) {
  const stored = new Map(orders.map((order) => [order.orderId, order]));
  const writes: string[] = [];
  const repository: Pick<OrderRepository, 'listByStatus' | 'get' | 'transition'> = {
    listByStatus: async () => ({ items: [...stored.values()], next: null }),
    get: async (orderId) => stored.get(orderId) ?? null,
    async transition({ order, to, event }: Transition) {
      writes.push(order.orderId);
      const current = stored.get(order.orderId);
      if (!current) return false;
      if (busy.has(order.orderId)) {
        stored.set(order.orderId, { ...current, updatedAt: `${current.updatedAt}+` });
        return false;
      }
      if (current.updatedAt !== order.updatedAt || current.status !== 'PENDING_PAYMENT') return false;
      stored.set(order.orderId, { ...current, status: to, updatedAt: event.at });
      return true;
    },
  };
  return { repository, stored, writes };
}

describe('reservation expiry', () => {
  it('an order other writes keep moving is left for the next run, after backed-off attempts, and the run goes on', async () => {
    const { repository, stored, writes } = ordersWith(
      [pendingOrder('ord_busy'), pendingOrder('ord_quiet')],
      new Set(['ord_busy']),
    );
    const pauses: number[] = [];
    const expiry = createReservationExpiry({
      orders: repository,
      clock: { now: () => now },
      maxOrdersPerRun: 100,
      pause: async (ms) => void pauses.push(ms),
    });

    const summary = await expiry.run();

    expect(summary).toEqual({ examined: 2, expired: 1, skipped: 0, deferred: 1 });
    expect(stored.get('ord_quiet')?.status).toBe('EXPIRED');
    expect(stored.get('ord_busy')?.status).toBe('PENDING_PAYMENT');
    expect(writes.filter((id) => id === 'ord_busy')).toHaveLength(5);
    // A pause before every retry, none before the first attempt: 4 for the busy order, none for the quiet one.
    expect(pauses).toHaveLength(4);
    for (const [attempt, ms] of pauses.entries()) expect(ms).toBeLessThanOrEqual(Math.min(500, 20 * 2 ** attempt));
  });
});
