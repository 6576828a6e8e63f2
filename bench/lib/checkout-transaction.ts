import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoOrderRepository } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { config } from '../../shared/config';
import { buildIdempotencyStore } from '../../shared/container/http';
import { buildOrderService } from '../../shared/container/orders';
import type { OrderRepository, Placement } from '../../shared/domain/orders/order-ports';
import { fingerprintOf, storedJson } from '../../shared/http/idempotency';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { localSecret } from '../../test/support/config-env';
import type { CheckoutStack } from '../bench-context';
import { type CheckoutRequest, SHIPPING_ADDRESS } from './checkout-requests';

/** Placements prepared at once, in flight together (claims and price reads before the clock starts). */
const PREPARE_CONCURRENCY = 16;

/**
 * The transaction of a checkout, alone: the one `TransactWriteItems` that `POST /v1/orders` commits
 * (reserve the lines, put the order, put its PAYMENT work record, complete the idempotency record).
 *
 * `prepare` runs a checkout's own code up to that transaction, untimed: the real idempotency claim,
 * and the real order service pricing the lines and building the order, with a repository that
 * keeps the placement instead of committing it. `commit` then sends exactly that transaction
 * through the real repository (no rate limits, no queue send, no update of the work record).
 */
export function checkoutTransactions(stack: CheckoutStack, db: DynamoDBDocumentClient) {
  const settings = config();
  const table = { db, name: stack.tableName };
  const repository = createDynamoOrderRepository(db, table.name, {
    resendAfterSeconds: settings.jobs.reconcileResendAfterSeconds,
  });
  const idempotency = buildIdempotencyStore(table);
  /** An order service whose repository keeps the placement instead of committing it; one per worker. */
  function keepingService() {
    let kept: Placement | undefined;
    const keeping: OrderRepository = {
      ...repository,
      async place(placement) {
        kept = placement;
        return { ok: true };
      },
    };
    const orders = buildOrderService(table, {
      orders: keeping,
      cursors: createCursorCodec(localSecret(settings.cursorSecret)),
      currency: settings.currency,
      reservationTtlSeconds: settings.reservationTtlSeconds,
      ...settings.checkout,
      // The transaction alone: no rate limits (see the measure's description).
      checkoutLimit: { consume: async () => undefined },
    });
    return async (request: CheckoutRequest): Promise<Placement> => {
      const body = { items: request.items, shippingAddress: SHIPPING_ADDRESS, paymentToken: 'tok_visa' };
      const begun = await idempotency.begin(request.sub, request.idempotencyKey, fingerprintOf(body));
      if (begun.outcome !== 'acquired') throw new Error(`idempotency claim: ${begun.outcome}`);
      kept = undefined;
      await orders.place({ sub: request.sub, email: null }, body, {
        claim: async () => begun.lease,
        respond: (view) => storedJson(201, view, { Location: `/v1/orders/${view.orderId}` }),
      });
      if (!kept) throw new Error('the order service placed nothing');
      return kept;
    };
  }

  return {
    /** The placements of these checkouts, each with its own claimed idempotency key. */
    async prepare(requests: CheckoutRequest[]): Promise<Placement[]> {
      const placements: Placement[] = new Array(requests.length);
      let next = 0;
      const worker = async () => {
        const placementOf = keepingService();
        for (let index = next++; index < requests.length; index = next++) {
          placements[index] = await placementOf(requests[index] as CheckoutRequest);
        }
      };
      await Promise.all(Array.from({ length: PREPARE_CONCURRENCY }, worker));
      return placements;
    },
    /** Commits one prepared placement: 200 when it committed, 409 when refused, 0 on an error. */
    async commit(placement: Placement): Promise<number> {
      try {
        return (await repository.place(placement)).ok ? 200 : 409;
      } catch {
        return 0;
      }
    },
  };
}
