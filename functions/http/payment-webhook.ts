import { receivePaymentWebhookRoute } from '../../shared/api/webhook-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { paymentWebhookSecret, paymentWebhookService } from '../../shared/container/payments';
import type { WebhookEvent, WebhookReceipt } from '../../shared/domain/payments/payment-webhook-service';
import { PAYMENT_SIGNATURE_HEADER, verifyWebhookSignature } from '../../shared/domain/payments/webhook-signature';
import { ok } from '../../shared/http/responses';
import { logger, metrics } from '../../shared/observability';

/** Outcomes someone should look at; the others are routine. */
const NOTEWORTHY = new Set(['amount-mismatch', 'order-not-found', 'refunded', 'extra-payment-refunded']);

function report(event: WebhookEvent, receipt: WebhookReceipt): void {
  const outcome = receipt.duplicate ? 'duplicate' : receipt.outcome.outcome;
  const context = { eventId: event.id, eventType: event.type, orderId: event.payment?.orderId, ...receipt };
  if (NOTEWORTHY.has(outcome)) logger.warn('payment webhook needs attention', context);
  else logger.info('payment webhook received', context);
  // `amount-mismatch` → PaymentWebhooksAmountMismatch
  const name = outcome.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase());
  metrics.addMetric(`PaymentWebhooks${name}`, 'Count', 1);
}

/** Payment gateway events (docs/contract.md "Payment webhooks"): signed, applied once per event id. */
export const handler = publicHttpRoute(
  receivePaymentWebhookRoute,
  async ({ body }) => {
    const receipt = await paymentWebhookService().receive(body);
    report(body, receipt);
    return ok({ received: true, duplicate: receipt.duplicate });
  },
  {
    verifyRawBody: async (payload, header) =>
      verifyWebhookSignature({
        header: header(PAYMENT_SIGNATURE_HEADER),
        payload,
        secret: await paymentWebhookSecret()(),
        now: new Date(),
      }),
  },
);
