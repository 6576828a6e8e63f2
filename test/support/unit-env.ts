// Unit tests never reach an engine: resource names are placeholders and the SDK endpoints
// point at a closed loopback port, so an accidental call fails fast instead of leaving the machine.
Object.assign(process.env, {
  TABLE_NAME: 'unit-tests-have-no-table',
  AUTH_MODE: 'local',
  PAYMENT_QUEUE_URL: 'http://127.0.0.1:9/000000000000/payment',
  FULFILMENT_QUEUE_URL: 'http://127.0.0.1:9/000000000000/fulfilment',
  NOTIFICATION_QUEUE_URL: 'http://127.0.0.1:9/000000000000/notification',
  ERASURE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/erasure',
  WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/000000000000/webhook',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
  PAYMENT_GATEWAY_URL: 'http://127.0.0.1:9',
  CARRIER_API_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  CORS_ALLOWED_ORIGINS: 'https://shop.example',
  // E-mails as files in the run's scratch outbox (unit-global-setup.ts), never through SES.
  EMAIL_TRANSPORT: 'file',
  // Tests fire many calls from one address; rate-limit tests pass their own small limits.
  RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
  RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000000',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
