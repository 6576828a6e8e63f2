import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createSandboxCarrier } from './adapters/carrier/sandbox-carrier';
import { createDynamoCartRepository } from './adapters/dynamo/dynamo-cart-repository';
import { createDynamoCatalogRepository } from './adapters/dynamo/dynamo-catalog-repository';
import { createDynamoCircuitStore } from './adapters/dynamo/dynamo-circuit-store';
import { createDocumentClient, createDynamoClient } from './adapters/dynamo/dynamo-client';
import { createDynamoDiscountRepository } from './adapters/dynamo/dynamo-discount-repository';
import { createDynamoErasureLog } from './adapters/dynamo/dynamo-erasure-log';
import { createDynamoExpiredRecords } from './adapters/dynamo/dynamo-expired-records';
import {
  createDynamoIdempotencyEraser,
  createDynamoIdempotencyStore,
} from './adapters/dynamo/dynamo-idempotency-store';
import { createDynamoInventoryRepository } from './adapters/dynamo/dynamo-inventory-repository';
import { createDynamoOrderErasure } from './adapters/dynamo/dynamo-order-erasure';
import { createDynamoOrderRepository } from './adapters/dynamo/dynamo-order-repository';
import { createDynamoProfileRepository } from './adapters/dynamo/dynamo-profile-repository';
import { createDynamoRateLimiter } from './adapters/dynamo/dynamo-rate-limiter';
import { createDynamoSalesLedger } from './adapters/dynamo/dynamo-sales-ledger';
import { createDynamoWebhookEventStore } from './adapters/dynamo/dynamo-webhook-event-store';
import { createDynamoWorkOutbox } from './adapters/dynamo/dynamo-work-outbox';
import { createFileEmailSender } from './adapters/email/file-email-sender';
import { createSesClient, createSesEmailSender } from './adapters/email/ses-email-sender';
import { createCognitoUserLookup } from './adapters/identity/cognito-user-lookup';
import { createLocalUserDirectory } from './adapters/identity/local-user-directory';
import { createSsmParameterReader, ssmSecret } from './adapters/payments/ssm-secret';
import { createStripePaymentGateway } from './adapters/payments/stripe-payment-gateway';
import { createSqsClient } from './adapters/sqs/sqs-client';
import { createSqsErasureQueue } from './adapters/sqs/sqs-erasure-queue';
import { createSqsWorkQueue } from './adapters/sqs/sqs-work-queue';
import { config, type SecretSetting } from './config';
import { createCartService } from './domain/cart/cart-service';
import { createCatalogService } from './domain/catalog/catalog-service';
import { createErasureRequester, createErasureService } from './domain/customers/erasure-service';
import { createProfileService } from './domain/customers/profile-service';
import { createDiscountService } from './domain/discounts/discount-service';
import { createFulfilmentService } from './domain/fulfilment/fulfilment-service';
import { createHealthService } from './domain/health/health-service';
import { createExpiredRecordCleanup } from './domain/housekeeping/expired-record-cleanup';
import { createInventoryService } from './domain/inventory/inventory-service';
import { createJobRunner, type Job } from './domain/jobs/job-runner';
import { createNotificationService } from './domain/notifications/notification-service';
import { pacedEmailSender } from './domain/notifications/paced-email-sender';
import { catalogPricing } from './domain/orders/catalog-pricing';
import { createOrderQueries } from './domain/orders/order-queries';
import { createOrderService } from './domain/orders/order-service';
import { createReservationExpiry } from './domain/orders/reservation-expiry';
import { createWorkDispatcher, withWorkDispatch } from './domain/orders/work-dispatcher';
import { createWorkReconciler } from './domain/orders/work-reconciler';
import { circuitBreakingGateway, createCircuitBreaker } from './domain/payments/circuit-breaker';
import { createPaymentService } from './domain/payments/payment-service';
import { createPaymentWebhookService } from './domain/payments/payment-webhook-service';
import { createCheckoutRateLimit } from './domain/rate-limit/checkout-rate-limit';
import { createDailyReportService } from './domain/reports/daily-report-service';
import { randomIds, systemClock } from './lib/clock';
import { createCursorCodec } from './lib/cursor-codec';
import { logger, metrics } from './observability';
import { secretValueProblem } from './production-safety';

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

