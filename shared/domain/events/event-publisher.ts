import { deliveriesOf, type WebhookDeliveryQueue } from '../webhooks/webhook-delivery';
import type { WebhookEndpoint } from '../webhooks/webhook-endpoint';
import type { DomainEvent } from './domain-event';

export type { DomainEvent } from './domain-event';

/** Where events go for other AWS services to subscribe (the stack's EventBridge bus). */
export interface EventBus {
  publish(events: DomainEvent[]): Promise<void>;
}

export interface EventPublisherDeps {
  /** The bus; none locally (there is no EventBridge to put events on). */
  bus: EventBus | null;
  /**
   * The shop's webhook endpoints as read at `notBefore` (epoch ms) or later: a read that began
   * before the event reached the publisher could miss an endpoint registered just before the event.
   */
  endpoints: (notBefore: number) => Promise<WebhookEndpoint[]>;
  now?: () => number;
  deliveries: WebhookDeliveryQueue;
}

/**
 * Publishes one committed event: onto the bus, and one delivery per subscribed webhook endpoint
 * onto the webhook queue. Either failing throws, so the stream hands the event over again; what got
 * through the first time then goes twice, with the same event id (at least once, contract §5.7).
 */
export function createEventPublisher({ bus, endpoints, deliveries, now = Date.now }: EventPublisherDeps) {
  return {
    async publish(event: DomainEvent): Promise<{ deliveries: number }> {
      const messages = deliveriesOf(event, await endpoints(now()));
      await Promise.all([bus?.publish([event]), messages.length > 0 ? deliveries.send(messages) : undefined]);
      return { deliveries: messages.length };
    },
  };
}

export type EventPublisher = ReturnType<typeof createEventPublisher>;
