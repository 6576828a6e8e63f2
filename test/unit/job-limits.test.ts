import type { Order } from '../../shared/domain/orders/order';
import type { OrderRepository, Transition } from '../../shared/domain/orders/order-ports';
import { notificationWork, type Work } from '../../shared/domain/orders/order-work';
import { createReservationExpiry } from '../../shared/domain/orders/reservation-expiry';
import { createWorkReconciler } from '../../shared/domain/orders/work-reconciler';

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

    expect(summary).toEqual({ examined: 2, expired: 1, skipped: 0, deferred: 1, timeLimited: 0 });
    expect(stored.get('ord_quiet')?.status).toBe('EXPIRED');
    expect(stored.get('ord_busy')?.status).toBe('PENDING_PAYMENT');
    expect(writes.filter((id) => id === 'ord_busy')).toHaveLength(5);
    // A pause before every retry, none before the first attempt: 4 for the busy order, none for the quiet one.
    expect(pauses).toHaveLength(4);
    for (const [attempt, ms] of pauses.entries()) expect(ms).toBeLessThanOrEqual(Math.min(500, 20 * 2 ** attempt));
  });
});

describe('jobs stop before their invocation’s time is up and say so', () => {
  it('expire-reservations starts no further order with less than 5 s left', async () => {
    const { repository, stored } = ordersWith([pendingOrder('ord_a'), pendingOrder('ord_b')], new Set());
    let calls = 0;
    const expiry = createReservationExpiry({ orders: repository, clock: { now: () => now }, maxOrdersPerRun: 100 });

    const summary = await expiry.run({ remainingTimeMs: () => (calls++ === 0 ? 60_000 : 4_999) });

    expect(summary).toEqual({ examined: 1, expired: 1, skipped: 0, deferred: 0, timeLimited: 1 });
    expect(stored.get('ord_b')?.status).toBe('PENDING_PAYMENT');
  });

  it('reconcile sends no further chunk with less than 3 s left; the records left stay due', async () => {
    const due = Array.from({ length: 60 }, (_, index) => ({
      ...notificationWork(`ord_${index}`, 'PAID'),
      dueAt: '2026-03-15T11:00:00.000Z',
    }));
    const sent: Work[] = [];
    let calls = 0;
    const reconciler = createWorkReconciler({
      outbox: { due: async () => due },
      dispatcher: { dispatch: async (work) => sent.push(...work) && work.length },
      clock: { now: () => now },
      maxRecordsPerRun: 100,
    });

    const summary = await reconciler.run({ remainingTimeMs: () => (calls++ < 2 ? 60_000 : 2_000) });

    expect(summary).toEqual({ examined: 50, resent: 50, failed: 0, timeLimited: 1 });
    expect(sent).toHaveLength(50);
  });
});
