import type { DynamoDBRecord } from 'aws-lambda';
import type { DomainEvent } from '../domain/events/domain-event';
import type { EventPublisher } from '../domain/events/event-publisher';
import { logger, metrics } from '../observability';

export interface EventPublisherRecordDeps {
  /** The event of a stream image: `undefined` when the item is no event record (see dynamo-event-records.ts). */
  eventOf: (image: Record<string, unknown>) => DomainEvent | 'malformed' | undefined;
  /** The event a changed item itself makes (a stock change crossing its low-stock threshold), if any. */
  derivedEventOf: (record: DynamoDBRecord) => DomainEvent | undefined;
  publisher: () => EventPublisher;
}

/**
 * One record of the table's stream: an event record just committed (an INSERT) is published, and so
 * is the event a modified item makes by itself (a stock change that crosses its low-stock
 * threshold). The event record was written in the fact's own transaction, a change record is the
 * fact itself, and the stream delivers every committed record at least once, so an event is
 * neither lost (a crash after the commit) nor invented (a crash before it). A publication that
 * fails throws, so Lambda retries the shard from this record.
 */
export function eventPublisherRecordHandler({ eventOf, derivedEventOf, publisher }: EventPublisherRecordDeps) {
  return async (record: DynamoDBRecord): Promise<void> => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'MODIFY') {
      let derived: DomainEvent | undefined;
      try {
        derived = derivedEventOf(record);
      } catch (error) {
        // Permanent: a record it cannot read would otherwise hold the shard (and every event) for a day.
        logger.error('unreadable change record on the stream, no event derived', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          keys: record.dynamodb?.Keys,
          error: error as Error,
        });
        metrics.addMetric('EventRecordsMalformed', 'Count', 1);
        return;
      }
      if (derived) await publish(derived);
      return;
    }
    if (record.eventName !== 'INSERT' || image === undefined) return;
    const event = eventOf(image);
    if (event === undefined) return;
    if (event === 'malformed') {
      logger.error('malformed event record on the stream, not published', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        keys: record.dynamodb?.Keys,
      });
      metrics.addMetric('EventRecordsMalformed', 'Count', 1);
      return;
    }
    await publish(event);
  };

  async function publish(event: DomainEvent): Promise<void> {
    const { deliveries } = await publisher().publish(event);
    metrics.addMetric('EventsPublished', 'Count', 1);
    if (deliveries > 0) metrics.addMetric('WebhookDeliveriesQueued', 'Count', deliveries);
  }
}
