import { ServiceUnavailableError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { CartRepository } from '../cart/cart-ports';
import type { StoredResponse } from '../idempotency/idempotency';
import { canTransition, type Order } from '../orders/order';
import { OrderNotCancellableError, OrderNotFoundError } from '../orders/order-errors';
import type { OrderRepository } from '../orders/order-ports';
import type { OrderService } from '../orders/order-service';
import type {
  ErasureLog,
  ErasureQueue,
  ErasureRequest,
  IdempotencyRecordEraser,
  OrderAnonymiser,
} from './erasure-ports';
import type { ProfileRepository } from './profile-ports';

/** Orders read (and erased, in parallel) per page of the customer's orders index. */
const DEFAULT_PAGE_SIZE = 25;
/** Rounds of read → cancel or anonymise → re-read for one order before the message is retried. */
const MAX_ORDER_ATTEMPTS = 6;

/**
 * A checkout of the customer that began before they asked to be erased is still running: its order
 * may commit after we looked. Thrown before anything is changed, so the message comes back after the
 * queue's visibility timeout (6 min), by when the claim has completed or lapsed (60 s at most).
 */
export class CheckoutStillRunningError extends Error {
  constructor(readonly running: number) {
    super(`${running} checkout(s) of the customer begun before the request still running; the erasure waits for them`);
    this.name = 'CheckoutStillRunningError';
  }
}

/** The order a stored checkout response placed: a 201's body is the order (docs/contract.md §3). */
function orderPlacedBy(response: StoredResponse): string | undefined {
  if (response.statusCode !== 201) return undefined;
  try {
    const body = JSON.parse(response.body) as { orderId?: unknown };
    return typeof body.orderId === 'string' ? body.orderId : undefined;
  } catch {
    return undefined;
  }
}

/** What `DELETE /v1/me` answers (202): the erasure is queued, not done. */
export interface ErasureReceipt {
  status: 'ERASURE_REQUESTED';
  requestedAt: string;
}

export interface ErasureRequesterDeps {
  queue: ErasureQueue;
  clock: Clock;
}

/** The request side, kept apart so the HTTP function does not bundle the worker's dependencies. */
export function createErasureRequester({ queue, clock }: ErasureRequesterDeps) {
  return {
    /**
     * Queues the erasure of the customer `sub`. Nothing is changed here: the worker does the work.
     * @throws ServiceUnavailableError (503) when the message could not be queued, so the client retries.
     */
    async request(sub: string): Promise<ErasureReceipt> {
      const requestedAt = clock.now().toISOString();
      try {
        await queue.send({ sub, requestedAt });
      } catch (error) {
        throw new ServiceUnavailableError(
          'Your erasure request could not be recorded, and nothing was changed. Try again shortly.',
          error,
        );
      }
      return { status: 'ERASURE_REQUESTED', requestedAt };
    },
  };
}

export type ErasureRequester = ReturnType<typeof createErasureRequester>;

export interface ErasureServiceDeps {
  profiles: Pick<ProfileRepository, 'delete'>;
  carts: Pick<CartRepository, 'delete'>;
  /** The customer's stored checkout responses (Idempotency-Key records), which hold the address. */
  idempotencyRecords: IdempotencyRecordEraser;
  orders: Pick<OrderRepository, 'get' | 'listByCustomer'>;
  /** The normal cancel path: releases or restocks, and starts the refund of a paid order. */
  cancellation: Pick<OrderService, 'cancel'>;
  anonymiser: OrderAnonymiser;
  log: ErasureLog;
  clock: Clock;
  pageSize?: number;
}

/** What one erasure did to the customer's orders (for logs and metrics). */
export interface ErasureSummary {
  /** The request had finished before (a redelivery): nothing was touched. */
  alreadyDone: boolean;
  /** Orders this run anonymised. */
  anonymised: number;
  /** Open orders this run cancelled before anonymising them. */
  cancelled: number;
  /** Orders found already anonymised (by an earlier or concurrent run). */
  alreadyAnonymised: number;
  /** Orders placed after the request: a new relationship, not part of this erasure. */
  newer: number;
  /** Completed Idempotency-Key records (stored checkout responses) this run deleted. */
  idempotencyRecords: number;
}

type OrderOutcome = 'anonymised' | 'already-anonymised' | 'newer' | 'not-theirs' | 'missing';

/** The personal data an order holds: the customer's id, their e-mail and the address. */
export const isAnonymised = (order: Order): boolean =>
  order.userId == null && order.email == null && order.shippingAddress == null;

/** Open orders still need the address to ship: they are cancelled first (decision 0005). */
const isOpen = (order: Order): boolean => canTransition(order.status, 'CANCELLED');

/**
 * A timestamp strictly after `previous`: the anonymising write must change `updatedAt`, or a
 * transition that read the order before (conditional on the `updatedAt` it saw) could still land
 * and write the personal data back.
 */
function after(previous: string, now: Date): string {
  const floor = Date.parse(previous) + 1;
  return new Date(Math.max(now.getTime(), floor)).toISOString();
}

export function createErasureService(deps: ErasureServiceDeps) {
  const { profiles, carts, idempotencyRecords, orders, cancellation, anonymiser, log, clock } = deps;
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;

  /**
   * Brings one order to "anonymised", re-reading after every write (so the last read verifies the
   * result): open → cancelled through the normal path → anonymised; closed → anonymised. Every
   * write is conditional, so a racing change (a payment, a shipment, another run) makes us re-read.
   */
  async function eraseOrder(
    orderId: string,
    request: ErasureRequest,
  ): Promise<{ outcome: OrderOutcome; cancelled: boolean }> {
    let cancelled = false;
    let wrote = false;
    return retryOnConflict(
      async () => {
        const order = await orders.get(orderId);
        if (!order) return { outcome: 'missing', cancelled };
        if (isAnonymised(order)) return { outcome: wrote ? 'anonymised' : 'already-anonymised', cancelled };
        // Defensive: only ever this customer's orders, and only those placed before they asked.
        if (order.userId != null && order.userId !== request.sub) return { outcome: 'not-theirs', cancelled };
        if (order.createdAt > request.requestedAt) return { outcome: 'newer', cancelled };
        if (isOpen(order)) {
          try {
            // With the shop's authority (no visibility check can refuse it); the timeline says
            // "by the customer": the customer asked for it.
            await cancellation.cancel(orderId, { sub: request.sub, isAdmin: true });
            cancelled = true;
          } catch (error) {
            // Lost a race (it shipped, expired or was cancelled meanwhile): re-read and go on as closed.
            if (!(error instanceof OrderNotCancellableError || error instanceof OrderNotFoundError)) throw error;
          }
          return CONFLICT;
        }
        if (await anonymiser.anonymise(order, after(order.updatedAt, clock.now()))) wrote = true;
        // Read again: the last read verifies the anonymisation (or sees what won the race).
        return CONFLICT;
      },
      {
        attempts: MAX_ORDER_ATTEMPTS,
        exhausted: () => {
          throw new Error(`order ${orderId}: erasure kept losing races; the message will be retried`);
        },
      },
    );
  }

  return {
    /**
     * Erases a customer: once no checkout they began before `requestedAt` is still running, deletes
     * the profile and the cart, anonymises every order they placed up to `requestedAt` (open ones are
     * cancelled first), and deletes the completed Idempotency-Key records created up to then (stored
     * checkout responses). Idempotent and resumable: anonymised orders leave the customer's index,
     * so a redelivery after a crash goes on with the rest, and a finished request is logged, so a
     * late redelivery touches nothing the customer created since.
     * @throws CheckoutStillRunningError, or on transient errors (the message is retried).
     */
    async erase(request: ErasureRequest): Promise<ErasureSummary> {
      const summary: ErasureSummary = {
        alreadyDone: false,
        anonymised: 0,
        cancelled: 0,
        alreadyAnonymised: 0,
        newer: 0,
        idempotencyRecords: 0,
      };
      if (await log.isDone(request)) return { ...summary, alreadyDone: true };
      /** Erases these orders in parallel and counts what happened to them. */
      const eraseAll = async (orderIds: string[]) => {
        for (const { outcome, cancelled } of await Promise.all(orderIds.map((id) => eraseOrder(id, request)))) {
          if (cancelled) summary.cancelled++;
          if (outcome === 'anonymised') summary.anonymised++;
          else if (outcome === 'already-anonymised') summary.alreadyAnonymised++;
          else if (outcome === 'newer') summary.newer++;
        }
      };

      // A checkout begun before the request and still running could commit its order after the
      // orders below were read: wait for it (decision 0005). Claims whose lock lapsed placed nothing.
      const records = await idempotencyRecords.survey(request.sub, request.requestedAt);
      if (records.running > 0) throw new CheckoutStillRunningError(records.running);

      await profiles.delete(request.sub);
      await carts.delete(request.sub);

      // The orders the stored responses name are read by key: one placed a moment ago is erased even
      // while the customer-orders index (eventually consistent) does not show it yet.
      const placed = [...new Set(records.completed.map(orderPlacedBy).filter((id) => id !== undefined))];
      for (let start = 0; start < placed.length; start += pageSize)
        await eraseAll(placed.slice(start, start + pageSize));
      // After those orders, so a crash in between leaves the records to find them again by.
      // Claims of checkouts begun later stay, and so do records created after the request.
      summary.idempotencyRecords = await idempotencyRecords.deleteCompleted(request.sub, request.requestedAt);

      // Newest first; anonymised orders drop out of the index behind the cursor, so paging on
      // visits each remaining order once (and a rerun starts with what is left).
      const done = new Set(placed);
      let position: Record<string, unknown> | undefined;
      do {
        const page = await orders.listByCustomer(request.sub, { limit: pageSize, after: position });
        await eraseAll(page.items.map((order) => order.orderId).filter((id) => !done.has(id)));
        position = page.next ?? undefined;
      } while (position);

      await anonymiser.forgetEmptyHolds(request.sub);
      await log.markDone(request, clock.now().toISOString());
      return summary;
    },
  };
}

export type ErasureService = ReturnType<typeof createErasureService>;
