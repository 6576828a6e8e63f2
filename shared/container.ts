import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createDynamoCartRepository } from './adapters/dynamo/dynamo-cart-repository';
import { createDynamoCatalogRepository } from './adapters/dynamo/dynamo-catalog-repository';
import { createDocumentClient, createDynamoClient } from './adapters/dynamo/dynamo-client';
import { createDynamoDiscountRepository } from './adapters/dynamo/dynamo-discount-repository';
import { createDynamoIdempotencyStore } from './adapters/dynamo/dynamo-idempotency-store';
import { createDynamoInventoryRepository } from './adapters/dynamo/dynamo-inventory-repository';
import { createDynamoOrderRepository } from './adapters/dynamo/dynamo-order-repository';
import { createDynamoProfileRepository } from './adapters/dynamo/dynamo-profile-repository';
import { createDynamoRateLimiter } from './adapters/dynamo/dynamo-rate-limiter';
import { createSsmClient, ssmSecret } from './adapters/payments/ssm-secret';
import { createStripePaymentGateway } from './adapters/payments/stripe-payment-gateway';
import { createSqsClient } from './adapters/sqs/sqs-client';
import { createSqsPaymentQueue } from './adapters/sqs/sqs-payment-queue';
import { createTokenVerifier } from './auth/token-verifier';
import { config } from './config';
import { createCartService } from './domain/cart/cart-service';
import { createCatalogService } from './domain/catalog/catalog-service';
import { createProfileService } from './domain/customers/profile-service';
import { createDiscountService } from './domain/discounts/discount-service';
import { createHealthService } from './domain/health/health-service';
import { createInventoryService } from './domain/inventory/inventory-service';
import { createJobRunner } from './domain/jobs/job-runner';
import { catalogPricing } from './domain/orders/catalog-pricing';
import { createOrderService } from './domain/orders/order-service';
import { createPaymentReconciler } from './domain/orders/payment-reconciler';
import { createReservationExpiry } from './domain/orders/reservation-expiry';
import { createPaymentService } from './domain/payments/payment-service';
import { createCheckoutRateLimit } from './domain/rate-limit/checkout-rate-limit';
import { randomIds, systemClock } from './lib/clock';
import { createCursorCodec } from './lib/cursor-codec';
import { logger, metrics } from './observability';

/**
 * The composition root. Each getter builds its part once per cold start (on first use, so a
 * function only pays for what it uses) from the validated configuration.
 */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

export const dynamoClient = /* @__PURE__ */ once(() => createDynamoClient(config().region));
export const documentClient = /* @__PURE__ */ once(() => createDocumentClient(dynamoClient()));
export const sqsClient = /* @__PURE__ */ once(() => createSqsClient(config().region));
export const tokenVerifier = /* @__PURE__ */ once(() => createTokenVerifier(config().auth));
export const cursorCodec = /* @__PURE__ */ once(() => createCursorCodec(config().cursorSecret));

/** Fixed-window counters shared by every instance; fails open on DynamoDB errors (decision 0002). */
export const rateLimiter = /* @__PURE__ */ once(() =>
  createDynamoRateLimiter({ db: dynamoClient(), tableName: config().tableName, clock: systemClock }),
);
/** Checkout limit per customer: call `consume(sub)` after the idempotency replay check. */
export const checkoutRateLimit = /* @__PURE__ */ once(() =>
  createCheckoutRateLimit({ limiter: rateLimiter(), checkoutsPerMinute: config().rateLimits.checkoutsPerMinute }),
);

export const catalogService = /* @__PURE__ */ once(() =>
  createCatalogService({
    catalog: createDynamoCatalogRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
    currency: config().currency,
  }),
);

export const inventoryService = /* @__PURE__ */ once(() =>
  createInventoryService({
    inventory: createDynamoInventoryRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
    ids: randomIds,
  }),
);

export const profileService = /* @__PURE__ */ once(() =>
  createProfileService({
    profiles: createDynamoProfileRepository(documentClient(), config().tableName),
    clock: systemClock,
  }),
);

export const cartService = /* @__PURE__ */ once(() =>
  createCartService({
    carts: createDynamoCartRepository(documentClient(), config().tableName),
    catalog: createDynamoCatalogRepository(documentClient(), config().tableName),
    clock: systemClock,
    currency: config().currency,
  }),
);

export const discountService = /* @__PURE__ */ once(() =>
  createDiscountService({
    discounts: createDynamoDiscountRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
  }),
);

