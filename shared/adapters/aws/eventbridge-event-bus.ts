import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventBus } from '../../domain/events/event-publisher';

/** The `source` of every event Cartwheel puts on its bus (what rules match on, with `detail-type`). */
export const EVENT_SOURCE = 'cartwheel';

/** PutEvents takes at most this many entries per call. */
const MAX_ENTRIES = 10;

/**
 * The stack's EventBridge bus (`cartwheel-<stage>`). Each event is one entry: `source` cartwheel,
 * `detail-type` the event's type, `detail` the event itself (id, type, occurredAt, data), `time` when
 * it occurred. PutEvents can refuse some entries of a call and take the others: any refusal fails
 * the publication, so the stream record is retried (a retried event that got through already is a
 * duplicate with the same id, which receivers dedupe).
 */
export function createEventBridgeBus(client: EventBridgeClient, busName: string): EventBus {
  return {
    async publish(events) {
      for (let start = 0; start < events.length; start += MAX_ENTRIES) {
        const chunk = events.slice(start, start + MAX_ENTRIES);
        const result = await client.send(
          new PutEventsCommand({
            Entries: chunk.map((event: DomainEvent) => ({
              EventBusName: busName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.occurredAt),
            })),
          }),
        );
        if ((result.FailedEntryCount ?? 0) > 0) {
          const failure = result.Entries?.find((entry) => entry.ErrorCode);
          throw new Error(
            `EventBridge refused ${result.FailedEntryCount} of ${chunk.length} events: ${failure?.ErrorCode} ${failure?.ErrorMessage ?? ''}`,
          );
        }
      }
    },
  };
}

export const createEventBridgeClient = (region: string) => new EventBridgeClient({ region, maxAttempts: 3 });
