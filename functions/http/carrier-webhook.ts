import { receiveCarrierWebhookRoute } from '../../shared/api/carrier-webhook-routes';
import { carrierWebhookSecret, trackingService } from '../../shared/container/fulfilment';
import { publicHttpRoute } from '../../shared/container/http';
import {
  CARRIER_SIGNATURE_HEADER,
  verifyCarrierSignature,
} from '../../shared/domain/fulfilment/carrier-webhook-signature';
import type { TrackingReceipt, TrackingUpdate } from '../../shared/domain/fulfilment/tracking-service';
import { ok } from '../../shared/http/responses';
import { logger, metrics } from '../../shared/observability';
import { traceOrder } from '../../shared/trace-context';

function report(update: TrackingUpdate, receipt: TrackingReceipt): void {
  const outcome = receipt.duplicate ? 'duplicate' : receipt.outcome.outcome;
  // The request's lines name the order it was about (its own request id stays its correlation id).
  if (!receipt.duplicate && 'orderId' in receipt.outcome) traceOrder(receipt.outcome.orderId);
  const context = {
    eventId: update.eventId,
    shipmentId: update.shipmentId,
    carrierStatus: update.carrierStatus,
    ...receipt,
  };
  if (outcome === 'unknown-shipment') logger.warn('carrier webhook about a shipment of no order', context);
  else logger.info('carrier webhook received', context);
  // `unknown-shipment` → CarrierWebhooksUnknownShipment
  const name = outcome.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase());
  metrics.addMetric(`CarrierWebhooks${name}`, 'Count', 1);
  if (!receipt.duplicate && receipt.outcome.outcome === 'applied' && receipt.outcome.delivered)
    metrics.addMetric('OrdersDelivered', 'Count', 1);
}

/** Carrier tracking events (docs/contract.md "Shipments"): signed, applied once per event id, forward only. */
export const handler = publicHttpRoute(
  receiveCarrierWebhookRoute,
  async ({ body }) => {
    const receipt = await trackingService().receive(body);
    report(body, receipt);
    return ok({ received: true, duplicate: receipt.duplicate });
  },
  {
    verifyRawBody: async (payload, header) =>
      verifyCarrierSignature({
        header: header(CARRIER_SIGNATURE_HEADER),
        payload,
        secret: await carrierWebhookSecret()(),
      }),
  },
);
