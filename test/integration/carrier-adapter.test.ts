import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as fulfilmentWorker } from '../../functions/queue/fulfilment-worker';
import { ounces } from '../../shared/adapters/carrier/easypost-carrier';
import { orderRepository, workOutbox } from '../../shared/container/orders';
import { ShipmentRejectedError } from '../../shared/domain/fulfilment/carrier';
import { createFulfilmentService } from '../../shared/domain/fulfilment/fulfilment-service';
import { systemClock } from '../../shared/lib/clock';
import { address, orderOf, outboxRecord, type PendingOrder, paidOrder } from '../support/checkout';
import { lambdaContext } from '../support/http-event';
import { testDocumentClient } from '../support/integration';
import { carrierStats, injectCarrierFaults, sandboxCarrier, sandboxShipment } from '../support/sandbox-carrier';
import { sqsEvent, sqsRecord } from '../support/sqs-event';
import { drainQueue, runQueueThrough, workerQueuePair } from '../support/sqs-queue';

/**
 * The production carrier adapter (EasyPost's API) against the sandbox carrier of globalSetup, and
 * the fulfilment worker over it: a lost answer, a storm of 5xx, a refusal for good.
 */

const region = process.env.AWS_REGION ?? 'eu-west-1';
const sqs = new SQSClient({ region, endpoint: process.env.AWS_ENDPOINT_URL_SQS as string });
const db = testDocumentClient();
afterAll(() => {
  sqs.destroy();
  db.destroy();
});

const request = (orderId: string, overrides: Partial<typeof address> = {}) => ({
  orderId,
  address: { ...address, ...overrides },
  weightGrams: 1200,
});
const reference = () => `ref-${Math.random().toString(36).slice(2)}`;

/**
 * The adapter with a transport that, just before the label is bought, tells the sandbox to hold its
 * next answer back longer than the adapter waits: the purchase is made, its answer lost.
 */
function losingTheBuyAnswer(orderId: string, options: { maxAttempts: number }) {
  let lost = 0;
  const carrier = sandboxCarrier({
    timeoutMs: 300,
    maxAttempts: options.maxAttempts,
    fetch: async (input, init) => {
      if (String(input).endsWith('/buy') && lost === 0) {
        lost++;
        await injectCarrierFaults(orderId, { delayMs: 1500 });
      }
      return fetch(input, init);
    },
  });
  return { carrier, lost: () => lost };
}

