import type { Order } from '../../shared/domain/orders/order';
import type { OrderRepository, Transition } from '../../shared/domain/orders/order-ports';
import type { Work, WorkOutbox } from '../../shared/domain/orders/order-work';
import { PaymentGatewayError } from '../../shared/domain/payments/payment-errors';
import type { ChargeResult, PaymentGateway } from '../../shared/domain/payments/payment-gateway';
import { createPaymentService } from '../../shared/domain/payments/payment-service';
import type { OrderReturn } from '../../shared/domain/returns/return';
import { pendingOrder as placedOrder } from '../support/orders';

const clock = { now: () => new Date('2026-01-01T10:00:00.000Z') };

const pendingOrder = (): Order =>
  placedOrder({ placedAt: '2026-01-01T09:59:00.000Z', reservationExpiresAt: '2026-01-01T10:15:00.000Z' });

/** One stored order with the repository's conditional write (status and updatedAt as read). */
function fakeOrders(initial: Order | null, beforeTransition?: (stored: Order) => Order) {
  let stored = initial;
  const transitions: Transition[] = [];
  const orders: Pick<OrderRepository, 'get' | 'transition'> = {
    get: async () => stored,
    async transition(transition) {
      if (stored && beforeTransition) stored = beforeTransition(stored);
      beforeTransition = undefined;
      if (!stored || stored.status !== transition.from || stored.updatedAt !== transition.order.updatedAt) return false;
      transitions.push(transition);
      stored = {
        ...transition.order,
        ...transition.changes,
        status: transition.to,
        updatedAt: transition.event.at,
        events: [...transition.order.events, transition.event],
      };
      return true;
    },
  };
  return { orders, transitions, stored: () => stored };
}

function fakeGateway(result: ChargeResult | Error, refundError?: Error) {
  const calls = { charges: [] as string[], refunds: [] as string[] };
  const gateway: PaymentGateway = {
    async charge(request) {
      calls.charges.push(request.idempotencyKey);
      if (result instanceof Error) throw result;
      return result;
    },
    async refund(request) {
      calls.refunds.push(request.idempotencyKey);
      if (refundError) throw refundError;
      return { refundId: 're_1' };
    },
  };
  return { gateway, calls };
}

/** The outbox in memory: the late-charge refunds the service writes down. */
function fakeOutbox() {
  const added: Array<{ work: Work; at: { createdAt: string; dueAt: string } }> = [];
  const outbox: Pick<WorkOutbox, 'add' | 'park'> = {
    async add(work, at) {
      added.push({ work, at });
    },
    async park() {
      throw new Error('these tests refund whole orders: nothing is parked');
    },
  };
  return { outbox, added };
}

const serviceOf = (
  orders: Pick<OrderRepository, 'get' | 'transition'>,
  gateway: PaymentGateway,
  outbox = fakeOutbox().outbox,
) => createPaymentService({ orders, gateway, outbox, lateRefundDueAfterSeconds: 300, returns: noReturns, clock });

/** These tests refund whole orders: no returns. */
const noReturns = { get: async () => null, recordRefund: async () => false };

const lateRefund = {
  work: {
    orderId: 'ord_1',
    kind: 'REFUND',
    queue: 'payment',
    message: { type: 'REFUND_REQUESTED', orderId: 'ord_1', paymentIntentId: 'pi_1' },
  },
  at: { createdAt: '2026-01-01T10:00:00.000Z', dueAt: '2026-01-01T10:05:00.000Z' },
};

const succeeded: ChargeResult = { outcome: 'succeeded', paymentIntentId: 'pi_1' };
const request = { orderId: 'ord_1', paymentToken: 'tok_visa' };

