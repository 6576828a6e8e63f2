import type { Clock } from '../../lib/clock';
import type { Order } from './order';
import type { OrderRepository } from './order-ports';

export interface ReservationExpiryDeps {
  orders: Pick<OrderRepository, 'listByStatus' | 'get' | 'transition'>;
  clock: Clock;
  /** At most this many pending orders are read per run; the next run continues the work. */
  maxOrdersPerRun: number;
}

export type ExpirySummary = {
  /** Pending orders read. */
  examined: number;
  /** Moved to EXPIRED, their stock released. */
  expired: number;
  /** Past their reservation, but someone else (the payment worker, a cancel) moved them first. */
  skipped: number;
};

const PAGE_SIZE = 100;
/** Retries when only `updatedAt` moved under us (the order is still pending). */
const MAX_WRITE_ATTEMPTS = 5;

export function createReservationExpiry({ orders, clock, maxOrdersPerRun }: ReservationExpiryDeps) {
  /** @returns whether this run moved the order to EXPIRED (false: it had left PENDING_PAYMENT). */
  async function expire(order: Order): Promise<boolean> {
    let current = order;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const moved = await orders.transition({
        order: current,
        from: 'PENDING_PAYMENT',
        to: 'EXPIRED',
        event: { type: 'EXPIRED', at: clock.now().toISOString(), detail: 'reservation expired before payment' },
        stock: 'release',
      });
      if (moved) return true;
      const latest = await orders.get(order.orderId);
      if (latest?.status !== 'PENDING_PAYMENT') return false;
      current = latest;
    }
    throw new Error(`order ${order.orderId}: expiry kept conflicting`);
  }

  return {
    /**
     * Expires every PENDING_PAYMENT order whose reservation has run out (oldest first, at most
     * `maxOrdersPerRun` read): a conditional PENDING_PAYMENT → EXPIRED that releases the stock in the
     * same transaction. An order the payment worker paid first is left alone (counted as skipped).
     */
    async run(): Promise<ExpirySummary> {
      const summary: ExpirySummary = { examined: 0, expired: 0, skipped: 0 };
      const now = clock.now().toISOString();
      let after: Record<string, unknown> | undefined;
      do {
        const limit = Math.min(PAGE_SIZE, maxOrdersPerRun - summary.examined);
        const page = await orders.listByStatus('PENDING_PAYMENT', { limit, after }, { oldestFirst: true });
        for (const order of page.items) {
          summary.examined++;
          // The index is eventually consistent: the conditional write re-checks the status.
          if (order.status !== 'PENDING_PAYMENT' || order.reservationExpiresAt >= now) continue;
          if (await expire(order)) summary.expired++;
          else summary.skipped++;
        }
        after = page.next ?? undefined;
      } while (after && summary.examined < maxOrdersPerRun);
      return summary;
    },
  };
}

export type ReservationExpiry = ReturnType<typeof createReservationExpiry>;
