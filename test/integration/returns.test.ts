import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { handler as createReturn } from '../../functions/http/create-return';
import { handler as createShippingMethod } from '../../functions/http/create-shipping-method';
import { handler as listOrderReturns } from '../../functions/http/list-order-returns';
import { handler as listReturns } from '../../functions/http/list-returns';
import { handler as receiveReturn } from '../../functions/http/receive-return';
import { handler as rejectReturn } from '../../functions/http/reject-return';
import { handler as fulfilmentWorker } from '../../functions/queue/fulfilment-worker';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { createDynamoOrderErasure } from '../../shared/adapters/dynamo/dynamo-order-erasure';
import { keys } from '../../shared/adapters/dynamo/keys';
import { orderRepository, workOutbox } from '../../shared/container/orders';
import { paymentGateway } from '../../shared/container/payments';
import { returnRepository } from '../../shared/container/returns';
import { createPaymentService } from '../../shared/domain/payments/payment-service';
import { systemClock } from '../../shared/lib/clock';
import { address, eventTypes, orderOf, outboxRecord, paidOrder, stockOf } from '../support/checkout';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';
import { useOwnTable } from '../support/own-table';
import { sandboxStats } from '../support/sandbox-gateway';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

/**
 * Returns and their refunds (contract §5.6) with the real table and the sandbox payment gateway:
 * the request's checks, the shop's receive and reject, and the refund by the payment worker, once.
 */

// A shipping method is shop-wide: in a table of this file's own, so other files' checkouts are not changed.
useOwnTable('returns');
const db = testDocumentClient();
afterAll(() => db.destroy());

/** Orders of this file ship to Portugal, for a flat 4.90. */
const PORTUGAL = { ...address, city: 'Lisboa', postalCode: '1100-148', country: 'PT' };
beforeAll(async () => {
  const created = await invoke(createShippingMethod, {
    method: 'POST',
    path: '/v1/shipping-methods',
    body: {
      code: 'returns-pt',
      name: 'Returns test parcel',
      countries: ['PT'],
      rate: { type: 'flat', amount: 490 },
      minDeliveryDays: 2,
      maxDeliveryDays: 4,
    },
    token: adminToken(),
  });
  expect([201, 409]).toContain(created.status);
});

interface Shipped {
  sub: string;
  orderId: string;
  sku: string;
  total: number;
}

/** A paid order of `quantity` units at 1250 each (stock 10), shipped through the sandbox carrier. */
async function shippedOrder(quantity = 3): Promise<Shipped> {
  const order = await paidOrder({ prefix: 'returns', quantity, onHand: 10, price: 1250, shippingAddress: PORTUGAL });
  expect(order.total).toBe(quantity * 1250 + 490);
  const shipped = (await fulfilmentWorker(
    sqsEvent([sqsRecord({ type: 'FULFILMENT_REQUESTED', orderId: order.orderId })]),
    lambdaContext('fulfilment-worker'),
  )) as SQSBatchResponse;
  expect(shipped).toEqual({ batchItemFailures: [] });
  expect((await orderOf(order)).status).toBe('SHIPPED');
  return { sub: order.sub, orderId: order.orderId, sku: order.sku, total: order.total };
}

const requestReturn = (
  order: Shipped,
  items: Array<{ sku: string; quantity: number }>,
  token = customerToken(order.sub),
) =>
  invoke(createReturn, {
    method: 'POST',
    path: `/v1/orders/${order.orderId}/returns`,
    route: '/v1/orders/{orderId}/returns',
    pathParameters: { orderId: order.orderId },
    body: { items, reason: 'Does not fit' },
    token,
  });

const adminAct = (handler: typeof receiveReturn, action: 'receive' | 'reject', returnId: string) =>
  invoke(handler, {
    method: 'POST',
    path: `/v1/admin/returns/${returnId}/${action}`,
    route: `/v1/admin/returns/{returnId}/${action}`,
    pathParameters: { returnId },
    token: adminToken(),
  });
const receive = (returnId: string) => adminAct(receiveReturn, 'receive', returnId);
const reject = (returnId: string) => adminAct(rejectReturn, 'reject', returnId);

