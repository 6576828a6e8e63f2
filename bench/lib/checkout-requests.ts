import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { LOCAL_CREDENTIALS, SHADOWING_AWS_VARIABLES } from '../../scripts/local/local-aws';
import { OUTBOX_SHARD_COUNT } from '../../shared/adapters/dynamo/dynamo-work-outbox';
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

/** The payment work records in the table (GSI1, every outbox shard). */
export interface PaymentRecords {
  /** Records of PAYMENT work: a checkout writes one, and the payment's transition deletes it. */
  records: number;
  /** Sent again by the reconcile job (`sends` ≥ 1): taken as lost. */
  resent: number;
}

/**
 * What happened to the payment work: messages on the work queues (the stream's forwarder sends
 * each record's message), and the PAYMENT work records in the table, which stay, as their
 * transaction wrote them, until the payment is settled (no payment worker runs in the checkout
 * measures).
 */
/** A DynamoDB client of the bench's own (not the functions'), on the checkout stack's DynamoDB Local. */
export function stackDynamoClient(stack: CheckoutStack): DynamoDBClient {
  return new DynamoDBClient({ endpoint: stack.dynamoEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
}

export function paymentProbe(stack: CheckoutStack) {
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
  const dynamo = stackDynamoClient(stack);
  /** Messages on a queue, visible or in flight. */
  const queued = async (queueUrl: string): Promise<number> => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? Number.NaN) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  return {
    queued,
    queuedMessages: () => queued(stack.paymentQueueUrl),
    async paymentRecords(): Promise<PaymentRecords> {
      const counts: PaymentRecords = { records: 0, resent: 0 };
      for (let shard = 0; shard < OUTBOX_SHARD_COUNT; shard++) {
        let start: QueryCommand['input']['ExclusiveStartKey'];
        // Bounded: a page holds up to 1 MB of the two attributes, far more than a run leaves.
        for (let page = 0; page < 100; page++) {
          const result = await dynamo.send(
            new QueryCommand({
              TableName: stack.tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :pk',
              FilterExpression: '#kind = :payment',
              ProjectionExpression: '#kind, sends',
              ExpressionAttributeNames: { '#kind': 'kind' },
              ExpressionAttributeValues: {
                ':pk': { S: keys.outboxIndex(shard, '', '', '').GSI1PK },
                ':payment': { S: 'PAYMENT' },
              },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of result.Items ?? []) {
            counts.records++;
            if (Number(item.sends?.N ?? 0) > 0) counts.resent++;
          }
          start = result.LastEvaluatedKey;
          if (!start) break;
        }
      }
      return counts;
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
