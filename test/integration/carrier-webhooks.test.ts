import { createHmac, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as carrierWebhook } from '../../functions/http/carrier-webhook';
import { handler as fulfilmentWorker } from '../../functions/queue/fulfilment-worker';
import { keys } from '../../shared/adapters/dynamo/keys';
import { config } from '../../shared/config';
import { orderRepository, workOutbox } from '../../shared/container/orders';
import { createFulfilmentService } from '../../shared/domain/fulfilment/fulfilment-service';
import { systemClock } from '../../shared/lib/clock';
import { eventTypes, orderOf, outboxRecord, paidOrder } from '../support/checkout';
import { localSecret } from '../support/config-env';
import { invoke, lambdaContext } from '../support/http-event';
import { tableName, testDocumentClient } from '../support/integration';
import { advanceParcel, sandboxCarrier } from '../support/sandbox-carrier';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

/**
 * `POST /v1/webhooks/carrier` with the real table, for orders shipped through the sandbox carrier.
 * The events are built and signed here, with node:crypto and the scheme as EasyPost documents it
 * (not with the code under test).
 */

const db = testDocumentClient();
afterAll(() => db.destroy());

const secret = () => localSecret(config().carrier.webhookSecret);
const sign = (raw: string, key = secret()) =>
  `hmac-sha256-hex=${createHmac('sha256', key.normalize('NFKD')).update(raw, 'utf8').digest('hex')}`;

interface Shipped {
  sub: string;
  orderId: string;
  shipmentId: string;
  trackingNumber: string;
}

const deliverFulfilment = async (orderId: string) =>
  (await fulfilmentWorker(
    sqsEvent([sqsRecord({ type: 'FULFILMENT_REQUESTED', orderId })]),
    lambdaContext('fulfilment-worker'),
  )) as SQSBatchResponse;

async function carrierShipmentOf(orderId: string): Promise<string> {
  const item = await db.send(
    new GetCommand({ TableName: tableName(), Key: keys.order(orderId), ConsistentRead: true }),
  );
  const shipmentId = item.Item?.carrierShipmentId;
  if (typeof shipmentId !== 'string') throw new Error(`order ${orderId} has no carrier shipment`);
  return shipmentId;
}

/** A paid order shipped by the deployed fulfilment worker through the sandbox carrier. */
async function shippedOrder(): Promise<Shipped> {
  const order = await paidOrder({ prefix: 'tracking', quantity: 1 });
  expect(await deliverFulfilment(order.orderId)).toEqual({ batchItemFailures: [] });
  const view = await orderOf(order);
  expect(view.status).toBe('SHIPPED');
  return {
    sub: order.sub,
    orderId: order.orderId,
    shipmentId: await carrierShipmentOf(order.orderId),
    trackingNumber: view.shipment?.trackingNumber ?? '',
  };
}

/** An EasyPost `tracker.updated` event about the shipment's tracker. */
function trackerEvent(shipped: Pick<Shipped, 'shipmentId' | 'trackingNumber'>, status: string, at = new Date()) {
  const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    object: 'Event',
    mode: 'test',
    description: 'tracker.updated',
    created_at: timestamp,
    updated_at: timestamp,
    previous_attributes: { status: 'pre_transit' },
    result: {
      id: 'trk_test',
      object: 'Tracker',
      tracking_code: shipped.trackingNumber,
      status,
      status_detail: 'status_update',
      carrier: 'USPS',
      shipment_id: shipped.shipmentId,
      updated_at: timestamp,
      tracking_details: [],
    },
  };
}

/** POSTs the body as the carrier would: exact bytes, signed with the webhook secret unless told otherwise. */
function deliver(body: unknown, signature?: string | null) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const header = signature === undefined ? sign(raw) : signature;
  return invoke(carrierWebhook, {
    method: 'POST',
    path: '/v1/webhooks/carrier',
    body: raw,
    headers: { 'Content-Type': 'application/json', ...(header === null ? {} : { 'X-Hmac-Signature': header }) },
  });
}

