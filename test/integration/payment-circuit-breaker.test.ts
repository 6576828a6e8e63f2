/**
 * The payment circuit breaker on its real store (DynamoDB Local) and the payment worker holding
 * messages back on the real SQS emulator while the circuit is open. Every test has a circuit of its
 * own name and its own small thresholds, so the production circuit other tests use is untouched.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { toLambdaSqsEvent } from '../../scripts/local/sqs-event-mapping';
import { createDynamoCircuitStore } from '../../shared/adapters/dynamo/dynamo-circuit-store';
import { createDynamoClient } from '../../shared/adapters/dynamo/dynamo-client';
import { keys } from '../../shared/adapters/dynamo/keys';
import { createStripePaymentGateway } from '../../shared/adapters/payments/stripe-payment-gateway';
import { createSqsClient } from '../../shared/adapters/sqs/sqs-client';
import { sqsVisibilityHold } from '../../shared/adapters/sqs/sqs-visibility-hold';
import { config } from '../../shared/config';
import {
  CircuitOpenError,
  type CircuitTransition,
  circuitBreakingGateway,
  createCircuitBreaker,
} from '../../shared/domain/payments/circuit-breaker';
import type { OpenCircuitBackoffPolicy } from '../../shared/domain/payments/open-circuit-backoff';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { ChargeRequest, ChargeResult, PaymentGateway } from '../../shared/domain/payments/payment-gateway';
import { type Clock, systemClock } from '../../shared/lib/clock';
import { logger } from '../../shared/observability';
import { openCircuitDelayOf, paymentRecordHandler } from '../../shared/workers/payment-job';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { paymentServiceWith, placeOrder, readOrder, stockedProduct } from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { tableName, testDocumentClient } from '../support/integration';
import { sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

const dynamo = createDynamoClient(process.env.AWS_REGION as string);
const db = testDocumentClient();
const sqs = createSqsClient(process.env.AWS_REGION as string);
afterAll(() => {
  dynamo.destroy();
  db.destroy();
  sqs.destroy();
});

const store = createDynamoCircuitStore(dynamo, tableName());
const uniqueCircuit = () => `test-${randomUUID()}`;

/** A gateway that answers every charge the same way, counting the calls. */
function countingGateway(answer: () => ChargeResult | Error) {
  const calls = { charges: 0, refunds: 0 };
  const gateway: PaymentGateway = {
    async charge() {
      calls.charges++;
      const result = answer();
      if (result instanceof Error) throw result;
      return result;
    },
    async refund() {
      calls.refunds++;
      return { refundId: 're_test' };
    },
  };
  return { gateway, calls };
}

const outage = () => new PaymentGatewayError('server-error', 'HTTP 500', { httpStatus: 500 });
const paid = (): ChargeResult => ({ outcome: 'succeeded', paymentIntentId: 'pi_test' });

/** One Lambda instance's breaker over `gateway` on the shared table: 3 failures in 60 s open it for 30 s. */
function instance(name: string, gateway: PaymentGateway, clock: Clock = systemClock) {
  const transitions: CircuitTransition[] = [];
  const breaker = createCircuitBreaker({
    name,
    store,
    clock,
    failureThreshold: 3,
    windowSeconds: 60,
    cooldownSeconds: 30,
    cacheSeconds: 0,
    onTransition: (transition) => transitions.push(transition),
    onStoreError: (error) => {
      throw error;
    },
  });
  return { gateway: circuitBreakingGateway(gateway, breaker), breaker, transitions };
}

const charge = (gateway: PaymentGateway, orderId = `ord_${randomUUID()}`): Promise<unknown> => {
  const request: ChargeRequest = {
    orderId,
    amount: 1000,
    currency: 'EUR',
    paymentToken: 'tok_visa',
    idempotencyKey: orderId,
  };
  return gateway.charge(request).catch((error: unknown) => error);
};

const circuitItem = async (name: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.circuit(name), ConsistentRead: true }))).Item;

