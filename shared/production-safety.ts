/**
 * What a deployed function refuses to run with (issue 11, item 8). The same rules guard the
 * deployment itself: scripts/deploy/production-safety-plugin.cjs loads this module.
 */

/** The local sandbox gateway's default key (scripts/local/sandbox-gateway.ts). */
export const LOCAL_PAYMENT_GATEWAY_SECRET = 'sk_test_local_sandbox';
/** The local sandbox carrier's default API key (scripts/local/sandbox-carrier.ts). */
export const LOCAL_CARRIER_API_KEY = 'EZTK_local_sandbox';
/** The carrier webhook secret in local mode (in AWS: the SSM parameter CARRIER_WEBHOOK_SECRET_PARAMETER). */
export const LOCAL_CARRIER_WEBHOOK_SECRET = 'carrier_local_webhook_secret';
/** The key outbound webhook secrets are derived from, in local mode (in AWS: WEBHOOK_SIGNING_KEY_PARAMETER). */
export const LOCAL_WEBHOOK_SIGNING_KEY = 'cartwheel-local-webhook-signing-key';
/** The payment webhook secret in local mode (in AWS: the SSM parameter PAYMENT_WEBHOOK_SECRET_PARAMETER). */
export const LOCAL_PAYMENT_WEBHOOK_SECRET = 'whsec_local_dev';
/** The cursor key in local mode, fixed so cursors survive restarts of `npm start`. */
export const LOCAL_CURSOR_SECRET = 'cartwheel-local-cursor-secret';

/** Every development default of a secret: known to anyone who reads this repository. */
export const DEVELOPMENT_SECRETS: readonly string[] = [
  LOCAL_PAYMENT_GATEWAY_SECRET,
  LOCAL_CARRIER_API_KEY,
  LOCAL_CARRIER_WEBHOOK_SECRET,
  LOCAL_WEBHOOK_SIGNING_KEY,
  LOCAL_PAYMENT_WEBHOOK_SECRET,
  LOCAL_CURSOR_SECRET,
];

/** 256 bits: an HMAC key shorter than its hash's output only weakens it. */
export const MIN_SECRET_BYTES = 32;

/**
 * Whether this process is a function in AWS Lambda. The runtime sets `AWS_LAMBDA_FUNCTION_NAME`;
 * serverless-offline (`npm start`) sets it too, with `IS_OFFLINE=true` beside it (and `npm run invoke`
 * sets that flag for `serverless invoke local`). `AWS_LAMBDA_RUNTIME_API`, which only a real Lambda
 * runtime sets, wins over the flag, so an `IS_OFFLINE` in a deployed function's configuration cannot
 * switch the checks off.
 */
export function isAwsLambda(env: Record<string, unknown>): boolean {
  if (env.AWS_LAMBDA_RUNTIME_API) return true;
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && env.IS_OFFLINE !== 'true';
}

/** Why a secret's value must not be used in AWS, or undefined when it may. */
export function secretValueProblem(name: string, value: string): string | undefined {
  if (DEVELOPMENT_SECRETS.includes(value)) return `${name} is a development default, published in the repository`;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `${name} is ${bytes} bytes long: at least ${MIN_SECRET_BYTES} are required`;
  return undefined;
}

/** The settings of a deployed function's environment that only make sense locally, with why. */
export function developmentSettingProblems(env: Record<string, unknown>): string[] {
  const text = (name: string) => (typeof env[name] === 'string' ? (env[name] as string) : undefined);
  const problems: string[] = [];
  if (text('AUTH_MODE') === 'local') problems.push('AUTH_MODE=local accepts tokens anyone can mint: use cognito');
  if (text('EMAIL_TRANSPORT') === 'file')
    problems.push('EMAIL_TRANSPORT=file writes e-mails that vanish with the Lambda instance: use ses');
  if (text('PAYMENT_GATEWAY_URL')?.toLowerCase().startsWith('http://'))
    problems.push('PAYMENT_GATEWAY_URL is http://: card tokens and the secret key would travel in clear text');
  if (text('CARRIER_API_URL')?.toLowerCase().startsWith('http://'))
    problems.push('CARRIER_API_URL is http://: addresses and the API key would travel in clear text');
  for (const name of [
    'PAYMENT_GATEWAY_SECRET',
    'CARRIER_API_KEY',
    'CARRIER_WEBHOOK_SECRET',
    'WEBHOOK_SIGNING_KEY',
    'PAYMENT_WEBHOOK_SECRET',
    'CURSOR_SECRET',
  ]) {
    const value = text(name);
    if (value) problems.push(secretValueProblem(name, value) ?? `${name} is set in plain environment: keep it in SSM`);
  }
  return problems;
}
