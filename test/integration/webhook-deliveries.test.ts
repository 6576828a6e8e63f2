import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as createEndpoint } from '../../functions/http/create-webhook-endpoint';
import { handler as listDeliveries } from '../../functions/http/list-webhook-deliveries';
import { handler as retryDelivery } from '../../functions/http/retry-webhook-delivery';
import { systemResolver } from '../../shared/adapters/dns-resolver';
import { sqsVisibilityHold } from '../../shared/adapters/sqs/sqs-visibility-hold';
import { createSqsWebhookDeliveryQueue } from '../../shared/adapters/sqs/sqs-webhook-delivery-queue';
import { buildWebhookDeliverer, type WebhookDelivererSettings } from '../../shared/container/webhooks';
import { type DomainEvent, newEventId } from '../../shared/domain/events/domain-event';
import type { WebhookDeliverer } from '../../shared/domain/webhooks/webhook-delivery';
import { LOCAL_WEBHOOK_SIGNING_KEY } from '../../shared/production-safety';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { webhookDeliveryRecordHandler, webhookRetryDelayOf } from '../../shared/workers/webhook-delivery-job';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';
import { useOwnTable } from '../support/own-table';
import { sqsEvent, sqsRecord } from '../support/sqs-event';
import { drainQueue, eventually, runQueueThrough, workerQueuePair } from '../support/sqs-queue';
import { localEndpointSecret, startWebhookReceiver, verifiesSignature } from '../support/webhook-receiver';

// Endpoints are shop-wide: a table of this file's own.
useOwnTable('webhook-deliveries');

/**
 * The webhook worker on the real engines (DynamoDB Local, the SQS emulator) against receivers on
 * 127.0.0.1: signed POSTs, retries held back on the queue, attempts kept and listed, the manual
 * retry, and one endpoint's circuit. Delays are shortened (1 s backoff, 1 s timeout).
 */
const db = testDocumentClient();
const sqs = new SQSClient({ region: process.env.AWS_REGION });
const receivers: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  db.destroy();
  sqs.destroy();
});

const admin = adminToken('admin-deliveries');

async function receiver(answers: Parameters<typeof startWebhookReceiver>[0] = []) {
  const started = await startWebhookReceiver(answers);
  receivers.push(started);
  return started;
}

async function endpointAt(url: string): Promise<string> {
  const created = await invoke(createEndpoint, {
    method: 'POST',
    path: '/v1/admin/webhook-endpoints',
    body: { url, events: ['*'] },
    token: admin,
  });
  expect(created.status).toBe(201);
  return created.json.id;
}

const settings = (overrides: Partial<WebhookDelivererSettings> = {}): WebhookDelivererSettings => ({
  key: async () => LOCAL_WEBHOOK_SIGNING_KEY,
  local: true,
  resolve: systemResolver,
  timeoutMs: 1000,
  schedule: { baseDelaySeconds: 1, maxDelaySeconds: 1, giveUpAfterSeconds: 3600 },
  circuit: { failureThreshold: 5, windowSeconds: 60, cooldownSeconds: 60 },
  ...overrides,
});

const delivererWith = (overrides: Partial<WebhookDelivererSettings> = {}) =>
  buildWebhookDeliverer({ db, name: tableName() }, settings(overrides));

/** The worker as deployed, over `deliverer`, holding failed records back on `queueUrl`. */
const workerOf = (deliverer: WebhookDeliverer, queueUrl: string) => {
  const handler = sqsBatchHandler(
    webhookDeliveryRecordHandler(() => deliverer),
    { delayOf: webhookRetryDelayOf, hold: sqsVisibilityHold(() => ({ url: queueUrl, client: sqs })) },
  );
  return (event: SQSEvent) => handler(event, lambdaContext('webhook-worker')) as Promise<SQSBatchResponse>;
};

/** The worker over records handed to it directly; holds are recorded, not made. */
const directWorker = (deliverer: WebhookDeliverer) => {
  const holds: number[] = [];
  const handler = sqsBatchHandler(
    webhookDeliveryRecordHandler(() => deliverer),
    {
      delayOf: webhookRetryDelayOf,
      hold: async (_record, seconds) => {
        holds.push(seconds);
        return true;
      },
    },
  );
  return { holds, run: (event: SQSEvent) => handler(event, lambdaContext('webhook-worker')) };
};

const anEvent = (type: DomainEvent['type'] = 'order.paid', at = new Date()): DomainEvent => {
  const occurredAt = at.toISOString();
  return { id: newEventId(occurredAt), type, occurredAt, data: { order: { orderId: 'ord_webhooktest0001' } } };
};

