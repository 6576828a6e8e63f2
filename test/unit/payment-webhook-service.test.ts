import type { GatewayEventOutcome, GatewayPaymentEvent } from '../../shared/domain/payments/gateway-events';
import {
  createPaymentWebhookService,
  type ProcessedWebhookEvents,
  type WebhookEvent,
} from '../../shared/domain/payments/payment-webhook-service';

const payment: GatewayPaymentEvent = {
  type: 'payment_intent.succeeded',
  orderId: 'ord_1',
  paymentIntentId: 'pi_1',
  amount: 500,
  currency: null,
};
const event: WebhookEvent = { id: 'evt_1', type: payment.type, payment };

function memoryEvents() {
  const ids = new Set<string>();
  const store: ProcessedWebhookEvents = {
    seen: async (id) => ids.has(id),
    async remember({ id }) {
      if (ids.has(id)) return false;
      ids.add(id);
      return true;
    },
  };
  return { store, ids };
}

/** A payment service whose answers the test scripts, one per call (an Error is thrown). */
function scriptedPayments(...answers: Array<GatewayEventOutcome | Error>) {
  const applied: GatewayPaymentEvent[] = [];
  return {
    applied,
    payments: {
      async applyGatewayEvent(received: GatewayPaymentEvent) {
        applied.push(received);
        const answer = answers.shift();
        if (!answer) throw new Error('no scripted answer left');
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}

describe('receiving payment webhook events', () => {
  it('applies an event, then remembers its id: a redelivery is acknowledged as a duplicate and not applied', async () => {
    const { store, ids } = memoryEvents();
    const { payments, applied } = scriptedPayments({ outcome: 'paid' });
    const service = createPaymentWebhookService({ payments, processed: store });

    expect(await service.receive(event)).toEqual({ duplicate: false, outcome: { outcome: 'paid' } });
    expect(await service.receive(event)).toEqual({ duplicate: true });
    expect(applied).toHaveLength(1);
    expect([...ids]).toEqual(['evt_1']);
  });

  it('remembers nothing when applying fails, so the redelivery applies the event', async () => {
    const { store, ids } = memoryEvents();
    const { payments, applied } = scriptedPayments(new Error('gateway down'), { outcome: 'paid' });
    const service = createPaymentWebhookService({ payments, processed: store });

    await expect(service.receive(event)).rejects.toThrow('gateway down');
    expect(ids.size).toBe(0);
    expect(await service.receive(event)).toEqual({ duplicate: false, outcome: { outcome: 'paid' } });
    expect(applied).toHaveLength(2);
  });

  it('fails, remembering nothing, when a late payment was refunded but the refund could not be recorded', async () => {
    const { store, ids } = memoryEvents();
    const { payments } = scriptedPayments({ outcome: 'refunded', status: 'EXPIRED', recorded: false });
    const service = createPaymentWebhookService({ payments, processed: store });

    await expect(service.receive(event)).rejects.toThrow(/not recorded/);
    expect(ids.size).toBe(0);
  });

  it('acknowledges event types it does not handle without applying or remembering them', async () => {
    const { store, ids } = memoryEvents();
    const { payments, applied } = scriptedPayments();
    const service = createPaymentWebhookService({ payments, processed: store });

    const receipt = await service.receive({ id: 'evt_2', type: 'customer.created', payment: null });

    expect(receipt).toEqual({ duplicate: false, outcome: { outcome: 'ignored' } });
    expect(applied).toHaveLength(0);
    expect(ids.size).toBe(0);
  });

  it('reports a duplicate when a concurrent delivery of the same id remembered it first', async () => {
    const { payments } = scriptedPayments({ outcome: 'no-change', status: 'PAID', reason: 'already recorded' });
    const service = createPaymentWebhookService({
      payments,
      processed: { seen: async () => false, remember: async () => false },
    });

    expect(await service.receive(event)).toEqual({ duplicate: true });
  });
});
