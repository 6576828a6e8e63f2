import { createDynamoCartRepository } from '../adapters/dynamo/dynamo-cart-repository';
import { createDynamoCatalogRepository } from '../adapters/dynamo/dynamo-catalog-repository';
import { createDynamoDiscountRepository } from '../adapters/dynamo/dynamo-discount-repository';
import { createDynamoOrderRepository } from '../adapters/dynamo/dynamo-order-repository';
import { createDynamoWorkOutbox } from '../adapters/dynamo/dynamo-work-outbox';
import { createSqsWorkQueue } from '../adapters/sqs/sqs-work-queue';
import { config } from '../config';
import { createCartService } from '../domain/cart/cart-service';
import { catalogPricing } from '../domain/orders/catalog-pricing';
import { createOrderQueries } from '../domain/orders/order-queries';
import { createOrderService, type OrderServiceDeps } from '../domain/orders/order-service';
import { createReservationExpiry } from '../domain/orders/reservation-expiry';
import {
  createWorkDispatcher,
  type WorkDispatcher,
  type WorkDispatcherDeps,
  withWorkDispatch,
} from '../domain/orders/work-dispatcher';
import { createWorkReconciler } from '../domain/orders/work-reconciler';
import { randomIds, systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { cursorCodec, sqsClient, type Table, table } from './clients';
import { checkoutRateLimit } from './rate-limits';
import { workSendFailed } from './telemetry';

/** The customer's cart (`/v1/cart`), priced from the catalog. */
export const cartService = /* @__PURE__ */ once(() =>
  createCartService({
    carts: createDynamoCartRepository(table().db, table().name),
    catalog: createDynamoCatalogRepository(table().db, table().name),
    clock: systemClock,
    currency: config().currency,
  }),
);

/** The durable follow-up work records of orders (transactional outbox). */
export const workOutbox = /* @__PURE__ */ once(() => createDynamoWorkOutbox(table().db, table().name));

/** Hands committed follow-up work to its queues. */
export function buildWorkDispatcher(
  { db, name }: Table,
  options: Pick<WorkDispatcherDeps, 'queues' | 'resendAfterSeconds' | 'onSendFailure'>,
): WorkDispatcher {
  return createWorkDispatcher({ ...options, outbox: createDynamoWorkOutbox(db, name), clock: systemClock });
}

/** Sends committed follow-up work to its queue right away; the reconcile job covers failed or lost sends. */
export const workDispatcher = /* @__PURE__ */ once(() => {
  const { queues, jobs } = config();
  return buildWorkDispatcher(table(), {
    queues: {
      payment: createSqsWorkQueue(sqsClient(), queues.payment),
      fulfilment: createSqsWorkQueue(sqsClient(), queues.fulfilment),
      notification: createSqsWorkQueue(sqsClient(), queues.notification),
    },
    resendAfterSeconds: jobs.reconcileResendAfterSeconds,
    onSendFailure: workSendFailed,
  });
});

/** Orders in DynamoDB; every committed change sends the follow-up work it started through `dispatcher`. */
export function buildOrderRepository(
  { db, name }: Table,
  dispatcher: WorkDispatcher,
  options?: { dispatchGraceSeconds: number },
) {
  return withWorkDispatch(createDynamoOrderRepository(db, name, options), dispatcher);
}

export const orderRepository = /* @__PURE__ */ once(() =>
  buildOrderRepository(table(), workDispatcher(), { dispatchGraceSeconds: config().jobs.reconcileGraceSeconds }),
);

/**
 * The order reads (GET /v1/orders, /v1/orders/{id}, /v1/admin/orders): a plain repository, since a
 * read commits nothing and so dispatches no work, which keeps the queue client out of those bundles
 * and sqs:SendMessage out of their roles.
 */
export const orderQueries = /* @__PURE__ */ once(() =>
  createOrderQueries({
    orders: createDynamoOrderRepository(table().db, table().name),
    cursors: cursorCodec(),
  }),
);

/** What an order service is built with besides the table: its orders, and the checkout's settings. */
export type OrderServiceOptions = Omit<OrderServiceDeps, 'pricing' | 'carts' | 'discounts' | 'clock' | 'ids'>;

/** Checkout, cancellation and the order transitions, over the table's catalog, carts and discounts. */
export function buildOrderService({ db, name }: Table, options: OrderServiceOptions) {
  return createOrderService({
    ...options,
    pricing: catalogPricing(createDynamoCatalogRepository(db, name)),
    carts: createDynamoCartRepository(db, name),
    discounts: createDynamoDiscountRepository(db, name),
    clock: systemClock,
    ids: randomIds,
  });
}

export const orderService = /* @__PURE__ */ once(() =>
  buildOrderService(table(), {
    orders: orderRepository(),
    cursors: cursorCodec(),
    currency: config().currency,
    reservationTtlSeconds: config().reservationTtlSeconds,
    ...config().checkout,
    checkoutLimit: checkoutRateLimit(),
  }),
);

/** The expire-reservations job: unpaid orders past their reservation → EXPIRED, stock released. */
export const reservationExpiry = /* @__PURE__ */ once(() =>
  createReservationExpiry({
    orders: orderRepository(),
    clock: systemClock,
    maxOrdersPerRun: config().jobs.maxItemsPerRun,
  }),
);

/** The reconcile job: follow-up work whose queue message was never sent, or was lost, is sent again. */
export const workReconciler = /* @__PURE__ */ once(() =>
  createWorkReconciler({
    outbox: workOutbox(),
    dispatcher: workDispatcher(),
    clock: systemClock,
    maxRecordsPerRun: config().jobs.maxItemsPerRun,
  }),
);