describe('the EasyPost adapter against the sandbox', () => {
  it('creates a shipment, buys its cheapest rate once, and answers a repeated purchase with the same label', async () => {
    const orderId = reference();
    const carrier = sandboxCarrier();
    const { shipmentId } = await carrier.createShipment(request(orderId));
    expect(shipmentId).toMatch(/^shp_/);

    const label = await carrier.buyLabel(shipmentId);
    expect(label).toEqual({
      carrier: 'USPS',
      trackingNumber: expect.stringMatching(/^EZ\d{10}$/),
      trackingUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/track\/trk_/),
    });
    const shipment = (await (
      await fetch(`${process.env.CARRIER_API_URL}/v2/shipments/${shipmentId}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${process.env.CARRIER_API_KEY}:`).toString('base64')}` },
      })
    ).json()) as { selected_rate: { service: string }; parcel: { weight: number } };
    // The sandbox lists Priority first: the adapter chose by amount, not by position.
    expect(shipment.selected_rate.service).toBe('GroundAdvantage');
    expect(shipment.parcel.weight).toBe(ounces(1200));

    expect(await carrier.buyLabel(shipmentId)).toEqual(label);
    expect(await carrierStats(orderId)).toMatchObject({ shipments: 1, labels: 1 });
  });

  it('retries a purchase whose answer was lost and gets the label it made: one label', async () => {
    const orderId = reference();
    const { carrier, lost } = losingTheBuyAnswer(orderId, { maxAttempts: 3 });
    const { shipmentId } = await carrier.createShipment(request(orderId));

    const label = await carrier.buyLabel(shipmentId);

    expect(lost()).toBe(1);
    expect(label.trackingNumber).toMatch(/^EZ\d{10}$/);
    expect(await carrierStats(orderId)).toMatchObject({ shipments: 1, labels: 1 });
  });

  it('refuses for good an address the carrier cannot serve, and a parcel it cannot take', async () => {
    const carrier = sandboxCarrier();
    await expect(carrier.createShipment(request(reference(), { line1: '9 Undeliverable Lane' }))).rejects.toMatchObject(
      { name: 'ShipmentRejectedError', reason: 'undeliverable-address' },
    );
    await expect(carrier.createShipment(request(reference(), { postalCode: ' ' }))).rejects.toBeInstanceOf(
      ShipmentRejectedError,
    );
    await expect(carrier.createShipment({ ...request(reference()), weightGrams: Number.NaN })).rejects.toMatchObject({
      reason: 'invalid-parcel',
    });
  });

  it('does not retry a wrong key, and retries a 5xx with the same request', async () => {
    const wrongKey = sandboxCarrier({ apiKey: 'EZTK_not_the_key', maxAttempts: 3 });
    const orderId = reference();
    await expect(wrongKey.createShipment(request(orderId))).rejects.toMatchObject({
      name: 'CarrierError',
      retryable: false,
      httpStatus: 401,
    });

    await injectCarrierFaults(orderId, { serverErrors: 2 });
    const { shipmentId } = await sandboxCarrier({ maxAttempts: 3 }).createShipment(request(orderId));
    expect(shipmentId).toMatch(/^shp_/);
    expect(await carrierStats(orderId)).toMatchObject({ shipments: 1, requests: 3 });
  });

  it('voids a label, again harmlessly, and answers `not-booked` for a shipment never bought', async () => {
    const carrier = sandboxCarrier();
    const orderId = reference();
    const bought = await carrier.createShipment(request(orderId));
    await carrier.buyLabel(bought.shipmentId);
    expect(await carrier.cancel(bought.shipmentId)).toBe('cancelled');
    expect(await carrier.cancel(bought.shipmentId)).toBe('cancelled');
    const unbought = await carrier.createShipment(request(orderId));
    expect(await carrier.cancel(unbought.shipmentId)).toBe('not-booked');
    expect(await carrierStats(orderId)).toMatchObject({ shipments: 2, labels: 1, refunds: 1 });
  });
});

describe('the fulfilment worker over the sandbox carrier', () => {
  const deliver = async (orderId: string) =>
    (await fulfilmentWorker(
      sqsEvent([sqsRecord({ type: 'FULFILMENT_REQUESTED', orderId })]),
      lambdaContext('fulfilment-worker'),
    )) as SQSBatchResponse;

  it('ships a paid order with the label it bought: tracking number, tracking page, LABEL_CREATED', async () => {
    const order = await paidOrder({ prefix: 'carrier', quantity: 1 });
    expect(await deliver(order.orderId)).toEqual({ batchItemFailures: [] });

    const view = await orderOf(order);
    expect(view.status).toBe('SHIPPED');
    expect(view.shipment).toEqual(sandboxShipment());
    // A duplicate of the message buys nothing more.
    expect(await deliver(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1 });
  });

  it('buys one label when a timed-out delivery comes again: the stored shipment is bought, not a new one', async () => {
    const order = await paidOrder({ prefix: 'carrier', quantity: 1 });
    // The first delivery's purchase is made, its answer lost, and it has no retry left: the message fails.
    const { carrier } = losingTheBuyAnswer(order.orderId, { maxAttempts: 1 });
    const first = createFulfilmentService({
      orders: orderRepository(),
      carrier,
      clock: systemClock,
      work: workOutbox(),
      defaultParcelGrams: 500,
    });
    await expect(first.ship(order.orderId)).rejects.toMatchObject({ name: 'CarrierError', retryable: true });
    expect((await orderOf(order)).status).toBe('PAID');
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1 });

    // SQS delivers it again, to the deployed worker.
    expect(await deliver(order.orderId)).toEqual({ batchItemFailures: [] });
    const view = await orderOf(order);
    expect(view.status).toBe('SHIPPED');
    expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1 });
  });

  it('parks an order the carrier refuses for good, with its reason, and buys nothing', async () => {
    const order = await paidOrder({
      prefix: 'carrier',
      quantity: 1,
      shippingAddress: { ...address, line1: '1 Undeliverable Row' },
    });
    expect(await deliver(order.orderId)).toEqual({ batchItemFailures: [] });
    expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({
      parkedReason: 'undeliverable-address',
    });
    expect((await orderOf(order)).status).toBe('PAID');
    expect(await carrierStats(order.orderId)).toMatchObject({ labels: 0 });
  });

  it('sends a storm of 5xx to the DLQ and loses nothing: sent = shipped + dead-lettered, one label each, the work kept', async () => {
    const maxReceiveCount = 3;
    const { source, deadLetterUrl } = await workerQueuePair({
      functionName: 'fulfilment-worker',
      maxReceiveCount,
      batchSize: 4,
    });
    const orders: PendingOrder[] = [];
    for (let index = 0; index < 6; index++) orders.push(await paidOrder({ prefix: 'carrier-storm', quantity: 1 }));
    const stormed = orders.filter((_, index) => index % 2 === 1);
    const healthy = orders.filter((_, index) => index % 2 === 0);
    // More 5xx than every attempt of every delivery makes: these orders never get an answer.
    for (const order of stormed) await injectCarrierFaults(order.orderId, { serverErrors: 1000 });

    const { Successful = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.queueUrl,
        Entries: orders.map((order, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify({ type: 'FULFILMENT_REQUESTED', orderId: order.orderId }),
          MessageAttributes: { orderId: { DataType: 'String', StringValue: order.orderId } },
        })),
      }),
    );
    const { acknowledged } = await runQueueThrough(
      sqs,
      source,
      async (event) => (await fulfilmentWorker(event, lambdaContext('fulfilment-worker'))) as SQSBatchResponse,
    );
    const deadLetters = await drainQueue(sqs, deadLetterUrl);

    const orderIdOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { orderId: string }).orderId;
    expect(Successful).toHaveLength(orders.length);
    expect(acknowledged.length + deadLetters.length).toBe(Successful.length);
    expect(deadLetters.map((message) => orderIdOf(message.Body)).sort()).toEqual(
      stormed.map((order) => order.orderId).sort(),
    );
    for (const order of healthy) {
      expect((await orderOf(order)).status).toBe('SHIPPED');
      expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1 });
    }
    for (const order of stormed) {
      expect((await orderOf(order)).status).toBe('PAID');
      expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 0, labels: 0 });
      // Not done: the durable record stays for reconcile, which sends it again once the carrier answers.
      expect(await outboxRecord(db, order.orderId, 'FULFILMENT')).toMatchObject({ orderId: order.orderId });
    }

    // The storm passes; the resent work ships each of them with exactly one label.
    for (const order of stormed) await injectCarrierFaults(order.orderId, { serverErrors: 0 });
    for (const order of stormed) {
      expect(await deliver(order.orderId)).toEqual({ batchItemFailures: [] });
      expect((await orderOf(order)).status).toBe('SHIPPED');
      expect(await carrierStats(order.orderId)).toMatchObject({ shipments: 1, labels: 1 });
    }
  }, 120_000);
});
