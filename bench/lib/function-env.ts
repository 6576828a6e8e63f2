import { LOCAL_ACCOUNT_ID, localAwsEnv } from '../../scripts/local/local-aws';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';
import { LOCAL_PAYMENT_GATEWAY_SECRET } from '../../shared/config';

export interface FunctionEnvOptions {
  definition: ServerlessDefinition;
  dynamoEndpoint: string;
  tableName: string;
  issuerDir: string;
  /** The sandbox payment gateway the bench starts (BenchContext.paymentGateway) on this URL. */
  paymentGatewayUrl: string;
}

/**
 * Discard port on loopback: the read routes measured with this environment never use the queues, so
 * their URLs only need to be valid, and a stray send fails at once without leaving the machine. The
 * checkout measures replace them with the SQS emulator and its queues (BenchContext.checkoutStack).
 */
const UNUSED_SQS_ENDPOINT = 'http://127.0.0.1:9';

/**
 * The environment a deployed function sees (provider.environment of serverless.yml, resolved
 * for the bench stage), pointed at DynamoDB Local, with local auth, and with logs and metrics
 * silenced so the bench measures the request path rather than stdout.
 */
export function functionEnv(options: FunctionEnvOptions): Record<string, string> {
  const { definition } = options;
  const deployed = Object.entries(definition.provider.environment ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const queueUrl = (name: string) => `${UNUSED_SQS_ENDPOINT}/${LOCAL_ACCOUNT_ID}/${definition.service}-bench-${name}`;
  return {
    ...Object.fromEntries(deployed),
    ...localAwsEnv({
      dynamoEndpoint: options.dynamoEndpoint,
      sqsEndpoint: UNUSED_SQS_ENDPOINT,
      region: definition.provider.region,
    }),
    TABLE_NAME: options.tableName,
    AUTH_MODE: 'local',
    LOCAL_ISSUER_DIR: options.issuerDir,
    PAYMENT_QUEUE_URL: queueUrl('payment'),
    FULFILMENT_QUEUE_URL: queueUrl('fulfilment'),
    NOTIFICATION_QUEUE_URL: queueUrl('notification'),
    ERASURE_QUEUE_URL: queueUrl('erasure'),
    WEBHOOK_QUEUE_URL: queueUrl('webhook'),
    // One client calls hundreds of times a second: the limit must not refuse it, while every call
    // still pays the counter write it would pay in production.
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    // The sandbox, with its default key (local mode reads the secret from the environment).
    PAYMENT_GATEWAY_URL: options.paymentGatewayUrl,
    PAYMENT_GATEWAY_SECRET: LOCAL_PAYMENT_GATEWAY_SECRET,
    // No bench of this environment books shipments: a stray carrier call fails at once, on loopback.
    CARRIER_API_URL: UNUSED_SQS_ENDPOINT,
    // A hiccup of the loaded machine (a gateway timeout) must fail its message, not open the circuit
    // and turn the rest of the run into fast failures; the shared state is still read as in production.
    PAYMENT_CIRCUIT_FAILURE_THRESHOLD: '1000000',
    // A country's tax rates are read at most once per TAX_RATES_CACHE_SECONDS per instance: the first
    // (unrecorded) order of a measure reads them, and a run longer than the deployed minute must not
    // count a second read against one order as if every order paid it.
    TAX_RATES_CACHE_SECONDS: '3600',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}