describe('the payment service', () => {
  it('charges with the order id as idempotency key and moves the order to PAID, selling the stock', async () => {
    const { orders, transitions, stored } = fakeOrders(pendingOrder());
    const { gateway, calls } = fakeGateway(succeeded);
    expect(await serviceOf(orders, gateway).pay(request)).toEqual({
      outcome: 'paid',
      paymentIntentId: 'pi_1',
    });
    expect(calls.charges).toEqual(['ord_1']);
    expect(transitions[0]).toMatchObject({ from: 'PENDING_PAYMENT', to: 'PAID', stock: 'sell' });
    expect(stored()?.payment).toEqual({ status: 'SUCCEEDED', attempts: 1, paymentIntentId: 'pi_1' });
  });

  it('a decline moves the order to PAYMENT_FAILED and releases the stock', async () => {
    const { orders, transitions } = fakeOrders(pendingOrder());
    const { gateway } = fakeGateway({ outcome: 'declined', reason: 'card_declined' });
    expect(await serviceOf(orders, gateway).pay(request)).toEqual({
      outcome: 'failed',
      reason: 'card_declined',
    });
    expect(transitions[0]).toMatchObject({ to: 'PAYMENT_FAILED', stock: 'release' });
    expect(transitions[0]?.event).toMatchObject({ type: 'PAYMENT_FAILED', detail: 'card_declined' });
  });

  it('does not charge an order that is no longer PENDING_PAYMENT', async () => {
    const { orders } = fakeOrders({ ...pendingOrder(), status: 'PAID' });
    const { gateway, calls } = fakeGateway(succeeded);
    expect(await serviceOf(orders, gateway).pay(request)).toEqual({
      outcome: 'not-payable',
      status: 'PAID',
    });
    expect(calls.charges).toEqual([]);
  });

  it('reports an unknown order without charging', async () => {
    const { gateway, calls } = fakeGateway(succeeded);
    const service = serviceOf(fakeOrders(null).orders, gateway);
    expect(await service.pay(request)).toEqual({ outcome: 'order-not-found' });
    expect(calls.charges).toEqual([]);
  });

  it('lets a gateway error through and leaves the order untouched', async () => {
    const { orders, transitions } = fakeOrders(pendingOrder());
    const { gateway } = fakeGateway(new PaymentGatewayError('server-error', 'boom'));
    await expect(serviceOf(orders, gateway).pay(request)).rejects.toBeInstanceOf(PaymentGatewayError);
    expect(transitions).toEqual([]);
  });

  it('when another delivery recorded the same charge first, neither refunds nor writes', async () => {
    const { orders, transitions } = fakeOrders(pendingOrder(), (order) => ({
      ...order,
      status: 'PAID',
      updatedAt: '2026-01-01T10:00:01.000Z',
      payment: { status: 'SUCCEEDED', attempts: 1, paymentIntentId: 'pi_1' },
    }));
    const { gateway, calls } = fakeGateway(succeeded);
    expect(await serviceOf(orders, gateway).pay(request)).toEqual({ outcome: 'duplicate' });
    expect(calls.refunds).toEqual([]);
    expect(transitions).toEqual([]);
  });

  it('when the order was cancelled during the charge, refunds once and records REFUNDED without changing its status', async () => {
    const { orders, stored } = fakeOrders(pendingOrder(), (order) => ({
      ...order,
      status: 'CANCELLED',
      updatedAt: '2026-01-01T10:00:01.000Z',
    }));
    const { gateway, calls } = fakeGateway(succeeded);
    const { outbox, added } = fakeOutbox();
    expect(await serviceOf(orders, gateway, outbox).pay(request)).toEqual({
      outcome: 'refunded',
      status: 'CANCELLED',
      recorded: true,
    });
    expect(added).toEqual([lateRefund]);
    expect(calls.refunds).toEqual(['refund-ord_1']);
    expect(stored()?.status).toBe('CANCELLED');
    expect(stored()?.payment.status).toBe('REFUNDED');
    expect(stored()?.events.map((event) => event.type)).toEqual(['ORDER_PLACED', 'REFUNDED']);
  });

  it('when only updatedAt moved meanwhile (still pending), retries the transition and pays', async () => {
    const { orders, transitions } = fakeOrders(pendingOrder(), (order) => ({
      ...order,
      updatedAt: '2026-01-01T10:00:01.000Z',
    }));
    const { gateway, calls } = fakeGateway(succeeded);
    expect((await serviceOf(orders, gateway).pay(request)).outcome).toBe('paid');
    expect(transitions).toHaveLength(1);
    expect(calls.refunds).toEqual([]);
  });

  it('when the refund of a late charge fails, the refund is already written down as REFUND work for the retry', async () => {
    const { orders, stored } = fakeOrders(pendingOrder(), (order) => ({
      ...order,
      status: 'EXPIRED',
      updatedAt: '2026-01-01T10:00:01.000Z',
    }));
    const { gateway, calls } = fakeGateway(succeeded, new PaymentGatewayError('timeout', 'timed out'));
    const { outbox, added } = fakeOutbox();
    await expect(serviceOf(orders, gateway, outbox).pay(request)).rejects.toBeInstanceOf(PaymentGatewayError);
    expect(added).toEqual([lateRefund]);
    expect(calls.refunds).toEqual(['refund-ord_1']);
    expect(stored()?.payment.status).toBe('PENDING');
  });

  it('writes a late charge’s REFUND work in the order’s own trace (the request that placed it)', async () => {
    const { orders } = fakeOrders({ ...pendingOrder(), correlationId: 'req-placed' }, (order) => ({
      ...order,
      status: 'EXPIRED',
      updatedAt: '2026-01-01T10:00:01.000Z',
    }));
    const { gateway } = fakeGateway(succeeded, new PaymentGatewayError('timeout', 'timed out'));
    const { outbox, added } = fakeOutbox();
    await expect(serviceOf(orders, gateway, outbox).pay(request)).rejects.toBeInstanceOf(PaymentGatewayError);
    expect(added).toEqual([{ ...lateRefund, work: { ...lateRefund.work, trace: { correlationId: 'req-placed' } } }]);
  });

  it('refunds a late charge from its REFUND work once, and finds it refunded on a redelivery', async () => {
    const { orders, stored } = fakeOrders({
      ...pendingOrder(),
      status: 'EXPIRED',
      events: [...pendingOrder().events, { type: 'EXPIRED', at: '2026-01-01T09:59:30.000Z' }],
    });
    const { gateway, calls } = fakeGateway(succeeded);
    const service = serviceOf(orders, gateway);
    const message = { orderId: 'ord_1', paymentIntentId: 'pi_1' };
    expect(await service.refund(message)).toEqual({ outcome: 'refunded', recorded: true });
    expect(await service.refund(message)).toEqual({ outcome: 'already-refunded' });
    expect(calls.refunds).toEqual(['refund-ord_1']);
    expect(stored()?.status).toBe('EXPIRED');
    expect(stored()?.payment).toEqual({ status: 'REFUNDED', attempts: 0, paymentIntentId: 'pi_1' });
  });

  it('a charge for an order paid by another payment is refunded under its own key, and the order is untouched', async () => {
    const { orders, transitions } = fakeOrders(pendingOrder(), (order) => ({
      ...order,
      status: 'PAID',
      updatedAt: '2026-01-01T10:00:01.000Z',
      payment: { status: 'SUCCEEDED', attempts: 1, paymentIntentId: 'pi_other' },
    }));
    const { gateway, calls } = fakeGateway(succeeded);
    const { outbox, added } = fakeOutbox();
    expect(await serviceOf(orders, gateway, outbox).pay(request)).toEqual({
      outcome: 'extra-payment-refunded',
      status: 'PAID',
    });
    expect(calls.refunds).toEqual(['refund-ord_1-pi_1']);
    expect(transitions).toEqual([]);
    expect(added).toEqual([]);
  });
});

