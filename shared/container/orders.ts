import { createDynamoCartRepository } from '../adapters/dynamo/dynamo-cart-repository';
import { createDynamoCatalogRepository } from '../adapters/dynamo/dynamo-catalog-repository';
import { createDynamoDiscountRepository } from '../adapters/dynamo/dynamo-discount-repository';
import { createDynamoOrderRepository, type OrderRepositoryOptions } from '../adapters/dynamo/dynamo-order-repository';
import { createDynamoTaxRateRepository } from '../adapters/dynamo/dynamo-tax-rate-repository';
import { createDynamoWorkOutbox, workOfStreamImage } from '../adapters/dynamo/dynamo-work-outbox';
import { createSqsWorkQueue } from '../adapters/sqs/sqs-work-queue';
import { config } from '../config';
import { createCartService } from '../domain/cart/cart-service';
import type { OrderRepository } from '../domain/orders/order-ports';
import { createOrderQueries } from '../domain/orders/order-queries';
import { createOrderService, type OrderServiceDeps } from '../domain/orders/order-service';
import type { WorkQueue, WorkQueueName } from '../domain/orders/order-work';
import { createReservationExpiry } from '../domain/orders/reservation-expiry';
import { createWorkDispatcher, type WorkDispatcher, type WorkDispatcherDeps } from '../domain/orders/work-dispatcher';
import { createWorkReconciler } from '../domain/orders/work-reconciler';
import { cachedRates, rateTableCalculator } from '../domain/tax/tax-rates';
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
    tax: buildTaxCalculator(table(), config().tax),
    pricesIncludeTax: config().tax.pricesIncludeTax,
    discounts: createDynamoDiscountRepository(table().db, table().name),
  }),
);

/** The durable follow-up work records of orders (transactional outbox). */
export const workOutbox = /* @__PURE__ */ once(() => createDynamoWorkOutbox(table().db, table().name));

/** The queues of follow-up work (SQS), for the stream's hand-off and the reconcile job's resends. */
export const workQueues = /* @__PURE__ */ once((): Record<WorkQueueName, WorkQueue> => {
  const { queues } = config();
  return {
    payment: createSqsWorkQueue(sqsClient(), queues.payment),
    fulfilment: createSqsWorkQueue(sqsClient(), queues.fulfilment),
    notification: createSqsWorkQueue(sqsClient(), queues.notification),
  };
});

/** Sends work records again (reconcile) and marks them sent, so each comes due again only if still not done. */
export function buildWorkDispatcher(
  { db, name }: Table,
  options: Pick<WorkDispatcherDeps, 'queues' | 'resendAfterSeconds' | 'onSendFailure'>,
): WorkDispatcher {
  return createWorkDispatcher({ ...options, outbox: createDynamoWorkOutbox(db, name), clock: systemClock });
}

/** The reconcile job's sender: lost or dead-lettered work whose record came due goes to its queue again. */
export const workDispatcher = /* @__PURE__ */ once(() =>
  buildWorkDispatcher(table(), {
    queues: workQueues(),
    resendAfterSeconds: config().jobs.reconcileResendAfterSeconds,
    onSendFailure: workSendFailed,
  }),
);

/**
 * Orders in DynamoDB. Every committed change writes the work records of the follow-up work it
 * starts in its transaction; the table's stream hands them to their queues (work-forwarder), and
 * each is due for the reconcile job `RECONCILE_RESEND_AFTER_SECONDS` after its commit if its work
 * is still not done.
 */
export function buildOrderRepository({ db, name }: Table, options?: OrderRepositoryOptions): OrderRepository {
  return createDynamoOrderRepository(db, name, options);
}

export const orderRepository = /* @__PURE__ */ once(() =>
  buildOrderRepository(table(), { resendAfterSeconds: config().jobs.reconcileResendAfterSeconds }),
);

/**
 * The order reads (GET /v1/orders, /v1/orders/{id}, /v1/admin/orders): the repository without the
 * checkout's settings.
 */
export const orderQueries = /* @__PURE__ */ once(() =>
  createOrderQueries({
    orders: createDynamoOrderRepository(table().db, table().name),
    cursors: cursorCodec(),
  }),
);

/** What an order service is built with besides the table: its orders, and the checkout's settings. */
export type OrderServiceOptions = Omit<
  OrderServiceDeps,
  'pricing' | 'carts' | 'discounts' | 'clock' | 'ids' | 'tax' | 'pricesIncludeTax'
> & {
  /** How prices are taxed and how long an instance keeps a country's rates (default: prices include tax, 60 s). */
  tax?: TaxSettings;
};

/** The store's tax settings (PRICES_INCLUDE_TAX, TAX_RATES_CACHE_SECONDS). */
export interface TaxSettings {
  pricesIncludeTax: boolean;
  ratesCacheSeconds: number;
}

/** The shop's table of rates as checkouts and cart quotes read it: kept per instance for a bounded time. */
export function buildTaxCalculator({ db, name }: Table, { ratesCacheSeconds }: TaxSettings) {
  const rates = createDynamoTaxRateRepository(db, name);
  return rateTableCalculator(cachedRates(rates, { maxAgeMs: ratesCacheSeconds * 1000, now: () => Date.now() }));
}

/** Checkout, cancellation and the order transitions, over the table's catalog, carts and discounts. */
export function buildOrderService({ db, name }: Table, options: OrderServiceOptions) {
  const { tax: settings = { pricesIncludeTax: true, ratesCacheSeconds: 60 }, ...rest } = options;
  return createOrderService({
    ...rest,
    tax: buildTaxCalculator({ db, name }, settings),
    pricesIncludeTax: settings.pricesIncludeTax,
    pricing: createDynamoCatalogRepository(db, name),
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
    tax: config().tax,
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

/** The reconcile job: follow-up work whose queue message was lost (or dead-lettered) is sent again. */
export const workReconciler = /* @__PURE__ */ once(() =>
  createWorkReconciler({
    outbox: workOutbox(),
    dispatcher: workDispatcher(),
    clock: systemClock,
    maxRecordsPerRun: config().jobs.maxItemsPerRun,
  }),
);

/** The table's stream → the queues: each work record committed is handed to its queue (work-forwarder). */
export const workForwarding = { workOf: workOfStreamImage, queues: workQueues };
