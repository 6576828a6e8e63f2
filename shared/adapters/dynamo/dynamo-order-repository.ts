import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { eventsOfTransition, orderPlacedEvent } from '../../domain/events/domain-event';
import type { Order, OrderStatus } from '../../domain/orders/order';
import { holdsReleasedBy, type OrderHolds } from '../../domain/orders/order-holds';
import type { OrderRepository, Placement, PlacementOutcome, Transition } from '../../domain/orders/order-ports';
import { fulfilmentWork, ledgerOfTransition, paymentWork, workOfTransition } from '../../domain/orders/order-work';
import { currentTrace, traceOrder, withOrderTrace } from '../../trace-context';
import { cartEmptying } from './dynamo-cart-repository';
import { cancellationCodes, committedUnlessRefused, laterThan } from './dynamo-client';
import { eventRecordPut } from './dynamo-event-records';
import { completionUpdate } from './dynamo-idempotency-store';
import { ledgerEntryItem } from './dynamo-sales-ledger';
import { workRecordDelete, workRecordPut } from './dynamo-work-outbox';
import { keys, stockKey } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type TransactUpdate = NonNullable<TransactItem['Update']>;

const INDEX_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'type', 'expiresAt'];

export function orderItem(order: Order): Record<string, unknown> {
  return {
    ...keys.order(order.orderId),
    ...(order.userId ? keys.customerOrdersIndex(order.userId, order.createdAt, order.orderId) : {}),
    ...keys.orderStatusIndex(order.status, order.createdAt, order.orderId),
    type: 'Order',
    ...order,
  };
}

export function toOrder(item: Record<string, unknown>): Order {
  const order = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete order[attribute];
  return order as unknown as Order;
}

export function stockUpdate(
  tableName: string,
  line: { sku: string; productSku?: string },
  quantity: number,
  kind: Transition['stock'] | 'reserve',
): TransactItem {
  const expressions: Record<string, { update: string; condition: string }> = {
    // checkout: only if enough is available now
    reserve: {
      update: 'SET available = available - :q, reserved = reserved + :q',
      condition: 'available >= :q',
    },
    // unpaid order ends: the reservation goes back to available
    release: {
      update: 'SET available = available + :q, reserved = reserved - :q',
      condition: 'reserved >= :q',
    },
    // paid: reserved units leave the warehouse
    sell: { update: 'SET onHand = onHand - :q, reserved = reserved - :q', condition: 'reserved >= :q' },
    // paid order cancelled before shipment: the units are back on the shelf
    restock: { update: 'SET onHand = onHand + :q, available = available + :q', condition: 'attribute_exists(PK)' },
  };
  const expression = expressions[kind];
  if (!expression) throw new Error(`no stock movement ${kind}`);
  // A variant's active flag is on its stock's item: one deactivated since checkout read it is not reserved.
  const variant = line.productSku !== undefined && line.productSku !== line.sku;
  const onlyIfActive = kind === 'reserve' && variant;
  return {
    Update: {
      TableName: tableName,
      Key: stockKey(line),
      UpdateExpression: expression.update,
      ConditionExpression: onlyIfActive ? `${expression.condition} AND active = :active` : expression.condition,
      ExpressionAttributeValues: { ':q': quantity, ...(onlyIfActive && { ':active': true }) },
    },
  };
}

export interface OrderRepositoryOptions {
  /**
   * A new work record is due for the reconcile job this long after its commit: the table's stream
   * hands it to its queue at once (work-forwarder), so it is only due if that message was lost or
   * dead-lettered and the work is still not done.
   */
  resendAfterSeconds: number;
}

/** The order takes a place in a hold record's set (pending orders, a code's uses), if fewer than `limit` are taken. */
function orderHeld(
  tableName: string,
  Key: Record<string, string>,
  type: string,
  orderId: string,
  limit: number,
): TransactUpdate {
  return {
    TableName: tableName,
    Key,
    UpdateExpression: 'ADD orderIds :order SET #type = :type',
    ConditionExpression: 'attribute_not_exists(orderIds) OR size(orderIds) < :limit',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':order': new Set([orderId]), ':limit': limit, ':type': type },
  };
}

/**
 * The updates that give an ending order's holds back (order-holds.ts). Sets lose the order's id,
 * which is a no-op for an id they do not hold (an order placed before the sets existed), so no
 * count can drift below the truth; the code's own counter goes down by the one redemption.
 */
