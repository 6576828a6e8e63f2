import type { SQSRecord } from 'aws-lambda';
import { ShipmentRejectedError } from '../domain/fulfilment/carrier';
import type { FulfilmentService } from '../domain/fulfilment/fulfilment-service';
import type { NotificationService } from '../domain/notifications/notification-service';
import { NOTIFIED_EVENTS, RETURN_NOTIFIED_EVENTS } from '../domain/orders/order-work';
import * as z from '../lib/zod';
import { logger, metrics } from '../observability';
import { parseSqsMessage } from './sqs-message';

const FulfilmentRequested = z.object({
  type: z.literal('FULFILMENT_REQUESTED'),
  orderId: z.string().check(z.minLength(1)),
});

const NotificationRequested = z.union([
  z.object({
    type: z.literal('NOTIFICATION_REQUESTED'),
    orderId: z.string().check(z.minLength(1)),
    event: z.enum(NOTIFIED_EVENTS),
  }),
  z.object({
    type: z.literal('NOTIFICATION_REQUESTED'),
    orderId: z.string().check(z.minLength(1)),
    event: z.enum(RETURN_NOTIFIED_EVENTS),
    returnId: z.string().check(z.minLength(1)),
  }),
]);

/** Malformed messages of both order-work queues count under one metric (the log says which queue). */
const parse = <T>(schema: z.ZodMiniType<T>, record: SQSRecord, queue: string): T | null =>
  parseSqsMessage(schema, record, { queue, metric: 'QueueMessagesMalformed' });

/**
 * One fulfilment message: book the shipment and mark the order SHIPPED. A carrier that refuses the
 * shipment for good (ShipmentRejectedError) is logged, counted (ShipmentsRejected, alarmed) and
 * acknowledged, its work record parked so reconcile never sends it again: the order stays PAID for
 * the shop to sort out; redelivering could not help. Other errors are thrown, so SQS retries.
 */
export function fulfilmentRecordHandler(fulfilment: () => FulfilmentService) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parse(FulfilmentRequested, record, 'fulfilment');
    if (!message) return;
    const context = { orderId: message.orderId, messageId: record.messageId };
    try {
      const result = await fulfilment().ship(message.orderId);
      if (result.outcome === 'shipped') metrics.addMetric('OrdersShipped', 'Count', 1);
      else if (result.outcome === 'booking-cancelled' && result.cancellation === 'cancelled') {
        logger.info('the shipment of a cancelled order was cancelled with the carrier', { ...context, ...result });
        metrics.addMetric('ShipmentsCancelled', 'Count', 1);
      } else if (result.outcome === 'booking-cancelled' && result.cancellation === 'already-dispatched') {
        // Too late for the carrier: the customer has their refund, so the shop must recall the parcel.
        logger.error('a cancelled order was already dispatched by the carrier; recall the parcel', {
          ...context,
          ...result,
        });
        metrics.addMetric('CancelledOrdersDispatched', 'Count', 1);
      } else logger.info('fulfilment message needed no shipment', { ...context, ...result });
    } catch (error) {
      if (!(error instanceof ShipmentRejectedError)) throw error;
      logger.error('carrier refused the shipment; the order stays PAID, its fulfilment parked', { ...context, error });
      metrics.addMetric('ShipmentsRejected', 'Count', 1);
    }
  };
}

/** One notification message: the e-mail of one order event, sent once. */
export function notificationRecordHandler(notifications: () => NotificationService) {
  return async (record: SQSRecord): Promise<void> => {
    const message = parse(NotificationRequested, record, 'notification');
    if (!message) return;
    const { orderId, ...notification } = message;
    const result = await notifications().notify(orderId, notification);
    const context = { orderId: message.orderId, event: message.event, messageId: record.messageId, ...result };
    if (result.outcome === 'sent') metrics.addMetric('EmailsSent', 'Count', 1);
    else if (result.outcome === 'rejected') {
      logger.error('e-mail refused by the e-mail service', context);
      metrics.addMetric('EmailsRejected', 'Count', 1);
    } else logger.info('notification needed no e-mail', context);
  };
}