describe("a return's refund, before any money moves", () => {
  const shippedPaid = (overrides: Partial<Order> = {}): Order => ({
    ...pendingOrder(),
    status: 'SHIPPED',
    payment: { status: 'SUCCEEDED', attempts: 1, paymentIntentId: 'pi_1' },
    ...overrides,
  });
  const received = (refundAmount: number): OrderReturn => ({
    returnId: 'ret_1',
    orderId: 'ord_1',
    userId: 'c1',
    status: 'RECEIVED',
    items: [{ sku: 'A', quantity: 1, refundAmount }],
    refundAmount,
    reason: 'broken',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
  });

  function serviceWith(order: Order, ret: OrderReturn) {
    const { gateway, calls } = fakeGateway(succeeded);
    const parked: Array<{ kind: string; reason: string }> = [];
    const recorded: string[] = [];
    const service = createPaymentService({
      orders: fakeOrders(order).orders,
      gateway,
      outbox: {
        add: async () => undefined,
        park: async (work, { reason }) => {
          parked.push({ kind: work.kind, reason });
        },
      },
      lateRefundDueAfterSeconds: 300,
      returns: {
        get: async () => ret,
        recordRefund: async ({ refundId }) => {
          recorded.push(refundId);
          return true;
        },
      },
      clock,
    });
    return { service, calls, parked, recorded };
  }

  it('parks, and never sends, a refund that would give back more than was charged', async () => {
    const { service, calls, parked, recorded } = serviceWith(shippedPaid({ total: 500, refunded: 400 }), received(200));
    expect(await service.refund({ orderId: 'ord_1', returnId: 'ret_1' })).toEqual({
      outcome: 'refund-refused',
      reason: 'it would refund more than was charged',
    });
    expect({ refunds: calls.refunds, parked, recorded }).toEqual({
      refunds: [],
      parked: [{ kind: 'REFUND_ret_1', reason: 'it would refund more than was charged' }],
      recorded: [],
    });
  });

  it('parks the refund of an order refunded in full elsewhere (its dashboard)', async () => {
    const order = shippedPaid({ payment: { status: 'REFUNDED', attempts: 1, paymentIntentId: 'pi_1' } });
    const { service, calls, parked } = serviceWith(order, received(100));
    expect((await service.refund({ orderId: 'ord_1', returnId: 'ret_1' })).outcome).toBe('refund-refused');
    expect({ refunds: calls.refunds.length, parked: parked.length }).toEqual({ refunds: 0, parked: 1 });
  });

  it('records a refund of nothing without the gateway (a unit the discount paid whole)', async () => {
    const { service, calls, recorded } = serviceWith(shippedPaid(), received(0));
    expect(await service.refund({ orderId: 'ord_1', returnId: 'ret_1' })).toEqual({
      outcome: 'refunded',
      recorded: true,
    });
    expect({ refunds: calls.refunds, recorded }).toEqual({ refunds: [], recorded: ['none'] });
  });

  it('refunds the amount once under the return’s own key', async () => {
    const { service, calls, recorded } = serviceWith(shippedPaid(), received(250));
    expect((await service.refund({ orderId: 'ord_1', returnId: 'ret_1' })).outcome).toBe('refunded');
    expect({ refunds: calls.refunds, recorded }).toEqual({ refunds: ['refund-ret_1'], recorded: ['re_1'] });
  });
});
