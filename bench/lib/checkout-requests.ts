import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { LOCAL_CREDENTIALS, SHADOWING_AWS_VARIABLES } from '../../scripts/local/local-aws';
import { OUTBOX_SHARD_COUNT } from '../../shared/adapters/dynamo/dynamo-order-repository';
import { keys } from '../../shared/adapters/dynamo/keys';
import { httpEvent, lambdaContext } from '../../test/support/http-event';
import type { CheckoutStack } from '../bench-context';

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** A plausible shipping address (its size is part of every order item). */
export const SHIPPING_ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

/** serverless.yml's provider.timeout: an invocation that takes longer would have failed in AWS. */
const INVOCATION_TIMEOUT_MS = 10_000;

/** One prepared checkout: a new customer (Cognito subs are UUIDs), its token, a new Idempotency-Key. */
export interface CheckoutRequest {
  sub: string;
  token: string;
  idempotencyKey: string;
  items: Array<{ sku: string; quantity: number }>;
}

export function checkoutRequest(stack: CheckoutStack, skus: string[]): CheckoutRequest {
  const sub = randomUUID();
  return {
    sub,
    token: stack.customerToken(sub),
    idempotencyKey: randomUUID(),
    items: skus.map((sku) => ({ sku, quantity: 1 })),
  };
}

export interface CheckoutResult {
  statusCode: number;
  body: string;
}

/** POST /v1/orders as API Gateway delivers it; a thrown error or a timeout counts as status 0. */
export async function invokeCheckout(handler: Handler, request: CheckoutRequest): Promise<CheckoutResult> {
  const event = httpEvent({
    method: 'POST',
    path: '/v1/orders',
    headers: { 'Idempotency-Key': request.idempotencyKey },
    body: { items: request.items, shippingAddress: SHIPPING_ADDRESS, paymentToken: 'tok_visa' },
    token: request.token,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`over ${INVOCATION_TIMEOUT_MS} ms`)), INVOCATION_TIMEOUT_MS);
  });
  try {
    const result = (await Promise.race([
      handler(event, lambdaContext('create-order')),
      timeout,
    ])) as APIGatewayProxyStructuredResultV2;
    return { statusCode: result?.statusCode ?? 0, body: String(result?.body ?? '') };
  } catch (error) {
    return { statusCode: 0, body: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Puts the function environment into this process, before a handler reads its configuration. */
export function applyFunctionEnv(env: Record<string, string>): void {
  Object.assign(process.env, env);
  for (const name of SHADOWING_AWS_VARIABLES) delete process.env[name];
}

/**
 * What happened to the payment work: messages on the payment queue, and outbox records still in
 * the table (a record is deleted once its message is sent; one left means a send failed).
 */
export function paymentProbe(stack: CheckoutStack) {
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
  const dynamo = new DynamoDBClient({
    endpoint: stack.dynamoEndpoint,
    region: stack.region,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    async queuedMessages(): Promise<number> {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack.paymentQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? Number.NaN) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    async outboxRecords(): Promise<number> {
      let count = 0;
      for (let shard = 0; shard < OUTBOX_SHARD_COUNT; shard++) {
        let start: QueryCommand['input']['ExclusiveStartKey'];
        // Bounded: a page holds up to 1 MB of keys, far more than a run leaves.
        for (let page = 0; page < 100; page++) {
          const result = await dynamo.send(
            new QueryCommand({
              TableName: stack.tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :pk',
              ExpressionAttributeValues: { ':pk': { S: keys.outboxIndex(shard, '', '').GSI1PK } },
              Select: 'COUNT',
              ExclusiveStartKey: start,
            }),
          );
          count += result.Count ?? 0;
          start = result.LastEvaluatedKey;
          if (!start) break;
        }
      }
      return count;
    },
    close(): void {
      sqs.destroy();
      dynamo.destroy();
    },
  };
}

/** `{ 201: 998, 409: 2 }` as `201 ×998, 409 ×2`. */
export function describeStatuses(counts: Map<number, number>): string {
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status === 0 ? 'error' : status} ×${count}`)
    .join(', ');
}