const deliveriesOf = (endpointId: string, token = admin, query: Record<string, string> = {}) =>
  invoke(listDeliveries, {
    method: 'GET',
    path: `/v1/admin/webhook-endpoints/${endpointId}/deliveries`,
    route: '/v1/admin/webhook-endpoints/{id}/deliveries',
    pathParameters: { id: endpointId },
    query,
    token,
  });

const retry = (endpointId: string, deliveryId: string, token = admin) =>
  invoke(retryDelivery, {
    method: 'POST',
    path: `/v1/admin/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/retry`,
    route: '/v1/admin/webhook-endpoints/{id}/deliveries/{deliveryId}/retry',
    pathParameters: { id: endpointId, deliveryId },
    token,
  });

describe('webhook deliveries (real engines, loopback receivers)', () => {
  it('retries a receiver that answers 500 three times, then 200: four signed attempts of one event, one success, listed', async () => {
    const hooks = await receiver([500, 500, 500]);
    const endpointId = await endpointAt(`${hooks.url}/hooks`);
    const { source } = await workerQueuePair({ functionName: 'webhook-worker', maxReceiveCount: 10, batchSize: 10 });
    const event = anEvent();
    await createSqsWebhookDeliveryQueue(sqs, source.queueUrl).send([{ endpointId, event }]);

    await runQueueThrough(sqs, source, workerOf(delivererWith(), source.queueUrl));

    expect(hooks.received).toHaveLength(4);
    const secret = localEndpointSecret(LOCAL_WEBHOOK_SIGNING_KEY, endpointId);
    for (const request of hooks.received) {
      expect(request.headers['cartwheel-event-id']).toBe(event.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual(event);
      expect(verifiesSignature(request.headers['cartwheel-signature'], request.body, secret)).toBe(true);
      expect(verifiesSignature(request.headers['cartwheel-signature'], request.body, `${secret}x`)).toBe(false);
    }
    // Held back on the queue between attempts (1 s here), not retried at once.
    const gaps = hooks.received
      .slice(1)
      .map((request, index) => request.receivedAt - (hooks.received[index]?.receivedAt ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);

    const listed = await deliveriesOf(endpointId);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      expect.objectContaining({
        id: event.id,
        eventId: event.id,
        eventType: 'order.paid',
        occurredAt: event.occurredAt,
        status: 'SUCCEEDED',
        nextAttemptAt: null,
      }),
    ]);
    expect(listed.json.items[0].attempts.map((attempt: { status: number }) => attempt.status)).toEqual([
      500, 500, 500, 200,
    ]);
    for (const attempt of listed.json.items[0].attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('retries a receiver that does not answer within the timeout', async () => {
    const hooks = await receiver(['hang']);
    const endpointId = await endpointAt(`${hooks.url}/slow`);
    const { source } = await workerQueuePair({ functionName: 'webhook-worker', maxReceiveCount: 10, batchSize: 10 });
    await createSqsWebhookDeliveryQueue(sqs, source.queueUrl).send([{ endpointId, event: anEvent('order.shipped') }]);

    await runQueueThrough(sqs, source, workerOf(delivererWith(), source.queueUrl));

    expect(hooks.received).toHaveLength(2);
    const [delivery] = (await deliveriesOf(endpointId)).json.items;
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ status: null, error: 'no answer within 1000 ms' }),
      expect.objectContaining({ status: 200, error: null }),
    ]);
  });

  it('delivers to a live endpoint while a dead one hangs, and a dead endpoint’s open circuit stops the calls to it', async () => {
    const dead = await receiver(['hang', 'hang', 'hang']);
    const live = await receiver();
    const deadId = await endpointAt(`${dead.url}/dead`);
    const liveId = await endpointAt(`${live.url}/live`);
    const worker = directWorker(
      delivererWith({ circuit: { failureThreshold: 2, windowSeconds: 60, cooldownSeconds: 60 } }),
    );
    const message = (endpointId: string) => sqsRecord({ endpointId, event: anEvent() });

    // One batch: the records go out side by side, so the live receiver has its event before the
    // dead one's attempt has timed out.
    await worker.run(sqsEvent([message(deadId), message(liveId)]));
    expect(live.received).toHaveLength(1);
    expect(dead.received).toHaveLength(1);
    expect(live.received[0]?.receivedAt).toBeLessThan(dead.received[0]?.closedAt ?? Number.POSITIVE_INFINITY);

    // A second failure opens the dead endpoint's circuit: from then on its deliveries wait out the
    // cooldown without a call, and the live endpoint's go through.
    await worker.run(sqsEvent([message(deadId)]));
    expect(dead.received).toHaveLength(2);
    const outcome = await worker.run(sqsEvent([message(deadId), message(deadId), message(liveId)]));
    expect(dead.received).toHaveLength(2);
    expect(live.received).toHaveLength(2);
    expect(outcome.batchItemFailures).toHaveLength(2);
    // Each delivery held back by the circuit keeps that as an attempt, so it backs off on its own schedule.
    const deadDeliveries = (await deliveriesOf(deadId)).json.items as Array<{ attempts: Array<{ error: string }> }>;
    expect(
      deadDeliveries.filter((delivery) => delivery.attempts.some((attempt) => attempt.error?.includes('circuit'))),
    ).toHaveLength(2);
    expect(worker.holds.slice(-2).every((seconds) => seconds > 30 && seconds <= 60)).toBe(true);
  });

  it('retries for the whole give-up time, keeps the delivery as FAILED, and an admin’s retry sends the same event again', async () => {
    const hooks = await receiver();
    hooks.answerFromNowOn(500);
    const endpointId = await endpointAt(`${hooks.url}/flaky`);
    const event = anEvent('order.refunded');
    const { source } = await workerQueuePair({ functionName: 'webhook-worker', maxReceiveCount: 50, batchSize: 10 });
    await createSqsWebhookDeliveryQueue(sqs, source.queueUrl).send([{ endpointId, event }]);
    const giveUpAfter2s = delivererWith({
      schedule: { baseDelaySeconds: 1, maxDelaySeconds: 1, giveUpAfterSeconds: 2 },
    });
    await runQueueThrough(sqs, source, workerOf(giveUpAfter2s, source.queueUrl));

    const [failed] = (await deliveriesOf(endpointId)).json.items;
    expect(failed).toMatchObject({ id: event.id, status: 'FAILED', nextAttemptAt: null });
    // Not given up before the whole time has passed since the first attempt.
    const times = failed.attempts.map((attempt: { at: string }) => Date.parse(attempt.at));
    expect(times.at(-1) - times[0]).toBeGreaterThanOrEqual(2000);
    expect(failed.attempts.every((attempt: { status: number }) => attempt.status === 500)).toBe(true);
    const calls = hooks.received.length;
    expect(calls).toBe(failed.attempts.length);

    // A duplicate message of the finished delivery makes no call.
    const worker = directWorker(giveUpAfter2s);
    await worker.run(sqsEvent([sqsRecord({ endpointId, event })]));
    expect(hooks.received).toHaveLength(calls);

    hooks.answerFromNowOn(200);
    const retried = await retry(endpointId, event.id);
    expect(retried.status).toBe(202);
    expect(retried.json).toMatchObject({ id: event.id, status: 'PENDING' });
    const queued = (await drainQueue(sqs, process.env.WEBHOOK_QUEUE_URL as string))
      .map((message) => JSON.parse(message.Body ?? '{}'))
      .filter((body) => body.event?.id === event.id);
    expect(queued).toEqual([{ endpointId, event }]);

    await worker.run(sqsEvent([sqsRecord(queued[0])]));
    expect(hooks.received).toHaveLength(calls + 1);
    expect(hooks.received.at(-1)?.headers['cartwheel-event-id']).toBe(event.id);
    const [succeeded] = (await deliveriesOf(endpointId)).json.items;
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(succeeded.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([
      ...failed.attempts.map(() => 500),
      200,
    ]);
  });

  it('keeps to the backoff when a duplicate message arrives early, and makes no call for it', async () => {
    const hooks = await receiver([500]);
    const endpointId = await endpointAt(`${hooks.url}/early`);
    const event = anEvent('order.shipped');
    const worker = directWorker(
      delivererWith({ schedule: { baseDelaySeconds: 30, maxDelaySeconds: 30, giveUpAfterSeconds: 3600 } }),
    );
    await worker.run(sqsEvent([sqsRecord({ endpointId, event })]));
    const [retrying] = (await deliveriesOf(endpointId)).json.items;
    expect(retrying.status).toBe('RETRYING');
    const dueInSeconds = (Date.parse(retrying.nextAttemptAt) - Date.now()) / 1000;
    expect(dueInSeconds).toBeGreaterThan(10);

    const duplicate = await worker.run(sqsEvent([sqsRecord({ endpointId, event })]));
    expect(duplicate.batchItemFailures).toHaveLength(1);
    expect(hooks.received).toHaveLength(1);
    // Held back until the next attempt is due, not retried at once.
    expect(worker.holds.at(-1)).toBeGreaterThan(dueInSeconds - 5);
    expect((await deliveriesOf(endpointId)).json.items[0].attempts).toHaveLength(1);
  });

  it('starts over when an admin retries while an attempt is in flight: the old attempt stores nothing, the new one delivers', async () => {
    const hooks = await receiver(['hang']);
    const endpointId = await endpointAt(`${hooks.url}/inflight`);
    const event = anEvent('order.paid');
    const worker = directWorker(delivererWith());
    // First, a delivery that failed once (so there is one to retry).
    const first = await receiver([500]);
    await worker.run(sqsEvent([sqsRecord({ endpointId: await endpointAt(`${first.url}/x`), event: anEvent() })]));
    await drainQueue(sqs, process.env.WEBHOOK_QUEUE_URL as string);

    const inFlight = worker.run(sqsEvent([sqsRecord({ endpointId, event })]));
    await eventually(async () => hooks.received.length === 1, 'the first attempt to reach the receiver');
    const retried = await retry(endpointId, event.id);
    expect(retried.status).toBe(202);
    await inFlight; // times out after 1 s: its attempt belongs to the old round
    const [restarted] = (await deliveriesOf(endpointId)).json.items;
    expect(restarted).toMatchObject({ status: 'PENDING', attempts: [] });

    const queued = (await drainQueue(sqs, process.env.WEBHOOK_QUEUE_URL as string))
      .map((message) => JSON.parse(message.Body ?? '{}'))
      .filter((body) => body.event?.id === event.id);
    expect(queued).toHaveLength(1);
    await worker.run(sqsEvent([sqsRecord(queued[0])]));
    const [delivered] = (await deliveriesOf(endpointId)).json.items;
    expect(delivered.status).toBe('SUCCEEDED');
    expect(delivered.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([200]);
    expect(hooks.received).toHaveLength(2);
  });

  it('lists newest first, page by page', async () => {
    const hooks = await receiver();
    const endpointId = await endpointAt(`${hooks.url}/paged`);
    const worker = directWorker(delivererWith());
    // Ids sort by their event's time (to the millisecond).
    const start = Date.now();
    const events = [
      anEvent('order.placed', new Date(start)),
      anEvent('order.paid', new Date(start + 1)),
      anEvent('order.shipped', new Date(start + 2)),
    ];
    for (const event of events) await worker.run(sqsEvent([sqsRecord({ endpointId, event })]));
    const first = await deliveriesOf(endpointId, admin, { limit: '2' });
    expect(first.json.items.map((item: { eventType: string }) => item.eventType)).toEqual([
      'order.shipped',
      'order.paid',
    ]);
    const second = await deliveriesOf(endpointId, admin, { limit: '2', cursor: first.json.nextCursor });
    expect(second.json.items.map((item: { eventType: string }) => item.eventType)).toEqual(['order.placed']);
    expect(second.json.nextCursor).toBeNull();
  });

  it('answers customers 403 and unknown endpoints or deliveries 404, changing nothing', async () => {
    const hooks = await receiver();
    const endpointId = await endpointAt(`${hooks.url}/guarded`);
    const customer = customerToken('customer-webhooks');
    const event = anEvent();
    await directWorker(delivererWith()).run(sqsEvent([sqsRecord({ endpointId, event })]));

    for (const response of [await deliveriesOf(endpointId, customer), await retry(endpointId, event.id, customer)])
      expect({ status: response.status, code: response.json.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const unknownEndpoint = await deliveriesOf('we_00000000000000000000000000000000');
    expect({ status: unknownEndpoint.status, code: unknownEndpoint.json.code }).toEqual({
      status: 404,
      code: 'WEBHOOK_ENDPOINT_NOT_FOUND',
    });
    const unknownDelivery = await retry(endpointId, newEventId(new Date().toISOString()));
    expect({ status: unknownDelivery.status, code: unknownDelivery.json.code }).toEqual({
      status: 404,
      code: 'WEBHOOK_DELIVERY_NOT_FOUND',
    });
    const malformed = await retry(endpointId, 'evt_nope');
    expect(malformed.status).toBe(400);
    expect(hooks.received).toHaveLength(1);
    expect((await deliveriesOf(endpointId)).json.items[0]).toMatchObject({ status: 'SUCCEEDED' });
  });
});