export const idempotencyStore = /* @__PURE__ */ once(() =>
  createDynamoIdempotencyStore(documentClient(), config().tableName, systemClock, {
    // The contract keeps keys at least 24 h; a claim outlives any request (API Gateway stops at 30 s).
    retentionSeconds: 25 * 3600,
    lockSeconds: 60,
  }),
);

export const orderService = /* @__PURE__ */ once(() =>
  createOrderService({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    pricing: catalogPricing(createDynamoCatalogRepository(documentClient(), config().tableName)),
    carts: createDynamoCartRepository(documentClient(), config().tableName),
    discounts: createDynamoDiscountRepository(documentClient(), config().tableName),
    payments: createSqsPaymentQueue(sqsClient(), config().queues.payment),
    cursors: cursorCodec(),
    clock: systemClock,
    ids: randomIds,
    currency: config().currency,
    reservationTtlSeconds: config().reservationTtlSeconds,
    onDispatchFailure: (orderId, error) => {
      logger.warn('payment message not sent; the reconcile job will send it', { orderId, error: error as Error });
      metrics.addMetric('PaymentDispatchFailures', 'Count', 1);
    },
  }),
);

/**
 * The payment gateway: Stripe's API in AWS, the sandbox under `npm start`; a timeout per attempt and
 * bounded retries that resend the same idempotency key (decision 0004). The shared circuit breaker
 * (issue 4) is to wrap this gateway, outside the retries, so an open circuit costs no attempt.
 */
export const paymentGateway = /* @__PURE__ */ once(() => {
  const { region, paymentGateway: settings } = config();
  const { secret } = settings;
  return createStripePaymentGateway({
    baseUrl: settings.baseUrl,
    secret:
      secret.source === 'ssm'
        ? ssmSecret(createSsmClient(region), secret.parameterName)
        : () => Promise.resolve(secret.value),
    timeoutMs: settings.timeoutMs,
    retry: { maxAttempts: settings.maxAttempts, baseDelayMs: 200, maxDelayMs: 2000 },
    onRetry: ({ operation, attempt, delayMs, error }) => {
      logger.warn('payment gateway call failed; retrying with the same idempotency key', {
        operation,
        attempt,
        delayMs: Math.round(delayMs),
        error,
      });
      metrics.addMetric('PaymentGatewayRetries', 'Count', 1);
    },
  });
});

/** The payment worker's service: one charge per order, then the conditional PAID / PAYMENT_FAILED transition. */
export const paymentService = /* @__PURE__ */ once(() =>
  createPaymentService({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    gateway: paymentGateway(),
    clock: systemClock,
  }),
);

/** The expire-reservations job: unpaid orders past their reservation → EXPIRED, stock released. */
export const reservationExpiry = /* @__PURE__ */ once(() =>
  createReservationExpiry({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    clock: systemClock,
    maxOrdersPerRun: config().jobs.maxItemsPerRun,
  }),
);

/** The reconcile job: payment work whose queue message was never sent is sent again. */
export const paymentReconciler = /* @__PURE__ */ once(() =>
  createPaymentReconciler({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    payments: createSqsPaymentQueue(sqsClient(), config().queues.payment),
    clock: systemClock,
    graceSeconds: config().jobs.reconcileGraceSeconds,
    maxRecordsPerRun: config().jobs.maxItemsPerRun,
  }),
);

/** The scheduled jobs, runnable on demand by an administrator. */
export const jobRunner = /* @__PURE__ */ once(() =>
  createJobRunner(
    {
      'expire-reservations': () => reservationExpiry().run(),
      reconcile: () => paymentReconciler().run(),
    },
    systemClock,
  ),
);

export const healthService = /* @__PURE__ */ once(() => {
  const { tableName, queues } = config();
  const queueUrls = Object.values(queues);
  return createHealthService(
    [
      {
        name: 'dynamodb',
        check: async () => {
          const result = await dynamoClient().send(new DescribeTableCommand({ TableName: tableName }));
          if (result.Table?.TableStatus !== 'ACTIVE') throw new Error(`table status ${result.Table?.TableStatus}`);
        },
      },
      {
        name: 'queues',
        check: async () => {
          await Promise.all(
            queueUrls.map((QueueUrl) =>
              sqsClient().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })),
            ),
          );
        },
      },
    ],
    (name, error) => logger.warn('health probe failed', { probe: name, error: error as Error }),
  );
});
