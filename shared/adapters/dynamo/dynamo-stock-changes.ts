import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type DomainEvent, inventoryLowEvent, type StockChange } from '../../domain/events/domain-event';
import { keys } from './keys';

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The stock change of a stream record (a simple product's `#STOCK` item or a variant's item
 * modified, with its old and new images: the table streams NEW_AND_OLD_IMAGES), or undefined.
 */
export function stockChangeOfStreamRecord(record: DynamoDBRecord): StockChange | undefined {
  const { OldImage, NewImage, Keys } = record.dynamodb ?? {};
  const sk = Keys?.SK?.S;
  if (record.eventName !== 'MODIFY' || !OldImage || !NewImage || sk === undefined) return undefined;
  if (sk !== keys.stock('').SK && !sk.startsWith(keys.variantPrefix)) return undefined;
  const before = unmarshall(OldImage as Record<string, AttributeValue>);
  const after = unmarshall(NewImage as Record<string, AttributeValue>);
  const { onHand, reserved, available, lowStockThreshold, sku } = after;
  if (!isCount(before.available) || !isCount(onHand) || !isCount(reserved) || !isCount(available)) return undefined;
  if (typeof sku !== 'string') return undefined;
  return {
    sku,
    productSku: typeof after.productSku === 'string' ? after.productSku : sku,
    before: { available: before.available },
    after: { onHand, reserved, available, lowStockThreshold: isCount(lowStockThreshold) ? lowStockThreshold : null },
  };
}

/**
 * `inventory.low` of a stream record that took a sku's available stock below its threshold, or
 * undefined. Its time is the record's (the end of its second: the stream gives seconds), its id is made from
 * the record's, so a record read again (a retried batch) makes the same event.
 */
export function lowStockEventOfStreamRecord(record: DynamoDBRecord): DomainEvent | undefined {
  const change = stockChangeOfStreamRecord(record);
  const changeId = record.eventID ?? record.dynamodb?.SequenceNumber;
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  if (!change || changeId === undefined || seconds === undefined) return undefined;
  // The stream tells the second; the end of it is when the change had surely happened (so an endpoint
  // registered earlier in that second is not taken for one registered after the event).
  return inventoryLowEvent(change, changeId, new Date(seconds * 1000 + 999).toISOString()) ?? undefined;
}