/**
 * A secret of the configuration: its value locally; in AWS an SSM SecureString read on first use and
 * kept for the instance (a failed or refused read is not kept), which must be at least 32 bytes and
 * no development default (issue 11).
 */
function secretSource(setting: SecretSetting, name: string): () => Promise<string> {
  if (setting.source === 'value') return () => Promise.resolve(setting.value);
  return ssmSecret(createSsmParameterReader(config().region), setting.parameterName, {
    check: (value) => secretValueProblem(name, value),
  });
}

export const cursorCodec = /* @__PURE__ */ once(() =>
  createCursorCodec(secretSource(config().cursorSecret, 'CURSOR_SECRET')),
);
/** The HMAC secret of payment webhooks (`await paymentWebhookSecret()()`). */
export const paymentWebhookSecret = /* @__PURE__ */ once(() =>
  secretSource(config().paymentWebhookSecret, 'PAYMENT_WEBHOOK_SECRET'),
);

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

/**
 * Where customers' verified e-mail addresses come from: the Cognito user pool (GetUser with the
 * customer's access token) in AWS, the local issuer's user directory under `npm start` and in tests.
 */
export const identityProvider = /* @__PURE__ */ once(() => {
  const { auth } = config();
  return auth.mode === 'local'
    ? createLocalUserDirectory(auth.issuerDir)
    : createCognitoUserLookup({ userPoolId: auth.userPoolId });
});

/** Profiles, and the verified address each caches for checkout (decision 0009). */
export const profileService = /* @__PURE__ */ once(() =>
  createProfileService({
    profiles: createDynamoProfileRepository(documentClient(), config().tableName),
    identity: identityProvider(),
    clock: systemClock,
    onLookupFailure: (error) => {
      logger.warn('verified e-mail address not looked up; the profile keeps the one it knew', {
        error: error as Error,
      });
      metrics.addMetric('EmailLookupFailures', 'Count', 1);
    },
  }),
);

/** `DELETE /v1/me`: queues the erasure (the worker's dependencies stay out of the HTTP function). */
export const erasureRequester = /* @__PURE__ */ once(() =>
  createErasureRequester({ queue: createSqsErasureQueue(sqsClient(), config().queues.erasure), clock: systemClock }),
);

/**
 * The erasure worker: profile, cart and stored checkout responses deleted, orders cancelled if open
 * and anonymised (decision 0005).
 */