describe('the payment circuit shared by every instance (DynamoDB Local)', () => {
  it('failures seen by one instance open the circuit for another, which then does not call its gateway', async () => {
    const name = uniqueCircuit();
    const failing = countingGateway(outage);
    const healthy = countingGateway(paid);
    const first = instance(name, failing.gateway);
    const second = instance(name, healthy.gateway);
    expect(await charge(second.gateway)).toEqual(paid());

    for (let i = 0; i < 3; i++) expect(await charge(first.gateway)).toBeInstanceOf(PaymentGatewayError);
    const refused = await charge(second.gateway);

    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryInSeconds).toBeGreaterThan(0);
    expect((refused as CircuitOpenError).retryInSeconds).toBeLessThanOrEqual(30);
    expect(healthy.calls.charges).toBe(1);
    expect(await second.breaker.state()).toBe('open');
    expect(first.transitions).toEqual([expect.objectContaining({ to: 'open', from: 'closed', failures: 3 })]);
    expect(await circuitItem(name)).toMatchObject({ type: 'Circuit', failures: 3, openUntil: expect.any(Number) });
  });

  it('when two instances fail at once, every failure is counted and exactly one of them opens the circuit', async () => {
    const name = uniqueCircuit();
    const one = instance(name, countingGateway(outage).gateway);
    const other = instance(name, countingGateway(outage).gateway);

    await Promise.all(Array.from({ length: 12 }, (_, i) => charge((i % 2 === 0 ? one : other).gateway)));

    const opened = [...one.transitions, ...other.transitions].filter(({ to }) => to === 'open');
    expect(opened).toHaveLength(1);
    expect(await circuitItem(name)).toMatchObject({ failures: 12 });
  });

  it('after the cooldown, one instance’s successful trial closes the circuit for the other', async () => {
    const name = uniqueCircuit();
    let nowMs = Date.now();
    const clock: Clock = { now: () => new Date(nowMs) };
    const failing = instance(name, countingGateway(outage).gateway, clock);
    const recovered = countingGateway(paid);
    const trying = instance(name, recovered.gateway, clock);
    for (let i = 0; i < 3; i++) await charge(failing.gateway);
    expect(await charge(trying.gateway)).toBeInstanceOf(CircuitOpenError);

    nowMs += 30_000;
    expect(await charge(trying.gateway)).toEqual(paid());

    expect(await failing.breaker.state()).toBe('closed');
    expect(trying.transitions).toEqual([{ circuit: name, to: 'closed' }]);
    const item = await circuitItem(name);
    expect(item).not.toHaveProperty('openUntil');
    expect(item).not.toHaveProperty('failures');
    expect(recovered.calls.charges).toBe(1);
  });
});