function holdReleases(tableName: string, holds: OrderHolds): TransactItem[] {
  const items: TransactItem[] = [];
  const forget = (Key: Record<string, string>, orderId: string): TransactItem => ({
    Update: {
      TableName: tableName,
      Key,
      UpdateExpression: 'DELETE orderIds :order',
      ExpressionAttributeValues: { ':order': new Set([orderId]) },
    },
  });
  if (holds.pendingOrder) items.push(forget(keys.pendingOrders(holds.pendingOrder.sub), holds.pendingOrder.orderId));
  const { redemption } = holds;
  if (redemption) {
    items.push({
      Update: {
        TableName: tableName,
        Key: keys.discount(redemption.code),
        UpdateExpression: 'ADD redemptions :minusOne',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    });
    if (redemption.customer)
      items.push(forget(keys.customerRedemptions(redemption.customer, redemption.code), redemption.orderId));
  }
  return items;
}

const plusSeconds = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

export function createDynamoOrderRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  { resendAfterSeconds }: OrderRepositoryOptions = { resendAfterSeconds: 1800 },
): OrderRepository {
  async function query(input: {
    index: 'GSI1' | 'GSI2';
    partition: string;
    limit: number;
    after?: Record<string, unknown>;
    oldestFirst?: boolean;
  }) {
    const result = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: input.index,
        KeyConditionExpression: `${input.index}PK = :pk`,
        ExpressionAttributeValues: { ':pk': input.partition },
        ScanIndexForward: input.oldestFirst === true,
        Limit: input.limit,
        ExclusiveStartKey: input.after,
      }),
    );
    return {
      items: (result.Items ?? []).map(toOrder),
      next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null,
    };
  }

  const repository: OrderRepository = {
    async place(placement: Placement): Promise<PlacementOutcome> {
      const { order } = placement;
      const items: TransactItem[] = order.items.map((line) => stockUpdate(tableName, line, line.quantity, 'reserve'));
      const orderIndex = items.length;
      items.push({
        Put: { TableName: tableName, Item: orderItem(order), ConditionExpression: 'attribute_not_exists(PK)' },
      });
      const work = paymentWork(order, placement.paymentToken);
      items.push(workRecordPut(tableName, work, order.createdAt, plusSeconds(order.createdAt, resendAfterSeconds)));
      items.push(eventRecordPut(tableName, orderPlacedEvent(order)));
      const pendingIndex = items.length;
      const { orderId, userId } = order;
      items.push({
        Update: orderHeld(
          tableName,
          keys.pendingOrders(userId ?? ''),
          'PendingOrders',
          orderId,
          placement.pendingOrderLimit,
        ),
      });
      let discountIndex = -1;
      let perCustomerIndex = -1;
      if (placement.discount !== null) {
        const { code, maxPerCustomer } = placement.discount;
        discountIndex = items.length;
        items.push({
          Update: {
            TableName: tableName,
            Key: keys.discount(code),
            UpdateExpression: 'SET redemptions = redemptions + :one',
            ConditionExpression:
              'attribute_exists(PK) AND (attribute_not_exists(maxRedemptions) OR redemptions < maxRedemptions) ' +
              'AND (attribute_not_exists(validFrom) OR validFrom <= :now) AND (attribute_not_exists(validUntil) OR validUntil > :now)',
            ExpressionAttributeValues: { ':one': 1, ':now': order.createdAt },
          },
        });
        if (maxPerCustomer !== null && order.userId) {
          perCustomerIndex = items.length;
          items.push({
            Update: orderHeld(
              tableName,
              keys.customerRedemptions(order.userId, code),
              'Redemptions',
              orderId,
              maxPerCustomer,
            ),
          });
        }
      }
      let cartIndex = -1;
      if (placement.cart) {
        cartIndex = items.length;
        // Emptied, not deleted: its versions must never start again.
        items.push({ Update: cartEmptying(tableName, placement.cart.sub, order.createdAt, placement.cart.version) });
      }
      let idempotencyIndex = -1;
      if (placement.idempotency) {
        idempotencyIndex = items.length;
        items.push({
          Update: completionUpdate(tableName, placement.idempotency.lease, placement.idempotency.response),
        });
      }
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: items,
            // The SDK resends this very request when an answer is lost (a timeout, a reset socket). Without
            // a token, a resend of a transaction that had committed would fail its own conditions (the
            // order exists, the claim is completed) and the client would hear a failure for a placed
            // order; with it, DynamoDB answers the resend as the commit it was (within 10 minutes). The
            // order id is new for every placement attempt and fits the token's 36 characters.
            ClientRequestToken: order.orderId,
          }),
        );
        return { ok: true };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) {
          if (error instanceof Error && error.name === 'TransactionConflictException')
            return { ok: false, reason: 'conflict' };
          throw error;
        }
        const failed = (index: number) => codes[index] === 'ConditionalCheckFailed';
        const shortLines = order.items.map((_, index) => index).filter(failed);
        if (shortLines.length > 0) return { ok: false, reason: 'out-of-stock', lines: shortLines };
        if (failed(pendingIndex)) return { ok: false, reason: 'too-many-pending' };
        if (discountIndex >= 0 && failed(discountIndex)) return { ok: false, reason: 'discount' };
        if (perCustomerIndex >= 0 && failed(perCustomerIndex)) return { ok: false, reason: 'discount-per-customer' };
        if (cartIndex >= 0 && failed(cartIndex)) return { ok: false, reason: 'cart-changed' };
        if (idempotencyIndex >= 0 && failed(idempotencyIndex)) return { ok: false, reason: 'idempotency-lost' };
        if (failed(orderIndex)) throw new Error(`order id ${order.orderId} collided`);
        return { ok: false, reason: 'conflict' };
      }
    },

    async get(orderId) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.order(orderId), ConsistentRead: true }),
      );
      return result.Item ? toOrder(result.Item) : null;
    },

    async transition(transition) {
      const { order, from, to, event, stock, changes } = transition;
      const updated: Order = {
        ...order,
        ...changes,
        status: to,
        // Never the version read again (a clock behind the last writer's): the condition below stays exact.
        updatedAt: laterThan(order.updatedAt, event.at),
        events: [...order.events, event],
      };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: orderItem(updated),
            ConditionExpression: '#status = :from AND updatedAt = :seen',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':from': from, ':seen': order.updatedAt },
          },
        },
      ];
      if (stock !== 'none')
        items.push(...order.items.map((line) => stockUpdate(tableName, line, line.quantity, stock)));
      const work = workOfTransition(transition);
      const dueAt = plusSeconds(event.at, resendAfterSeconds);
      for (const started of work.starts) items.push(workRecordPut(tableName, started, event.at, dueAt));
      for (const kind of work.completes) items.push(workRecordDelete(tableName, { orderId: order.orderId, kind }));
      const ledger = ledgerOfTransition(transition);
      if (ledger) items.push(ledgerEntryItem(tableName, ledger));
      for (const fact of eventsOfTransition(transition, updated)) items.push(eventRecordPut(tableName, fact));
      items.push(...holdReleases(tableName, holdsReleasedBy(transition)));
      return committedUnlessRefused(db, items);
    },

    async recordCarrierShipment(order, shipmentId, at) {
      const updatedAt = laterThan(order.updatedAt, at);
      const committed = await committedUnlessRefused(db, [
        {
          Update: {
            TableName: tableName,
            Key: keys.order(order.orderId),
            UpdateExpression: 'SET carrierShipmentId = :shipment, updatedAt = :at',
            ConditionExpression: '#status = :paid AND updatedAt = :seen AND attribute_not_exists(carrierShipmentId)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':shipment': shipmentId,
              ':at': updatedAt,
              ':paid': 'PAID',
              ':seen': order.updatedAt,
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.carrierShipment(shipmentId),
              type: 'CarrierShipment',
              orderId: order.orderId,
              createdAt: updatedAt,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
      return committed ? { ...order, carrierShipmentId: shipmentId, updatedAt } : null;
    },

    async redriveFulfilment({ order, shippingAddress, event }) {
      const { carrierShipmentId: _bought, ...rest } = order;
      const updated: Order = {
        ...rest,
        ...(shippingAddress && { shippingAddress }),
        updatedAt: laterThan(order.updatedAt, event.at),
        events: [...order.events, event],
      };
      const record = workRecordPut(tableName, fulfilmentWork(order.orderId), event.at, event.at);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: orderItem(updated),
                  ConditionExpression: '#status = :paid AND updatedAt = :seen',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':paid': 'PAID', ':seen': order.updatedAt },
                },
              },
              // Due at once: the caller sends it now, and the reconcile job does if that send fails.
              {
                Put: { ...record.Put, ConditionExpression: 'attribute_exists(parkedAt)' } as NonNullable<
                  TransactItem['Put']
                >,
              },
            ],
          }),
        );
        return 'redriven';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[1] === 'ConditionalCheckFailed') return 'not-parked';
        if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict')) return 'conflict';
        throw error;
      }
    },

    async orderOfCarrierShipment(shipmentId) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.carrierShipment(shipmentId), ConsistentRead: true }),
      );
      return typeof result.Item?.orderId === 'string' ? result.Item.orderId : null;
    },

    listByCustomer: (sub, { limit, after }) =>
      query({ index: 'GSI1', partition: keys.customerOrdersIndex(sub, '', '').GSI1PK, limit, after }),

    listByStatus: (status: OrderStatus, { limit, after }, options) =>
      query({
        index: 'GSI2',
        partition: keys.orderStatusIndex(status, '', '').GSI2PK,
        limit,
        after,
        oldestFirst: options?.oldestFirst,
      }),

    statusPosition: (order) => ({
      ...keys.order(order.orderId),
      ...keys.orderStatusIndex(order.status, order.createdAt, order.orderId),
    }),
  };

  // An order is placed in the trace of the request placing it, and keeps its correlation id: every
  // later change writes its work and events in the order's trace (shared/trace-context.ts).
  return {
    ...repository,
    place(placement) {
      traceOrder(placement.order.orderId);
      const correlationId = currentTrace()?.correlationId;
      return repository.place(
        correlationId === undefined ? placement : { ...placement, order: { ...placement.order, correlationId } },
      );
    },
    transition: (transition) => withOrderTrace(transition.order, () => repository.transition(transition)),
    redriveFulfilment: (redrive) => withOrderTrace(redrive.order, () => repository.redriveFulfilment(redrive)),
  };
}