export const erasureService = /* @__PURE__ */ once(() =>
  createErasureService({
    profiles: createDynamoProfileRepository(documentClient(), config().tableName),
    carts: createDynamoCartRepository(documentClient(), config().tableName),
    idempotencyRecords: createDynamoIdempotencyEraser(documentClient(), config().tableName, systemClock),
    orders: orderRepository(),
    cancellation: orderService(),
    anonymiser: createDynamoOrderErasure(documentClient(), config().tableName),
    log: createDynamoErasureLog(documentClient(), config().tableName),
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

/** The durable follow-up work records of orders (transactional outbox). */
export const workOutbox = /* @__PURE__ */ once(() => createDynamoWorkOutbox(documentClient(), config().tableName));

/** Sends committed follow-up work to its queue right away; the reconcile job covers failed or lost sends. */
export const workDispatcher = /* @__PURE__ */ once(() => {
  const { queues, jobs } = config();
  return createWorkDispatcher({
    queues: {
      payment: createSqsWorkQueue(sqsClient(), queues.payment),
      fulfilment: createSqsWorkQueue(sqsClient(), queues.fulfilment),
      notification: createSqsWorkQueue(sqsClient(), queues.notification),
    },
    outbox: workOutbox(),
    clock: systemClock,
    resendAfterSeconds: jobs.reconcileResendAfterSeconds,
    onSendFailure: (work, error) => {
      logger.warn('follow-up message not sent; the reconcile job will send it', {
        orderId: work.orderId,
        kind: work.kind,
        error: error as Error,
      });
      metrics.addMetric('WorkDispatchFailures', 'Count', 1);
    },
  });
});

/** Orders in DynamoDB; every committed change sends the follow-up work it started. */
export const orderRepository = /* @__PURE__ */ once(() =>
  withWorkDispatch(
    createDynamoOrderRepository(documentClient(), config().tableName, {
      dispatchGraceSeconds: config().jobs.reconcileGraceSeconds,
    }),
    workDispatcher(),
  ),
);

/**
 * The order reads (GET /v1/orders, /v1/orders/{id}, /v1/admin/orders): a plain repository, since a
 * read commits nothing and so dispatches no work, which keeps the queue client out of those bundles
 * and sqs:SendMessage out of their roles.
 */
export const orderQueries = /* @__PURE__ */ once(() =>
  createOrderQueries({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
  }),
);

export const orderService = /* @__PURE__ */ once(() =>
  createOrderService({
    orders: orderRepository(),
    pricing: catalogPricing(createDynamoCatalogRepository(documentClient(), config().tableName)),
    carts: createDynamoCartRepository(documentClient(), config().tableName),
    discounts: createDynamoDiscountRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
    ids: randomIds,
    currency: config().currency,
    reservationTtlSeconds: config().reservationTtlSeconds,
    ...config().checkout,
    checkoutLimit: checkoutRateLimit(),
  }),
);

/**
 * The payment gateway: Stripe's API in AWS, the sandbox under `npm start`; a timeout per attempt and
 * bounded retries that resend the same idempotency key (decision 0004); around them, the circuit
 * breaker whose state every instance shares in the table, so an open circuit costs no attempt and
 * a call counts one failure however many attempts it made.
 */
export const paymentGateway = /* @__PURE__ */ once(() => {
  const { paymentGateway: settings } = config();
  const { secret } = settings;
  const gateway = createStripePaymentGateway({
    baseUrl: settings.baseUrl,
    secret: secretSource(secret, 'PAYMENT_GATEWAY_SECRET'),
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
  const breaker = createCircuitBreaker({
    name: 'payment-gateway',
    store: createDynamoCircuitStore(dynamoClient(), config().tableName),
    clock: systemClock,
    ...settings.circuit,
    onTransition: (transition) => {
      if (transition.to === 'open') logger.error('payment circuit opened: gateway calls refused', { ...transition });
      else logger.info('payment circuit closed: the gateway answers again', { ...transition });
      metrics.addMetric(transition.to === 'open' ? 'PaymentCircuitOpened' : 'PaymentCircuitClosed', 'Count', 1);
    },
    onStoreError: (error, operation) => {
      logger.warn('payment circuit state not read or written; calls proceed as if closed', {
        operation,
        error: error as Error,
      });
      metrics.addMetric('PaymentCircuitStoreFailures', 'Count', 1);
    },
  });
  return circuitBreakingGateway(gateway, breaker);
});

/** The payment worker's service: one charge per order, then the conditional PAID / PAYMENT_FAILED transition. */
export const paymentService = /* @__PURE__ */ once(() =>
  createPaymentService({
    orders: orderRepository(),
    gateway: paymentGateway(),
    outbox: workOutbox(),
    // As for the work the order transactions start: the reconcile job re-sends it after this long.
    lateRefundDueAfterSeconds: config().jobs.reconcileGraceSeconds,
    clock: systemClock,
  }),
);

/** Payment webhooks: events applied through the payment service's transitions, once per event id. */
export const paymentWebhookService = /* @__PURE__ */ once(() =>
  createPaymentWebhookService({
    payments: paymentService(),
    processed: createDynamoWebhookEventStore(documentClient(), config().tableName, systemClock, {
      retentionSeconds: config().paymentWebhookRetentionDays * 24 * 3600,
    }),
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

/** The daily-report job and `GET /v1/reports/daily/{date}`: sales of a UTC day, from the sales ledger. */
export const dailyReportService = /* @__PURE__ */ once(() =>
  createDailyReportService({
    ledger: createDynamoSalesLedger(documentClient(), config().tableName),
    clock: systemClock,
    currency: config().currency,
  }),
);

/** The cleanup job: items whose `expiresAt` passed (abandoned carts, idempotency records, ...) are deleted. */
export const expiredRecordCleanup = /* @__PURE__ */ once(() =>
  createExpiredRecordCleanup({
    records: createDynamoExpiredRecords(documentClient(), config().tableName, systemClock),
    clock: systemClock,
    maxItemsPerRun: config().jobs.maxItemsPerRun,
  }),
);

const expireReservationsJob: Job = (_options, context) => reservationExpiry().run(context);
const reconcileJob: Job = (_options, context) => workReconciler().run(context);
const dailyReportJob: Job = { run: ({ date }) => dailyReportService().run(date), takes: ['date'] };
const cleanupJob: Job = (_options, context) => expiredRecordCleanup().run(context);

/** The scheduled jobs, runnable on demand by an administrator (`POST /v1/admin/jobs/{job}`). */
export const jobRunner = /* @__PURE__ */ once(() =>
  createJobRunner(
    {
      'expire-reservations': expireReservationsJob,
      reconcile: reconcileJob,
      'daily-report': dailyReportJob,
      cleanup: cleanupJob,
    },
    systemClock,
  ),
);

/**
 * The runner of one scheduled function: its job alone, so the function's bundle (and IAM role,
 * decision 0006) holds nothing of the other jobs.
 */
const runnerOf = (name: string, job: Job) => once(() => createJobRunner({ [name]: job }, systemClock));
export const expireReservationsRunner = /* @__PURE__ */ runnerOf('expire-reservations', expireReservationsJob);
export const reconcileRunner = /* @__PURE__ */ runnerOf('reconcile', reconcileJob);
export const dailyReportRunner = /* @__PURE__ */ runnerOf('daily-report', dailyReportJob);
export const cleanupRunner = /* @__PURE__ */ runnerOf('cleanup', cleanupJob);

/**
 * The notification worker's mailer (EMAIL_TRANSPORT): Amazon SES in AWS, paced at this instance's
 * share of the account's sending rate (EMAIL_SENDS_PER_SECOND over the worker's maximum concurrency);
 * under `npm start` and in tests, `.eml` files in the outbox directory.
 */
export const emailSender = /* @__PURE__ */ once(() => {
  const { region, email } = config();
  return email.transport === 'file'
    ? createFileEmailSender({ dir: email.outboxDir, from: email.from, clock: systemClock })
    : pacedEmailSender(
        createSesEmailSender({
          client: createSesClient(region),
          from: email.from,
          configurationSet: email.configurationSet,
        }),
        // Within the worker's 10 s: a batch of 10 at the default share (7 per second) waits 1.3 s at most.
        { perSecond: email.sendsPerSecondPerInstance, maxWaitMs: 5000 },
      );
});

/** The fulfilment worker's carrier (CARRIER): the in-process sandbox is the only one so far. */
export const carrier = /* @__PURE__ */ once(() => createSandboxCarrier());

/** The fulfilment worker's service: book the shipment once per order, then PAID → SHIPPED. */
export const fulfilmentService = /* @__PURE__ */ once(() =>
  createFulfilmentService({ orders: orderRepository(), carrier: carrier(), clock: systemClock }),
);

/** The notification worker's service: one e-mail per order event. */
export const notificationService = /* @__PURE__ */ once(() =>
  createNotificationService({
    orders: createDynamoOrderRepository(documentClient(), config().tableName),
    profiles: createDynamoProfileRepository(documentClient(), config().tableName),
    outbox: workOutbox(),
    email: emailSender(),
    clock: systemClock,
    shopName: config().email.shopName,
    // Below the notification queue's 60 s visibility timeout: a redelivery after a crash can claim it.
    claimSeconds: 45,
  }),
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
