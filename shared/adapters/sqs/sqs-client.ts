import { SQSClient } from '@aws-sdk/client-sqs';

/** The SQS client; locally `AWS_ENDPOINT_URL_SQS` points it at the emulator. */
export function createSqsClient(region: string): SQSClient {
  return new SQSClient({ region, maxAttempts: 3 });
}
