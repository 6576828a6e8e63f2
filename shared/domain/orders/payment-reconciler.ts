import type { Clock } from '../../lib/clock';
import type { OrderRepository, PaymentQueue } from './order-ports';

export interface PaymentReconcilerDeps {
  orders: Pick<OrderRepository, 'unsentPayments' | 'get' | 'paymentDispatched'>;
  payments: PaymentQueue;
  clock: Clock;
  /** Work records younger than this may still be in checkout's own send: left alone. */
  graceSeconds: number;
  /** At most this many work records are handled per run; the next run continues. */
  maxRecordsPerRun: number;
}

export type ReconcileSummary = {
  /** Work records older than the grace period. */
  examined: number;
  /** Payment messages sent again (the order was still PENDING_PAYMENT). */
  resent: number;
  /** Records deleted without a message (the order had left PENDING_PAYMENT, or is gone). */
  dropped: number;
};

export function createPaymentReconciler(deps: PaymentReconcilerDeps) {
  const { orders, payments, clock } = deps;
  return {
    /**
     * Re-sends payment work whose queue message was never sent (checkout committed, then crashed or
     * the send failed): each work record older than the grace period whose order is still pending
     * is sent again and deleted. A duplicate message is harmless: the worker charges once per order.
     */
    async run(): Promise<ReconcileSummary> {
      const summary: ReconcileSummary = { examined: 0, resent: 0, dropped: 0 };
      const createdBefore = new Date(clock.now().getTime() - deps.graceSeconds * 1000).toISOString();
      const work = await orders.unsentPayments({ createdBefore, limit: deps.maxRecordsPerRun });
      for (const { createdAt: _, ...message } of work) {
        summary.examined++;
        const order = await orders.get(message.orderId);
        if (order?.status === 'PENDING_PAYMENT') {
          await payments.send(message);
          summary.resent++;
        } else summary.dropped++;
        await orders.paymentDispatched(message.orderId);
      }
      return summary;
    },
  };
}

export type PaymentReconciler = ReturnType<typeof createPaymentReconciler>;