describe('the payment worker while the circuit is open (DynamoDB Local, SQS emulator, sandbox gateway)', () => {
  // A queue per test: a message one test leaves in flight cannot turn up in the next one.
  let queueUrl: string;
  beforeEach(async () => {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: `payment-circuit-${randomUUID()}` }));
    queueUrl = created.QueueUrl as string;
  });
  afterEach(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })));

  /** The payment worker as functions/queue/payment-worker.ts builds it, around a breaker of its own. */
  function paymentWorker(
    circuit: string,
    backoff: OpenCircuitBackoffPolicy = {
      reservationTtlSeconds: config().reservationTtlSeconds,
      maxReceiveCount: config().queueMaxReceiveCount,
    },
  ) {
    const { paymentGateway: settings } = config();
    const sandbox = createStripePaymentGateway({
      baseUrl: settings.baseUrl,
      secret: async () => process.env.PAYMENT_GATEWAY_SECRET as string,
      timeoutMs: settings.timeoutMs,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const { gateway } = instance(circuit, sandbox);
    const payments = paymentServiceWith(gateway);
    return sqsBatchHandler(
      paymentRecordHandler(() => payments),
      { delayOf: openCircuitDelayOf(() => backoff), hold: sqsVisibilityHold(() => ({ url: queueUrl, client: sqs })) },
    );
  }

  async function pendingPayment() {
    const sub = `circuit-${randomUUID()}`;
    const sku = await stockedProduct(5);
    const placed = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    if (placed.status !== 201) throw new Error(`order not placed: ${placed.body}`);
    const { orderId, total: amount, currency } = placed.json;
    return {
      sub,
      orderId,
      message: { type: 'PAYMENT_REQUESTED', orderId, paymentToken: 'tok_visa', amount, currency },
    };
  }

  /** Receives what is visible now: nothing, or the one message of the test's queue. */
  async function receive(visibilityTimeout?: number): Promise<Message | undefined> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        VisibilityTimeout: visibilityTimeout,
      }),
    );
    expect((Messages ?? []).length).toBeLessThanOrEqual(1);
    return Messages?.[0];
  }

  const inFlight = async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('charges nothing, reports the record failed and hides the message until the cooldown ends; then it comes back', async () => {
    const circuit = uniqueCircuit();
    const placed = await pendingPayment();
    // The circuit has 4 s of cooldown left.
    await store.open(circuit, Date.now(), Date.now() + 4000);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(placed.message) }));
    // Received as Lambda would, hidden for 1 s only: without the worker's delay it would be back after that.
    const message = await receive(1);
    if (!message) throw new Error('the message was not received');
    const receivedAt = Date.now();
    const event = toLambdaSqsEvent([message], { queueArn: 'arn:aws:sqs:local:000000000000:payment', region: 'local' });

    const result = (await paymentWorker(circuit)(event, lambdaContext('payment-worker'))) as SQSBatchResponse;

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: message.MessageId }] });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 0, chargeAttempts: 0 });
    expect((await readOrder(placed.sub, placed.orderId)).json.status).toBe('PENDING_PAYMENT');
    // Past the 1 s the receive asked for, the message is still hidden (and not deleted).
    await sleep(Math.max(0, receivedAt + 1500 - Date.now()));
    expect(await receive()).toBeUndefined();
    expect(await inFlight()).toBe(1);
    // After the cooldown it is delivered again, its receive count grown (the dead-letter queue still bounds it).
    let again: Message | undefined;
    for (let polls = 0; !again && polls < 100; polls++) {
      again = await receive();
      if (!again) await sleep(100);
    }
    expect(again?.MessageId).toBe(message.MessageId);
    // 2 in SQS; the emulator also counts the ChangeMessageVisibility as a receive (3).
    expect(Number(again?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(2);
  });

  it('holds a message refused again at a later delivery far longer than the retry-after, so an outage does not dead-letter it early', async () => {
    const circuit = uniqueCircuit();
    const placed = await pendingPayment();
    // 2 s of cooldown left: the first delivery's hold alone would bring the message back after that.
    await store.open(circuit, Date.now(), Date.now() + 2000);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(placed.message) }));
    // Its first delivery went nowhere (hidden for 1 s only); the worker gets the second one.
    expect(await receive(1)).toBeDefined();
    let second: Message | undefined;
    for (let polls = 0; !second && polls < 100; polls++) {
      second = await receive(1);
      if (!second) await sleep(100);
    }
    if (!second) throw new Error('the message was not delivered again');
    expect(Number(second.Attributes?.ApproximateReceiveCount)).toBe(2);
    const receivedAt = Date.now();
    const event = toLambdaSqsEvent([second], { queueArn: 'arn:aws:sqs:local:000000000000:payment', region: 'local' });

    const worker = paymentWorker(circuit, { reservationTtlSeconds: 900, maxReceiveCount: 5 });
    const result = (await worker(event, lambdaContext('payment-worker'))) as SQSBatchResponse;

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: second.MessageId }] });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 0, chargeAttempts: 0 });
    // Well past the retry-after (and the 1 s the receive asked for), it is still held, not deleted.
    await sleep(Math.max(0, receivedAt + 3500 - Date.now()));
    expect(await receive()).toBeUndefined();
    expect(await inFlight()).toBe(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.ReceiptHandle }));
  });

  it('when the message cannot be delayed (a receipt handle SQS does not know), logs that and still reports the record failed', async () => {
    const circuit = uniqueCircuit();
    const placed = await pendingPayment();
    await store.open(circuit, Date.now(), Date.now() + 30_000);
    const record: SQSRecord = sqsRecord(placed.message);
    const warnings = jest.spyOn(logger, 'warn');

    const result = (await paymentWorker(circuit)(
      sqsEvent([record]),
      lambdaContext('payment-worker'),
    )) as SQSBatchResponse;

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(await sandboxStats(placed.orderId)).toMatchObject({ charges: 0, chargeAttempts: 0 });
    expect(warnings).toHaveBeenCalledWith(
      expect.stringMatching(/could not delay/),
      expect.objectContaining({ messageId: record.messageId, visibility: expect.any(Number) }),
    );
    warnings.mockRestore();
  });
});
