import type { SecretSetting } from '../../shared/config';

/** The resource names every function's environment carries (set by serverless.yml). */
const resources = {
  TABLE_NAME: 'table',
  PAYMENT_QUEUE_URL: 'http://127.0.0.1:9/0/payment',
  FULFILMENT_QUEUE_URL: 'http://127.0.0.1:9/0/fulfilment',
  NOTIFICATION_QUEUE_URL: 'http://127.0.0.1:9/0/notification',
  ERASURE_QUEUE_URL: 'http://127.0.0.1:9/0/erasure',
  WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/0/webhook',
};

/** An environment of `npm start` (local auth): nothing else is required. */
export const localEnv = { ...resources, AUTH_MODE: 'local', LOCAL_ISSUER_DIR: '/issuer' };

/** A complete AWS environment: every variable required outside local mode, set. */
const awsEnv: Record<string, string> = {
  ...resources,
  AUTH_MODE: 'cognito',
  COGNITO_USER_POOL_ID: 'pool',
  COGNITO_CLIENT_ID: 'client',
  PAYMENT_GATEWAY_SECRET_PARAMETER: '/cartwheel/prod/payment-gateway-secret',
  PAYMENT_WEBHOOK_SECRET_PARAMETER: '/cartwheel/prod/payment-webhook-secret',
  CURSOR_SECRET_PARAMETER: '/cartwheel/prod/cursor-secret',
  CARRIER_API_KEY_PARAMETER: '/cartwheel/prod/carrier-api-key',
  CARRIER_WEBHOOK_SECRET_PARAMETER: '/cartwheel/prod/carrier-webhook-secret',
  WEBHOOK_SIGNING_KEY_PARAMETER: '/cartwheel/prod/webhook-signing-key',
  CARRIER_FROM_ADDRESS_ID: 'adr_0123456789abcdef',
  EMAIL_TRANSPORT: 'ses',
  EMAIL_FROM: 'Shop <orders@shop.example>',
  EVENT_BUS_NAME: 'cartwheel-prod',
};

/** The AWS environment without one required variable, for the tests of that variable. */
export function awsEnvWithout(name: string): Record<string, string> {
  const { [name]: _left, ...rest } = awsEnv;
  return rest;
}

/** The value of a secret in local mode (tests sign with it). */
export function localSecret(setting: SecretSetting): string {
  if (setting.source !== 'value') throw new Error('a local test needs local mode: the secret is in SSM');
  return setting.value;
}

/** A complete, production-safe environment as a deployed function sees it (Lambda's variables included). */
export function lambdaEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...awsEnv, AWS_LAMBDA_FUNCTION_NAME: 'cartwheel-prod-get-product', ...overrides };
}
