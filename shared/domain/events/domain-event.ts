import { createHash, randomBytes } from 'node:crypto';
import type { ProductRecord, VariantRecord } from '../catalog/product';
import { type Order, type OrderStatus, refundedOf, toOrderView } from '../orders/order';
import type { Transition } from '../orders/order-ports';
import { type OrderReturn, toReturnView } from '../returns/return';

/**
 * The business facts the shop tells other systems about (contract §5.7): on the stack's
 * EventBridge bus in AWS, and to every webhook endpoint that subscribed.
 */
export const EVENT_TYPES = [
  'order.placed',
  'order.paid',
  'order.payment_failed',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'order.expired',
  'order.refunded',
  'return.requested',
  'return.received',
  'product.created',
  'product.updated',
  'inventory.low',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One fact, as every receiver gets it. `id` is stable: it is made once, when the fact is written,
 * and every delivery (a redelivery, a retry, the bus and each webhook) carries the same one, so a
 * receiver dedupes by it. Ids sort by the time they were made.
 */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** `evt_`, the time in milliseconds (base 36, 9 digits: sorts as it reads), and 64 random bits. */
export const newEventId = (at: string): string =>
  `evt_${Date.parse(at).toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;

/** The id of an event that is not written but derived from a change record: the same for every reading of it. */
export const derivedEventId = (at: string, changeId: string): string =>
  `evt_${Date.parse(at).toString(36).padStart(9, '0')}${createHash('sha256').update(changeId).digest('hex').slice(0, 16)}`;

export const EVENT_ID_PATTERN = /^evt_[0-9a-z]{9}[0-9a-f]{16}$/;

const event = <T extends EventType>(type: T, at: string, data: Record<string, unknown>): DomainEvent<T> => ({
  id: newEventId(at),
  type,
  occurredAt: at,
  data,
});

/** An order's representation in its events: the API's order without its timeline. */
const orderData = (order: Order) => ({ order: toOrderView(order, { withEvents: false }) });

export const orderPlacedEvent = (order: Order) => event('order.placed', order.createdAt, orderData(order));

const EVENT_OF_STATUS: Partial<Record<OrderStatus, EventType>> = {
  PAID: 'order.paid',
  PAYMENT_FAILED: 'order.payment_failed',
  SHIPPED: 'order.shipped',
  DELIVERED: 'order.delivered',
  CANCELLED: 'order.cancelled',
  EXPIRED: 'order.expired',
};

/**
 * The events of a transition, written in its transaction: the new status's (`order.paid`, …), or
 * `order.refunded` when the refund of the order's payment is recorded (the status stays). `updated`
 * is the order as the transition leaves it.
 */
export function eventsOfTransition({ from, to, event: step, order }: Transition, updated: Order): DomainEvent[] {
  if (from === to) {
    if (step.type !== 'REFUNDED') return [];
    const amount = Math.max(0, refundedOf(updated) - refundedOf(order));
    return [event('order.refunded', step.at, { ...orderData(updated), refund: { amount, returnId: null } })];
  }
  const type = EVENT_OF_STATUS[to];
  return type ? [event(type, step.at, orderData(updated))] : [];
}

export const returnRequestedEvent = (ret: OrderReturn, at: string) =>
  event('return.requested', at, { return: toReturnView(ret) });

export const returnReceivedEvent = (ret: OrderReturn, at: string) =>
  event('return.received', at, { return: toReturnView(ret) });

/** A return's refund recorded: the order, what it gave back, and which return. */
export const returnRefundedEvent = (updated: Order, ret: OrderReturn, at: string) =>
  event('order.refunded', at, { ...orderData(updated), refund: { amount: ret.refundAmount, returnId: ret.returnId } });

/** A product's own fields in its events (no stock: `inventory.low` tells of that). */
const productFacts = ({ version: _version, ...product }: ProductRecord) => product;

/** A variant's own fields in its product's events; `price`/`weight` null: the product's. */
const variantFacts = ({ sku, options, price, weight, active, createdAt, updatedAt }: VariantRecord) => ({
  sku,
  options,
  price,
  weight,
  active,
  createdAt,
  updatedAt,
});

export const productCreatedEvent = (product: ProductRecord, variants: VariantRecord[]) =>
  event('product.created', product.createdAt, {
    product: productFacts(product),
    variants: variants.map(variantFacts),
  });

/** A product edited, or one of its variants added or edited (`variant`: which, as it now is). */
export const productUpdatedEvent = (product: ProductRecord, variant: VariantRecord | null, at: string) =>
  event('product.updated', at, { product: productFacts(product), variant: variant && variantFacts(variant) });

/** A sku's stock, before and after one change. */
export interface StockChange {
  sku: string;
  /** The product it belongs to (its own sku for a simple product). */
  productSku: string;
  before: { available: number };
  after: { onHand: number; reserved: number; available: number; lowStockThreshold: number | null };
}

/** Whether the change took `available` from the threshold or more to below it (once per fall, not per unit sold). */
export const crossesLowStock = ({ before, after }: StockChange): boolean =>
  after.lowStockThreshold !== null &&
  before.available >= after.lowStockThreshold &&
  after.available < after.lowStockThreshold;

/**
 * `inventory.low` of a stock change, or null when it crosses no threshold. Derived from the change's
 * own record in the table's stream (a checkout reserves with a conditional update and never reads
 * the count, so its transaction cannot know that it crosses): `changeId` (the record's id) makes the
 * event's id, so every reading of the record makes the same event.
 */
export function inventoryLowEvent(change: StockChange, changeId: string, at: string): DomainEvent | null {
  if (!crossesLowStock(change)) return null;
  const { onHand, reserved, available, lowStockThreshold } = change.after;
  return {
    id: derivedEventId(at, changeId),
    type: 'inventory.low',
    occurredAt: at,
    data: { sku: change.sku, productSku: change.productSku, onHand, reserved, available, lowStockThreshold },
  };
}
