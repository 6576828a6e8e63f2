import { sleep } from '../../lib/backoff';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { Order } from './order';
import type { OrderRepository } from './order-ports';

export interface ReservationExpiryDeps {
  orders: Pick<OrderRepository, 'listByStatus' | 'get' | 'transition'>;
  clock: Clock;
  /** At most this many pending orders are read per run; the next run continues the work. */
  maxOrdersPerRun: number;
  /** Waits between two conflicting writes of one order (default: a real sleep). */
  pause?: (ms: number) => Promise<void>;
}

export type ExpirySummary = {
  /** Pending orders read. */
  examined: number;
  /** Moved to EXPIRED, their stock released. */
  expired: number;
  /** Past their reservation, but someone else (the payment worker, a cancel) moved them first. */
  skipped: number;
  /** Past their reservation, but still being written by others after every attempt: left for the next run. */
  deferred: number;
  /** 1 when the run stopped because its invocation's time ran short; the next run continues. */
  timeLimited: number;
};

/** No further order is started with less time than this left: one expiry, retries included, fits in it. */
const STOP_MARGIN_MS = 5000;
const UNBOUNDED = { remainingTimeMs: () => Number.POSITIVE_INFINITY };

const PAGE_SIZE = 100;
/** Retries when only `updatedAt` moved under us (the order is still pending). */
const MAX_WRITE_ATTEMPTS = 5;

export function createReservationExpiry({ orders, clock, maxOrdersPerRun, pause = sleep }: ReservationExpiryDeps) {
  /**
   * `expired` when this run moved the order to EXPIRED, `skipped` when it had left PENDING_PAYMENT,
   * `deferred` when other writes kept moving it: one busy order must not stop the others' expiry.
   */
  async function expire(order: Order): Promise<'expired' | 'skipped' | 'deferred'> {
    let current = order;
    return retryOnConflict(
      async () => {
        const moved = await orders.transition({
          order: current,
          from: 'PENDING_PAYMENT',
          to: 'EXPIRED',
          event: { type: 'EXPIRED', at: clock.now().toISOString(), detail: 'reservation expired before payment' },
          stock: 'release',
        });
        if (moved) return 'expired';
        const latest = await orders.get(order.orderId);
        if (latest?.status !== 'PENDING_PAYMENT') return 'skipped';
        current = latest;
        return CONFLICT;
      },
      { attempts: MAX_WRITE_ATTEMPTS, backoff: { baseMs: 20, capMs: 500 }, pause, exhausted: () => 'deferred' },
    );
  }

  return {
    /**
     * Expires every PENDING_PAYMENT order whose reservation has run out (oldest first, at most
     * `maxOrdersPerRun` read): a conditional PENDING_PAYMENT → EXPIRED that releases the stock in the
     * same transaction. An order the payment worker paid first is left alone (counted as skipped).
     * Stops in time when the invocation's time runs short (the next run continues).
     */
    async run(context: { remainingTimeMs(): number } = UNBOUNDED): Promise<ExpirySummary> {
      const summary: ExpirySummary = { examined: 0, expired: 0, skipped: 0, deferred: 0, timeLimited: 0 };
      const now = clock.now().toISOString();
      let after: Record<string, unknown> | undefined;
      do {
        const limit = Math.min(PAGE_SIZE, maxOrdersPerRun - summary.examined);
        const page = await orders.listByStatus('PENDING_PAYMENT', { limit, after }, { oldestFirst: true });
        for (const order of page.items) {
          if (context.remainingTimeMs() < STOP_MARGIN_MS) {
            summary.timeLimited = 1;
            return summary;
          }
          summary.examined++;
          // The index is eventually consistent: the conditional write re-checks the status.
          if (order.status !== 'PENDING_PAYMENT' || order.reservationExpiresAt >= now) continue;
          summary[await expire(order)]++;
        }
        after = page.next ?? undefined;
      } while (after && summary.examined < maxOrdersPerRun);
      return summary;
    },
  };
}

export type ReservationExpiry = ReturnType<typeof createReservationExpiry>;