/** What the table's stream and the payment worker do with a received return's refund work. */
async function deliverRefund(order: Shipped, returnId: string) {
  const work = await outboxRecord(db, order.orderId, `REFUND_${returnId}`);
  expect(work?.message).toEqual({ type: 'REFUND_REQUESTED', orderId: order.orderId, returnId });
  const result = (await paymentWorker(sqsEvent([sqsRecord(work?.message)]), lambdaContext('payment-worker'))) as
    | SQSBatchResponse
    | undefined;
  expect(result?.batchItemFailures ?? []).toEqual([]);
}

const returnsOf = async (order: Shipped) =>
  (
    await invoke(listOrderReturns, {
      method: 'GET',
      path: `/v1/orders/${order.orderId}/returns`,
      route: '/v1/orders/{orderId}/returns',
      pathParameters: { orderId: order.orderId },
      token: customerToken(order.sub),
    })
  ).json.items as Array<{ returnId: string; status: string; refundAmount: number }>;

describe('returns (DynamoDB Local, sandbox gateway)', () => {
  it('takes a return of some units, restocks them when received, refunds their share once, and shows it on the order', async () => {
    const order = await shippedOrder(3);
    const stockBefore = await stockOf(db, order.sku);

    const requested = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect(requested.status).toBe(201);
    expect(requested.json).toMatchObject({
      orderId: order.orderId,
      status: 'REQUESTED',
      items: [{ sku: order.sku, quantity: 1, refundAmount: 1250 }],
      refundAmount: 1250,
      reason: 'Does not fit',
    });
    const { returnId } = requested.json;

    const received = await receive(returnId);
    expect({ status: received.status, return: received.json.status }).toEqual({ status: 200, return: 'RECEIVED' });
    expect(await stockOf(db, order.sku)).toEqual({
      onHand: stockBefore.onHand + 1,
      reserved: stockBefore.reserved,
      available: stockBefore.available + 1,
    });

    await deliverRefund(order, returnId);
    // A redelivery of the same message refunds nothing more.
    const again = (await paymentWorker(
      sqsEvent([sqsRecord({ type: 'REFUND_REQUESTED', orderId: order.orderId, returnId })]),
      lambdaContext('payment-worker'),
    )) as SQSBatchResponse | undefined;
    expect(again?.batchItemFailures ?? []).toEqual([]);

    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 1 });
    const view = await orderOf(order);
    expect({ refunded: view.refunded, status: view.status }).toEqual({ refunded: 1250, status: 'SHIPPED' });
    expect(eventTypes(view).slice(3)).toEqual(['RETURN_REQUESTED', 'RETURN_RECEIVED', 'REFUNDED']);
    expect((await returnsOf(order)).map((ret) => ret.status)).toEqual(['REFUNDED']);
    expect(await outboxRecord(db, order.orderId, `REFUND_${returnId}`)).toBeUndefined();
    // Each step's e-mail is work of its own transaction, one record per return and step.
    for (const event of ['RETURN_REQUESTED', 'RETURN_RECEIVED', 'RETURN_REFUNDED'])
      expect(await outboxRecord(db, order.orderId, `NOTIFY_${event}_${returnId}`)).toMatchObject({
        message: { type: 'NOTIFICATION_REQUESTED', orderId: order.orderId, event, returnId },
      });
  });

  it('refuses more than was bought, counting what other returns take back; a second return of the rest completes the order with its shipping', async () => {
    const order = await shippedOrder(2);
    const tooMany = await requestReturn(order, [{ sku: order.sku, quantity: 3 }]);
    expect({ status: tooMany.status, code: tooMany.json.code }).toEqual({ status: 409, code: 'RETURN_NOT_ALLOWED' });

    const first = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect(first.status).toBe(201);
    const overlapping = await requestReturn(order, [{ sku: order.sku, quantity: 2 }]);
    expect({ status: overlapping.status, code: overlapping.json.code }).toEqual({
      status: 409,
      code: 'RETURN_NOT_ALLOWED',
    });
    const rest = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect(rest.status).toBe(201);
    // Together they give back everything that was charged, shipping included, and never more.
    expect(first.json.refundAmount + rest.json.refundAmount).toBe(order.total);
    expect(rest.json.refundAmount).toBeGreaterThanOrEqual(first.json.refundAmount);

    for (const ret of [first.json, rest.json]) {
      expect((await receive(ret.returnId)).status).toBe(200);
      await deliverRefund(order, ret.returnId);
    }
    const view = await orderOf(order);
    expect(view.refunded).toBe(order.total);
    const stats = await sandboxStats(order.orderId);
    expect(stats.refunds).toBe(2);
    // Nothing left to return.
    const more = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect(more.status).toBe(409);
  });

  it('makes one refund when the same return is received twice at once', async () => {
    const order = await shippedOrder(2);
    const { returnId } = (await requestReturn(order, [{ sku: order.sku, quantity: 2 }])).json;
    const stockBefore = await stockOf(db, order.sku);

    const answers = await Promise.all([receive(returnId), receive(returnId)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await stockOf(db, order.sku)).toMatchObject({ onHand: stockBefore.onHand + 2 });

    // The work may be delivered twice at once as well: both succeed, one refund.
    await Promise.all([deliverRefund(order, returnId), deliverRefund(order, returnId)]);
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 1 });
    const view = await orderOf(order);
    expect(view.refunded).toBe(order.total);
    expect(eventTypes(view).filter((type) => type === 'RETURN_RECEIVED')).toHaveLength(1);
    expect(eventTypes(view).filter((type) => type === 'REFUNDED')).toHaveLength(1);
  });

  it('lets one of two requests at once take the last unit', async () => {
    const order = await shippedOrder(1);
    const answers = await Promise.all([
      requestReturn(order, [{ sku: order.sku, quantity: 1 }]),
      requestReturn(order, [{ sku: order.sku, quantity: 1 }]),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(await returnsOf(order)).toHaveLength(1);
  });

  it('prices a return again when it is received: a rejected return before it gives it no shipping, the last one received does', async () => {
    const order = await shippedOrder(2);
    const first = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    const second = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    expect(first.refundAmount + second.refundAmount).toBe(order.total);
    expect((await reject(first.returnId)).status).toBe(200);

    // The customer keeps a unit: the second return, received now, gives back that unit's share only.
    const received = await receive(second.returnId);
    expect(received.json).toMatchObject({ status: 'RECEIVED', refundAmount: first.refundAmount });
    await deliverRefund(order, second.returnId);
    // The kept unit comes back after all: its return completes the order.
    const third = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    expect((await receive(third.returnId)).json.refundAmount).toBe(order.total - first.refundAmount);
    await deliverRefund(order, third.returnId);
    expect((await orderOf(order)).refunded).toBe(order.total);
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 2 });
  });

  it('erases the customer and the reason from the returns of an erased customer’s order', async () => {
    const order = await shippedOrder(1);
    const { returnId } = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    const stored = await orderRepository().get(order.orderId);
    if (!stored) throw new Error('no order');
    expect(await createDynamoOrderErasure(db, tableName()).anonymise(stored, new Date().toISOString())).not.toBeNull();
    expect(await returnRepository().get(returnId)).toMatchObject({ userId: null, reason: '(erased)' });
  });

  it('refunds once when the worker crashes between the refund and its record (injected), on redelivery', async () => {
    const order = await shippedOrder(2);
    const { returnId } = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    expect((await receive(returnId)).status).toBe(200);

    const crashing = createPaymentService({
      orders: orderRepository(),
      gateway: paymentGateway(),
      outbox: workOutbox(),
      lateRefundDueAfterSeconds: 60,
      returns: {
        get: returnRepository().get,
        recordRefund: async () => {
          throw new Error('Lambda timed out');
        },
      },
      clock: systemClock,
    });
    await expect(crashing.refund({ orderId: order.orderId, returnId })).rejects.toThrow('Lambda timed out');
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 1 });
    expect((await orderOf(order)).refunded).toBe(0);

    await deliverRefund(order, returnId);
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 1 });
    expect((await orderOf(order)).refunded).toBe(1250);
    expect((await returnsOf(order)).map((ret) => ret.status)).toEqual(['REFUNDED']);
  });

  it('refuses a return after the window, of an order not shipped, of another customer’s order, and of unknown skus', async () => {
    const order = await shippedOrder(1);
    // Delivered 31 days ago (RETURN_WINDOW_DAYS is 30).
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(order.orderId),
        UpdateExpression: 'SET shipment.deliveredAt = :at',
        ExpressionAttributeValues: { ':at': longAgo },
      }),
    );
    const late = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect({ status: late.status, code: late.json.code }).toEqual({ status: 409, code: 'RETURN_NOT_ALLOWED' });
    expect(late.json.detail).toMatch(/window/);

    const paid = await paidOrder({ prefix: 'returns', quantity: 1, shippingAddress: PORTUGAL });
    const unshipped = await requestReturn({ ...paid, total: paid.total }, [{ sku: paid.sku, quantity: 1 }]);
    expect({ status: unshipped.status, code: unshipped.json.code }).toEqual({
      status: 409,
      code: 'RETURN_NOT_ALLOWED',
    });

    const other = await shippedOrder(1);
    const stranger = await requestReturn(other, [{ sku: other.sku, quantity: 1 }], customerToken('someone-else'));
    expect({ status: stranger.status, code: stranger.json.code }).toEqual({ status: 404, code: 'ORDER_NOT_FOUND' });
    const unknown = await requestReturn(other, [{ sku: 'NOT-IN-ORDER', quantity: 1 }]);
    expect(unknown.status).toBe(409);
    const invalid = await requestReturn(other, [
      { sku: other.sku, quantity: 1 },
      { sku: other.sku, quantity: 1 },
    ]);
    expect({ status: invalid.status, code: invalid.json.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await returnsOf(other)).toEqual([]);
  });

  it('lets the shop reject a return: its units may be returned again, and nothing is refunded', async () => {
    const order = await shippedOrder(1);
    const { returnId } = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    const rejected = await reject(returnId);
    expect({ status: rejected.status, return: rejected.json.status }).toEqual({ status: 200, return: 'REJECTED' });
    expect((await receive(returnId)).status).toBe(409);
    const listed = await invoke(listReturns, {
      method: 'GET',
      path: '/v1/admin/returns',
      query: { status: 'REJECTED', limit: '100' },
      token: adminToken(),
    });
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((ret: { returnId: string }) => ret.returnId)).toContain(returnId);

    const anew = await requestReturn(order, [{ sku: order.sku, quantity: 1 }]);
    expect(anew.status).toBe(201);
    expect(eventTypes(await orderOf(order)).slice(3)).toEqual([
      'RETURN_REQUESTED',
      'RETURN_REJECTED',
      'RETURN_REQUESTED',
    ]);
    expect(await sandboxStats(order.orderId)).toMatchObject({ refunds: 0 });
  });

  it('keeps the admin routes for admins and a customer’s returns for that customer', async () => {
    const order = await shippedOrder(1);
    const { returnId } = (await requestReturn(order, [{ sku: order.sku, quantity: 1 }])).json;
    for (const answer of [
      await invoke(receiveReturn, {
        method: 'POST',
        path: `/v1/admin/returns/${returnId}/receive`,
        route: '/v1/admin/returns/{returnId}/receive',
        pathParameters: { returnId },
        token: customerToken(order.sub),
      }),
      await invoke(listReturns, { method: 'GET', path: '/v1/admin/returns', token: customerToken(order.sub) }),
    ])
      expect(answer.status).toBe(403);
    const foreign = await invoke(listOrderReturns, {
      method: 'GET',
      path: `/v1/orders/${order.orderId}/returns`,
      route: '/v1/orders/{orderId}/returns',
      pathParameters: { orderId: order.orderId },
      token: customerToken('someone-else'),
    });
    expect(foreign.status).toBe(404);
    expect((await returnsOf(order)).map((ret) => ret.status)).toEqual(['REQUESTED']);
  });
});
