import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type DomainEvent, EVENT_ID_PATTERN, EVENT_TYPES } from '../../domain/events/domain-event';
import { traceAttributes } from '../../trace-context';
import { keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * How long an event's record stays in the table. It is written only to be carried by the table's
 * stream (which keeps a change for 24 h) to the event publisher; the deliveries keep their own copy.
 */
export const EVENT_RECORD_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * The Put of an event's record, for the transaction that writes the fact: the fact and its event
 * commit together or not at all, so no crash can lose an event or invent one.
 */
export function eventRecordPut(tableName: string, event: DomainEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        // The trace of the fact, for the publisher's log lines and the deliveries' messages.
        ...traceAttributes(),
        ...keys.event(event.id),
        type: 'DomainEvent',
        eventType: event.type,
        // As JSON text: what the stream carries is exactly what receivers get (and an empty map
        // inside the data cannot come out of a stream image as something else).
        body: JSON.stringify(event),
        expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + EVENT_RECORD_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

const TYPES: readonly string[] = EVENT_TYPES;

/**
 * The event of an item image from the table's stream (DynamoDB JSON, as Lambda hands it over):
 * `undefined` for an item that is not an event record, `'malformed'` for one whose event is not
 * what `eventRecordPut` writes.
 */
export function eventOfStreamImage(image: Record<string, unknown>): DomainEvent | 'malformed' | undefined {
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch {
    return 'malformed';
  }
  if (item.type !== 'DomainEvent') return undefined;
  let event: Partial<DomainEvent> | undefined;
  try {
    event = typeof item.body === 'string' ? (JSON.parse(item.body) as Partial<DomainEvent>) : undefined;
  } catch {
    return 'malformed';
  }
  const wellFormed =
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    EVENT_ID_PATTERN.test(event.id) &&
    typeof event.type === 'string' &&
    TYPES.includes(event.type) &&
    typeof event.occurredAt === 'string' &&
    !Number.isNaN(Date.parse(event.occurredAt)) &&
    typeof event.data === 'object' &&
    event.data !== null;
  return wellFormed ? (event as DomainEvent) : 'malformed';
}
