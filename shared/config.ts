import { MAX_MONEY } from './domain/money';
import { once } from './lib/once';
import * as z from './lib/zod';
import {
  developmentSettingProblems,
  isAwsLambda,
  LOCAL_CARRIER_API_KEY,
  LOCAL_CARRIER_WEBHOOK_SECRET,
  LOCAL_CURSOR_SECRET,
  LOCAL_PAYMENT_GATEWAY_SECRET,
  LOCAL_PAYMENT_WEBHOOK_SECRET,
  LOCAL_WEBHOOK_SIGNING_KEY,
} from './production-safety';

export {
  LOCAL_CARRIER_API_KEY,
  LOCAL_CARRIER_WEBHOOK_SECRET,
  LOCAL_PAYMENT_GATEWAY_SECRET,
  LOCAL_PAYMENT_WEBHOOK_SECRET,
} from './production-safety';

/** The shop's address at the local sandbox carrier (required in AWS: CARRIER_FROM_ADDRESS_ID). */
export const LOCAL_CARRIER_FROM_ADDRESS_ID = 'adr_local_shop';

/**
 * Runtime configuration: one zod schema over `process.env`, parsed once per cold start.
 * A missing resource name fails the cold start loudly instead of defaulting silently.
 */
const csv = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  ),
);

/** The local sender of e-mails (required in AWS: EMAIL_FROM). */
export const LOCAL_EMAIL_FROM = 'Cartwheel <orders@cartwheel.invalid>';
/** `orders@example.com` or `Display name <orders@example.com>`; the adapters check the address itself. */
const MAILBOX = /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@"]+@[^\s<>@]+)$/;

const ssmParameterName = z.optional(z.string().check(z.regex(/^\/[\w./-]+$/, 'an SSM parameter name')));

/** A secret: its value (local mode), or the SSM SecureString parameter that holds it (AWS). */
export type SecretSetting = { source: 'value'; value: string } | { source: 'ssm'; parameterName: string };

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/*
 * The schemas below are built on the first parse, not at import: some 200 zod schemas whose
 * construction was a good part of every function's cold import, and each process parses its
 * environment once (the first `config()`), so the work moves to that call and is not repeated.
 */