describe('POST /v1/webhooks/carrier (DynamoDB Local, sandbox carrier)', () => {
  it('refuses a missing, malformed or wrong signature, or a body changed after signing, and changes nothing', async () => {
    const shipped = await shippedOrder();
    const event = trackerEvent(shipped, 'delivered');
    const raw = JSON.stringify(event);
    for (const signature of [
      null,
      'hmac-sha256-hex=zz',
      `sha1=${'0'.repeat(40)}`,
      sign(raw, 'another-secret-of-someone-else'),
      sign(raw.replace('delivered', 'in_transit')),
    ]) {
      const response = await deliver(raw, signature);
      expect({ signature, status: response.status, code: response.json.code }).toEqual({
        signature,
        status: 400,
        code: 'INVALID_SIGNATURE',
      });
    }
    const view = await orderOf(shipped);
    expect({ status: view.status, shipment: view.shipment?.status }).toEqual({
      status: 'SHIPPED',
      shipment: 'LABEL_CREATED',
    });
  });

  it('moves the shipment forward with each status, appends it to the events, and delivers the order once', async () => {
    const shipped = await shippedOrder();
    for (const status of ['in_transit', 'out_for_delivery']) {
      const response = await deliver(trackerEvent(shipped, status));
      expect({ status: response.status, body: response.json }).toEqual({
        status: 200,
        body: { received: true, duplicate: false },
      });
    }
    expect((await orderOf(shipped)).shipment?.status).toBe('OUT_FOR_DELIVERY');

    const deliveredAt = new Date(Date.now() - 60_000);
    expect((await deliver(trackerEvent(shipped, 'delivered', deliveredAt))).status).toBe(200);

    const view = await orderOf(shipped);
    expect(view.status).toBe('DELIVERED');
    expect(view.shipment).toMatchObject({
      status: 'DELIVERED',
      deliveredAt: deliveredAt.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      trackingNumber: shipped.trackingNumber,
    });
    expect(eventTypes(view)).toEqual([
      'ORDER_PLACED',
      'PAYMENT_SUCCEEDED',
      'SHIPPED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);
    // The DELIVERED e-mail is work of the transition, written in its transaction.
    expect(await outboxRecord(db, shipped.orderId, 'NOTIFY_DELIVERED')).toMatchObject({
      message: { type: 'NOTIFICATION_REQUESTED', orderId: shipped.orderId, event: 'DELIVERED' },
    });
  });

  it('applies the events the sandbox carrier itself builds and signs, as EasyPost sends them', async () => {
    const shipped = await shippedOrder();
    for (const status of ['in_transit', 'out_for_delivery', 'delivered'] as const) {
      const { body, signature, event } = await advanceParcel(shipped.orderId, status);
      expect(event.result).toMatchObject({ shipment_id: shipped.shipmentId, tracking_code: shipped.trackingNumber });
      const response = await deliver(body, signature);
      expect({ status, code: response.status, body: response.json }).toEqual({
        status,
        code: 200,
        body: { received: true, duplicate: false },
      });
    }
    const view = await orderOf(shipped);
    expect({ status: view.status, shipment: view.shipment?.status }).toEqual({
      status: 'DELIVERED',
      shipment: 'DELIVERED',
    });
  });

  it('acknowledges a replayed event once: the same id is a duplicate and is not applied again', async () => {
    const shipped = await shippedOrder();
    const event = trackerEvent(shipped, 'in_transit');
    expect((await deliver(event)).json).toEqual({ received: true, duplicate: false });
    const replay = await deliver(event);
    expect({ status: replay.status, body: replay.json }).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    expect(eventTypes(await orderOf(shipped)).filter((type) => type === 'IN_TRANSIT')).toHaveLength(1);
  });

  it('changes nothing after DELIVERED, whatever comes late', async () => {
    const shipped = await shippedOrder();
    expect((await deliver(trackerEvent(shipped, 'delivered'))).status).toBe(200);
    const delivered = await orderOf(shipped);

    for (const status of ['in_transit', 'out_for_delivery', 'failure', 'pre_transit', 'delivered']) {
      const late = await deliver(trackerEvent(shipped, status));
      expect({ status, code: late.status, body: late.json }).toEqual({
        status,
        code: 200,
        body: { received: true, duplicate: false },
      });
    }
    const after = await orderOf(shipped);
    expect(after).toEqual(delivered);
  });

  it('never moves a shipment on its way backwards: IN_TRANSIT after OUT_FOR_DELIVERY, or IN_TRANSIT again, changes nothing', async () => {
    const shipped = await shippedOrder();
    expect((await deliver(trackerEvent(shipped, 'in_transit'))).status).toBe(200);
    expect((await deliver(trackerEvent(shipped, 'out_for_delivery'))).status).toBe(200);
    const ahead = await orderOf(shipped);
    for (const status of ['in_transit', 'in_transit', 'available_for_pickup', 'pre_transit', 'out_for_delivery']) {
      const late = await deliver(trackerEvent(shipped, status));
      expect({ status, code: late.status }).toEqual({ status, code: 200 });
    }
    expect(await orderOf(shipped)).toEqual(ahead);
    expect(ahead.shipment?.status).toBe('OUT_FOR_DELIVERY');
    expect(eventTypes(ahead).slice(3)).toEqual(['IN_TRANSIT', 'OUT_FOR_DELIVERY']);
  });

  it('lets a failed delivery still end delivered, but never back in transit', async () => {
    const shipped = await shippedOrder();
    await deliver(trackerEvent(shipped, 'failure'));
    await deliver(trackerEvent(shipped, 'in_transit'));
    expect((await orderOf(shipped)).shipment?.status).toBe('DELIVERY_FAILED');
    await deliver(trackerEvent(shipped, 'delivered'));
    const view = await orderOf(shipped);
    expect({ status: view.status, shipment: view.shipment?.status, events: eventTypes(view).slice(3) }).toEqual({
      status: 'DELIVERED',
      shipment: 'DELIVERED',
      events: ['DELIVERY_FAILED', 'DELIVERED'],
    });
  });

  it('applies concurrent updates forward only: the furthest status wins, whatever order they land in', async () => {
    const shipped = await shippedOrder();
    const responses = await Promise.all(
      ['in_transit', 'out_for_delivery', 'in_transit', 'out_for_delivery'].map((status) =>
        deliver(trackerEvent(shipped, status)),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const view = await orderOf(shipped);
    expect(view.shipment?.status).toBe('OUT_FOR_DELIVERY');
    expect(view.status).toBe('SHIPPED');
    // OUT_FOR_DELIVERY once; IN_TRANSIT at most once, and only before it.
    const types = eventTypes(view);
    expect(types.filter((type) => type === 'OUT_FOR_DELIVERY')).toHaveLength(1);
    expect(types.filter((type) => type === 'IN_TRANSIT').length).toBeLessThanOrEqual(1);
    expect(types.at(-1)).toBe('OUT_FOR_DELIVERY');
  });

  it('acknowledges and ignores a tracker of no order, a status that says nothing, and other events', async () => {
    const shipped = await shippedOrder();
    const before = await orderOf(shipped);
    const unknown = await deliver(trackerEvent({ shipmentId: 'shp_nobodys0001', trackingNumber: 'EZ9' }, 'delivered'));
    expect({ status: unknown.status, body: unknown.json }).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    expect((await deliver(trackerEvent(shipped, 'unknown'))).status).toBe(200);
    expect((await deliver({ ...trackerEvent(shipped, 'delivered'), description: 'refund.successful' })).status).toBe(
      200,
    );
    expect(await orderOf(shipped)).toEqual(before);
  });

  it('refuses a tracker event that is not a tracker (400, nothing applied)', async () => {
    const shipped = await shippedOrder();
    const event = trackerEvent(shipped, 'delivered');
    const response = await deliver({
      ...event,
      result: { ...event.result, tracking_code: undefined, object: 'Parcel' },
    });
    expect(response.status).toBe(400);
    expect(response.json.code).toBe('VALIDATION_FAILED');
    expect((await orderOf(shipped)).status).toBe('SHIPPED');
  });

  it('answers 503 with Retry-After while the label is bought but the order not yet SHIPPED, and applies the event once it is', async () => {
    const order = await paidOrder({ prefix: 'tracking', quantity: 1 });
    // The worker bought the label and crashed before its SHIPPED transition.
    const crashing = createFulfilmentService({
      orders: {
        ...orderRepository(),
        transition: async () => {
          throw new Error('Lambda timed out');
        },
      },
      carrier: sandboxCarrier(),
      clock: systemClock,
      work: workOutbox(),
      defaultParcelGrams: 500,
    });
    await expect(crashing.ship(order.orderId)).rejects.toThrow('Lambda timed out');
    const shipmentId = await carrierShipmentOf(order.orderId);
    const label = await sandboxCarrier().buyLabel(shipmentId);
    const event = trackerEvent({ shipmentId, trackingNumber: label.trackingNumber }, 'in_transit');

    const early = await deliver(event);
    expect({ status: early.status, code: early.json.code, retryAfter: early.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'SHIPMENT_NOT_RECORDED',
      retryAfter: '5',
    });
    expect((await orderOf(order)).status).toBe('PAID');

    // SQS delivers the fulfilment message again; the carrier delivers its event again.
    expect(await deliverFulfilment(order.orderId)).toEqual({ batchItemFailures: [] });
    const again = await deliver(event);
    expect({ status: again.status, body: again.json }).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    const view = await orderOf(order);
    expect({ status: view.status, shipment: view.shipment?.status, tracking: view.shipment?.trackingNumber }).toEqual({
      status: 'SHIPPED',
      shipment: 'IN_TRANSIT',
      tracking: label.trackingNumber,
    });
  });
});
