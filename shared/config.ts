import * as z from 'zod';

/**
 * Runtime configuration: one zod schema over `process.env`, parsed once per cold start.
 * A missing resource name fails the cold start loudly instead of defaulting silently.
 */
const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const ConfigSchema = z
  .object({
    STAGE: z.string().min(1).default('local'),
    AWS_REGION: z.string().min(1).default('eu-west-1'),
    TABLE_NAME: z.string().min(1),
    STORE_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
      .default('EUR'),
    RESERVATION_TTL_SECONDS: positiveInt(900),
    RATE_LIMIT_CHECKOUTS_PER_MINUTE: positiveInt(20),
    RATE_LIMIT_REQUESTS_PER_SECOND: positiveInt(50),
    CORS_ALLOWED_ORIGINS: csv,
    PAYMENT_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** HMAC key protecting pagination cursors. */
    CURSOR_SECRET: z.string().min(16).optional(),
    PUBLIC_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(60),
    AUTH_MODE: z.enum(['cognito', 'local']).default('cognito'),
    COGNITO_USER_POOL_ID: z.string().optional(),
    COGNITO_CLIENT_ID: z.string().optional(),
    LOCAL_ISSUER: z.string().default('https://local.cartwheel.invalid/issuer'),
    LOCAL_CLIENT_ID: z.string().default('cartwheel-local'),
    LOCAL_ISSUER_DIR: z.string().optional(),
    PAYMENT_QUEUE_URL: z.url(),
    FULFILMENT_QUEUE_URL: z.url(),
    NOTIFICATION_QUEUE_URL: z.url(),
    ERASURE_QUEUE_URL: z.url(),
  })
  .superRefine((env, ctx) => {
    const local = env.AUTH_MODE === 'local';
    if (!local) {
      for (const key of [
        'COGNITO_USER_POOL_ID',
        'COGNITO_CLIENT_ID',
        'PAYMENT_WEBHOOK_SECRET',
        'CURSOR_SECRET',
      ] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required outside local mode` });
      }
    }
    if (local && !env.LOCAL_ISSUER_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOCAL_ISSUER_DIR'],
        message: 'LOCAL_ISSUER_DIR is required in local mode',
      });
    }
  })
  .transform((env) => ({
    stage: env.STAGE,
    region: env.AWS_REGION,
    tableName: env.TABLE_NAME,
    currency: env.STORE_CURRENCY,
    reservationTtlSeconds: env.RESERVATION_TTL_SECONDS,
    rateLimits: {
      checkoutsPerMinute: env.RATE_LIMIT_CHECKOUTS_PER_MINUTE,
      requestsPerSecond: env.RATE_LIMIT_REQUESTS_PER_SECOND,
    },
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    paymentWebhookSecret: env.PAYMENT_WEBHOOK_SECRET ?? 'whsec_local_dev',
    // Local mode only: a fixed development key, so cursors survive restarts of `npm start`.
    cursorSecret: env.CURSOR_SECRET ?? 'cartwheel-local-cursor-secret',
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
    },
  }));

export type Config = z.output<typeof ConfigSchema>;
export type AuthConfig = Config['auth'];

/** Parses a configuration from an environment; throws one readable error listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Deployment templates pass unset optional variables as empty strings: treat them as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ConfigSchema.safeParse(present);
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