const envSchema = () =>
  z
    .object({
      STAGE: z._default(z.string().check(z.minLength(1)), 'local'),
      AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-1'),
      TABLE_NAME: z.string().check(z.minLength(1)),
      STORE_CURRENCY: z._default(z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')), 'EUR'),
      RESERVATION_TTL_SECONDS: positiveInt(900),
      /** Catalog prices include tax (EU style) or tax is added on top (US style). */
      PRICES_INCLUDE_TAX: z._default(z.enum(['true', 'false']), 'true'),
      /** How long an instance keeps a country's tax rates before reading them again (0: every checkout). */
      TAX_RATES_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 60),
      RATE_LIMIT_CHECKOUTS_PER_MINUTE: positiveInt(20),
      /** The largest order total checkout accepts (minor units): the gateway's own limit (Stripe: 99,999,999 for EUR). */
      MAX_ORDER_TOTAL: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(MAX_MONEY)), 99_999_999),
      /** How long after delivery (after shipment when no delivery is known) a customer may request a return. */
      RETURN_WINDOW_DAYS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(3650)), 30),
      /** Orders one customer may have waiting in PENDING_PAYMENT (each holds stock until paid or expired). */
      MAX_PENDING_ORDERS_PER_CUSTOMER: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(100)), 5),
      /**
       * Work committed (or last re-sent) this long ago and still not done is taken as lost and sent
       * again; the table's stream sends it at once. Longer than a message
       * can take to be processed or dead-lettered (payment: 5 receives, each held for the 180 s visibility
       * or, while the circuit is open, for holds that add up to the reservation: ≈ 22 min at worst).
       */
      RECONCILE_RESEND_AFTER_SECONDS: positiveInt(1800),
      /** Orders (expire-reservations) or work records (reconcile) one job run handles at most. */
      JOB_MAX_ITEMS_PER_RUN: positiveInt(1000),
      /** The queues' `maxReceiveCount` (serverless.yml), which the payment worker spaces its held retries over. */
      QUEUE_MAX_RECEIVE_COUNT: positiveInt(5),
      RATE_LIMIT_REQUESTS_PER_SECOND: positiveInt(50),
      CORS_ALLOWED_ORIGINS: csv,
      /** Local mode only; in AWS the secret is read from SSM (PAYMENT_WEBHOOK_SECRET_PARAMETER). */
      PAYMENT_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
      PAYMENT_WEBHOOK_SECRET_PARAMETER: ssmParameterName,
      /** How long applied webhook event ids (payment gateway and carrier) are remembered (both redeliver for days). */
      PAYMENT_WEBHOOK_RETENTION_DAYS: positiveInt(30),
      PAYMENT_GATEWAY_URL: z._default(z.url({ protocol: /^https?$/ }), 'https://api.stripe.com'),
      /** Local mode only; in AWS the secret is read from SSM (PAYMENT_GATEWAY_SECRET_PARAMETER). */
      PAYMENT_GATEWAY_SECRET: z.optional(z.string().check(z.minLength(1))),
      PAYMENT_GATEWAY_SECRET_PARAMETER: ssmParameterName,
      PAYMENT_GATEWAY_TIMEOUT_MS: positiveInt(5000),
      PAYMENT_GATEWAY_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(10)), 3),
      /** Gateway failures (after retries) within the window that open the shared circuit breaker. */
      PAYMENT_CIRCUIT_FAILURE_THRESHOLD: positiveInt(5),
      PAYMENT_CIRCUIT_WINDOW_SECONDS: positiveInt(60),
      /** How long an open circuit refuses calls before it lets a trial call through. */
      PAYMENT_CIRCUIT_COOLDOWN_SECONDS: positiveInt(30),
      /** How long an instance trusts its last read of the circuit's state (0: read for every call). */
      PAYMENT_CIRCUIT_CACHE_SECONDS: z._default(z.coerce.number().check(z.gte(0), z.lte(60)), 2),
      /** HMAC key protecting pagination cursors; local mode only, in AWS read from SSM (CURSOR_SECRET_PARAMETER). */
      CURSOR_SECRET: z.optional(z.string().check(z.minLength(16))),
      CURSOR_SECRET_PARAMETER: ssmParameterName,
      /** Set by the Lambda runtime (and by serverless-offline, with IS_OFFLINE=true): see production-safety.ts. */
      AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string()),
      IS_OFFLINE: z.optional(z.string()),
      AWS_LAMBDA_RUNTIME_API: z.optional(z.string()),
      PUBLIC_CACHE_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 60),
      AUTH_MODE: z._default(z.enum(['cognito', 'local']), 'cognito'),
      COGNITO_USER_POOL_ID: z.optional(z.string()),
      COGNITO_CLIENT_ID: z.optional(z.string()),
      LOCAL_ISSUER: z._default(z.string(), 'https://local.cartwheel.invalid/issuer'),
      LOCAL_CLIENT_ID: z._default(z.string(), 'cartwheel-local'),
      LOCAL_ISSUER_DIR: z.optional(z.string()),
      PAYMENT_QUEUE_URL: z.url(),
      FULFILMENT_QUEUE_URL: z.url(),
      NOTIFICATION_QUEUE_URL: z.url(),
      ERASURE_QUEUE_URL: z.url(),
      WEBHOOK_QUEUE_URL: z.url(),
      /** The stack's EventBridge bus (`cartwheel-<stage>`); ignored in local mode, where events go to webhooks only. */
      EVENT_BUS_NAME: z.optional(z.string().check(z.regex(/^[\w.\-/]{1,256}$/, 'an EventBridge bus name'))),
      /** How long a webhook receiver has to answer (contract §5.7: 10 s). */
      WEBHOOK_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(30_000)), 10_000),
      /** The first retry's delay of a failed webhook delivery; each next one doubles, up to the max. */
      WEBHOOK_RETRY_BASE_SECONDS: positiveInt(30),
      WEBHOOK_RETRY_MAX_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(43_200)), 10_800),
      /** A failed delivery is retried this long after its first attempt, then kept as failed (at least 24 h). */
      WEBHOOK_GIVE_UP_AFTER_SECONDS: positiveInt(90_000),
      /** Failed deliveries to one endpoint within the window that open its circuit (its deliveries then wait). */
      WEBHOOK_CIRCUIT_FAILURE_THRESHOLD: positiveInt(5),
      WEBHOOK_CIRCUIT_WINDOW_SECONDS: positiveInt(60),
      WEBHOOK_CIRCUIT_COOLDOWN_SECONDS: positiveInt(60),
      /** `ses` (Amazon SES) in AWS; `file` (the local outbox) under `npm start` and in tests. */
      EMAIL_TRANSPORT: z._default(z.enum(['ses', 'file']), 'ses'),
      EMAIL_FROM: z.optional(z.string().check(z.regex(MAILBOX, 'an address such as `Shop <orders@example.com>`'))),
      EMAIL_CONFIGURATION_SET: z.optional(z.string().check(z.regex(/^[\w-]{1,64}$/, 'an SES configuration set name'))),
      /** Relative to the working directory of the process. */
      EMAIL_OUTBOX_DIR: z._default(z.string().check(z.minLength(1)), '.local/outbox'),
      EMAIL_SHOP_NAME: z._default(z.string().check(z.minLength(1), z.maxLength(100)), 'Cartwheel'),
      /** The account's SES sending rate (14 until AWS raises it); the SES sender keeps under it. */
      EMAIL_SENDS_PER_SECOND: z._default(z.coerce.number().check(z.positive(), z.lte(10_000)), 14),
      /** The notification worker's maximum concurrency (its event source), which shares out the rate. */
      NOTIFICATION_WORKER_MAX_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.gte(2), z.lte(1000)), 2),
      /** The carrier's API (docs/decisions/0018-carrier-adapter.md); locally the sandbox of scripts/local/sandbox-carrier.ts. */
      CARRIER: z._default(z.enum(['easypost']), 'easypost'),
      CARRIER_API_URL: z._default(z.url({ protocol: /^https?$/ }), 'https://api.easypost.com'),
      /** Local mode only; in AWS the key is read from SSM (CARRIER_API_KEY_PARAMETER). */
      CARRIER_API_KEY: z.optional(z.string().check(z.minLength(1))),
      CARRIER_API_KEY_PARAMETER: ssmParameterName,
      /** The shop's return address at the carrier (`adr_…`), where every parcel ships from. */
      CARRIER_FROM_ADDRESS_ID: z.optional(z.string().check(z.regex(/^adr_\w{1,64}$/, 'an address id such as `adr_…`'))),
      /** Local mode only; in AWS the secret is read from SSM (CARRIER_WEBHOOK_SECRET_PARAMETER). */
      CARRIER_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
      CARRIER_WEBHOOK_SECRET_PARAMETER: ssmParameterName,
      /** Outbound webhooks' secrets are derived from it. Local mode only; in AWS from SSM (WEBHOOK_SIGNING_KEY_PARAMETER). */
      WEBHOOK_SIGNING_KEY: z.optional(z.string().check(z.minLength(16))),
      WEBHOOK_SIGNING_KEY_PARAMETER: ssmParameterName,
      CARRIER_TIMEOUT_MS: positiveInt(5000),
      CARRIER_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(10)), 3),
      /** The weight the carrier is told for an order whose products have none (grams). */
      CARRIER_DEFAULT_PARCEL_GRAMS: positiveInt(500),
    })
    .check(
      z.superRefine((env, ctx) => {
        const local = env.AUTH_MODE === 'local';
        if (!local) {
          for (const key of [
            'COGNITO_USER_POOL_ID',
            'COGNITO_CLIENT_ID',
            'PAYMENT_GATEWAY_SECRET_PARAMETER',
            'PAYMENT_WEBHOOK_SECRET_PARAMETER',
            'CURSOR_SECRET_PARAMETER',
            'CARRIER_API_KEY_PARAMETER',
            'CARRIER_WEBHOOK_SECRET_PARAMETER',
            'WEBHOOK_SIGNING_KEY_PARAMETER',
            'CARRIER_FROM_ADDRESS_ID',
            'EMAIL_FROM',
            'EVENT_BUS_NAME',
          ] as const) {
            if (!env[key])
              ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required outside local mode` });
          }
          for (const key of [
            'PAYMENT_GATEWAY_SECRET',
            'CARRIER_API_KEY',
            'PAYMENT_WEBHOOK_SECRET',
            'CURSOR_SECRET',
          ] as const) {
            if (!env[key]) continue;
            // A plain secret in a function's environment is readable by anyone who can read its configuration.
            const message = `${key} is for local mode only: keep the secret in SSM Parameter Store`;
            ctx.addIssue({ code: 'custom', path: [key], message });
          }
          if (env.EMAIL_TRANSPORT === 'file') {
            // A Lambda's files vanish with its instance: every e-mail would be lost without an error.
            const message = 'EMAIL_TRANSPORT=file is for local mode only: use ses';
            ctx.addIssue({ code: 'custom', path: ['EMAIL_TRANSPORT'], message });
          }
        }
        if (isAwsLambda(env)) {
          // In AWS nothing of the local stack may be switched on, whatever AUTH_MODE says (issue 11).
          for (const problem of developmentSettingProblems(env)) {
            ctx.addIssue({ code: 'custom', path: ['AWS'], message: `refused in AWS Lambda: ${problem}` });
          }
        }
        if (local && !env.LOCAL_ISSUER_DIR) {
          ctx.addIssue({
            code: 'custom',
            path: ['LOCAL_ISSUER_DIR'],
            message: 'LOCAL_ISSUER_DIR is required in local mode',
          });
        }
      }),
    );

/** Local mode: the value (or its development default); elsewhere the SSM parameter, read at run time. */
function secretSetting(
  env: Env,
  localValue: string,
  parameter:
    | 'PAYMENT_GATEWAY_SECRET_PARAMETER'
    | 'PAYMENT_WEBHOOK_SECRET_PARAMETER'
    | 'CURSOR_SECRET_PARAMETER'
    | 'CARRIER_API_KEY_PARAMETER'
    | 'CARRIER_WEBHOOK_SECRET_PARAMETER'
    | 'WEBHOOK_SIGNING_KEY_PARAMETER',
): SecretSetting {
  return env.AUTH_MODE === 'local'
    ? { source: 'value', value: localValue }
    : { source: 'ssm', parameterName: env[parameter] as string };
}

type Env = z.output<ReturnType<typeof envSchema>>;

const configSchema = once(() =>
  z.pipe(
    envSchema(),
    z.transform((env: Env) => ({
      stage: env.STAGE,
      region: env.AWS_REGION,
      tableName: env.TABLE_NAME,
      currency: env.STORE_CURRENCY,
      reservationTtlSeconds: env.RESERVATION_TTL_SECONDS,
      tax: { pricesIncludeTax: env.PRICES_INCLUDE_TAX === 'true', ratesCacheSeconds: env.TAX_RATES_CACHE_SECONDS },
      checkout: {
        maxOrderTotal: env.MAX_ORDER_TOTAL,
        maxPendingOrdersPerCustomer: env.MAX_PENDING_ORDERS_PER_CUSTOMER,
      },
      queueMaxReceiveCount: env.QUEUE_MAX_RECEIVE_COUNT,
      returnWindowDays: env.RETURN_WINDOW_DAYS,
      jobs: {
        reconcileResendAfterSeconds: env.RECONCILE_RESEND_AFTER_SECONDS,
        maxItemsPerRun: env.JOB_MAX_ITEMS_PER_RUN,
      },
      rateLimits: {
        checkoutsPerMinute: env.RATE_LIMIT_CHECKOUTS_PER_MINUTE,
        requestsPerSecond: env.RATE_LIMIT_REQUESTS_PER_SECOND,
      },
      corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
      paymentWebhookSecret: secretSetting(
        env,
        env.PAYMENT_WEBHOOK_SECRET ?? LOCAL_PAYMENT_WEBHOOK_SECRET,
        'PAYMENT_WEBHOOK_SECRET_PARAMETER',
      ),
      paymentWebhookRetentionDays: env.PAYMENT_WEBHOOK_RETENTION_DAYS,
      paymentGateway: {
        baseUrl: env.PAYMENT_GATEWAY_URL,
        timeoutMs: env.PAYMENT_GATEWAY_TIMEOUT_MS,
        maxAttempts: env.PAYMENT_GATEWAY_MAX_ATTEMPTS,
        circuit: {
          failureThreshold: env.PAYMENT_CIRCUIT_FAILURE_THRESHOLD,
          windowSeconds: env.PAYMENT_CIRCUIT_WINDOW_SECONDS,
          cooldownSeconds: env.PAYMENT_CIRCUIT_COOLDOWN_SECONDS,
          cacheSeconds: env.PAYMENT_CIRCUIT_CACHE_SECONDS,
        },
        secret: secretSetting(
          env,
          env.PAYMENT_GATEWAY_SECRET ?? LOCAL_PAYMENT_GATEWAY_SECRET,
          'PAYMENT_GATEWAY_SECRET_PARAMETER',
        ),
      },
      cursorSecret: secretSetting(env, env.CURSOR_SECRET ?? LOCAL_CURSOR_SECRET, 'CURSOR_SECRET_PARAMETER'),
      webhookSigningKey: secretSetting(
        env,
        env.WEBHOOK_SIGNING_KEY ?? LOCAL_WEBHOOK_SIGNING_KEY,
        'WEBHOOK_SIGNING_KEY_PARAMETER',
      ),
      publicCacheMaxAgeSeconds: env.PUBLIC_CACHE_MAX_AGE_SECONDS,
      auth:
        env.AUTH_MODE === 'local'
          ? ({
              mode: 'local',
              issuer: env.LOCAL_ISSUER,
              clientId: env.LOCAL_CLIENT_ID,
              issuerDir: env.LOCAL_ISSUER_DIR as string,
            } as const)
          : ({
              mode: 'cognito',
              userPoolId: env.COGNITO_USER_POOL_ID as string,
              clientId: env.COGNITO_CLIENT_ID as string,
            } as const),
      queues: {
        payment: env.PAYMENT_QUEUE_URL,
        fulfilment: env.FULFILMENT_QUEUE_URL,
        notification: env.NOTIFICATION_QUEUE_URL,
        erasure: env.ERASURE_QUEUE_URL,
        webhook: env.WEBHOOK_QUEUE_URL,
      },
      // There is no EventBridge locally: the events reach the webhooks only.
      events: { busName: env.AUTH_MODE === 'local' ? null : (env.EVENT_BUS_NAME ?? null) },
      webhookDelivery: {
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        schedule: {
          baseDelaySeconds: env.WEBHOOK_RETRY_BASE_SECONDS,
          maxDelaySeconds: env.WEBHOOK_RETRY_MAX_SECONDS,
          giveUpAfterSeconds: env.WEBHOOK_GIVE_UP_AFTER_SECONDS,
        },
        circuit: {
          failureThreshold: env.WEBHOOK_CIRCUIT_FAILURE_THRESHOLD,
          windowSeconds: env.WEBHOOK_CIRCUIT_WINDOW_SECONDS,
          cooldownSeconds: env.WEBHOOK_CIRCUIT_COOLDOWN_SECONDS,
        },
      },
      email: {
        transport: env.EMAIL_TRANSPORT,
        // Local mode only (required in AWS): an `.invalid` domain can never reach a real mailbox.
        from: env.EMAIL_FROM ?? LOCAL_EMAIL_FROM,
        configurationSet: env.EMAIL_CONFIGURATION_SET ?? null,
        outboxDir: env.EMAIL_OUTBOX_DIR,
        shopName: env.EMAIL_SHOP_NAME,
        /** Sends per second of one worker instance: at most the worker's maximum concurrency run at once. */
        sendsPerSecondPerInstance: env.EMAIL_SENDS_PER_SECOND / env.NOTIFICATION_WORKER_MAX_CONCURRENCY,
      },
      carrier: {
        provider: env.CARRIER,
        baseUrl: env.CARRIER_API_URL,
        apiKey: secretSetting(env, env.CARRIER_API_KEY ?? LOCAL_CARRIER_API_KEY, 'CARRIER_API_KEY_PARAMETER'),
        webhookSecret: secretSetting(
          env,
          env.CARRIER_WEBHOOK_SECRET ?? LOCAL_CARRIER_WEBHOOK_SECRET,
          'CARRIER_WEBHOOK_SECRET_PARAMETER',
        ),
        // Local mode only (required in AWS): the sandbox's shop address.
        fromAddressId: env.CARRIER_FROM_ADDRESS_ID ?? LOCAL_CARRIER_FROM_ADDRESS_ID,
        timeoutMs: env.CARRIER_TIMEOUT_MS,
        maxAttempts: env.CARRIER_MAX_ATTEMPTS,
        defaultParcelGrams: env.CARRIER_DEFAULT_PARCEL_GRAMS,
      },
    })),
  ),
);

export type Config = z.output<ReturnType<typeof configSchema>>;
export type AuthConfig = Config['auth'];

/** Parses a configuration from an environment; throws one readable error listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Deployment templates pass unset optional variables as empty strings: treat them as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema().safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

let cached: Config | undefined;

/** The configuration of this process, parsed from `process.env` on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Forgets the parsed configuration (tests that change the environment). */
export function resetConfig(): void {
  cached = undefined;
}
