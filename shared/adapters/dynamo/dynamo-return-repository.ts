import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { returnReceivedEvent, returnRefundedEvent, returnRequestedEvent } from '../../domain/events/domain-event';
import type { Order, OrderEvent } from '../../domain/orders/order';
import {
  type ReturnNotifiedEvent,
  returnNotificationWork,
  returnRefundWork,
  type Work,
} from '../../domain/orders/order-work';
import { refundEntry } from '../../domain/reports/sales-ledger';
import type { OrderReturn, ReturnStatus } from '../../domain/returns/return';
import type { ReturnRepository } from '../../domain/returns/return-ports';
import { withOrderTrace } from '../../trace-context';
import { cancellationCodes, laterThan } from './dynamo-client';
import { eventRecordPut } from './dynamo-event-records';
import { orderItem, stockUpdate } from './dynamo-order-repository';
import { ledgerEntryItem } from './dynamo-sales-ledger';
import { workRecordDelete, workRecordPut } from './dynamo-work-outbox';
import { keys } from './keys';
import { queryAllItems } from './query-all';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const INDEX_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'type'];

/** A return: its own item (read by id), in GSI1 under its order and in GSI2 under its status. */
function returnItem(ret: OrderReturn): Record<string, unknown> {
  return {
    ...keys.orderReturn(ret.returnId),
    ...keys.orderReturnsIndex(ret.orderId, ret.createdAt, ret.returnId),
    ...keys.returnStatusIndex(ret.status, ret.createdAt, ret.returnId),
    type: 'Return',
    ...ret,
  };
}

function toReturn(item: Record<string, unknown>): OrderReturn {
  const ret = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete ret[attribute];
  return ret as unknown as OrderReturn;
}

export interface ReturnRepositoryOptions {
  /** A new refund work record is due for the reconcile job this long after its commit (as the orders' work). */
  resendAfterSeconds: number;
}

export function createDynamoReturnRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  { resendAfterSeconds }: ReturnRepositoryOptions,
): ReturnRepository {
  /** The order as the change leaves it, Put only if it is still the version the change was made from. */
  const changed = (order: Order, event: OrderEvent, changes: Partial<Order>): Order => ({
    ...order,
    ...changes,
    updatedAt: laterThan(order.updatedAt, event.at),
    events: [...order.events, event],
  });
  const orderPut = (order: Order, event: OrderEvent, changes: Partial<Order>): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: orderItem(changed(order, event, changes)),
      ConditionExpression: '#status = :status AND updatedAt = :seen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': order.status, ':seen': order.updatedAt },
    },
  });

  /** The return in its new status, Put only if it is still in `from` (absent, for a new one). */
  const returnPut = (ret: OrderReturn, from: ReturnStatus | null): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: returnItem(ret),
      ...(from === null
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : {
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':from': from },
          }),
    },
  });

  /** Work the change starts, due for the reconcile job `resendAfterSeconds` after it (the stream sends it at once). */
  const workPut = (work: Work, at: string): TransactItem =>
    workRecordPut(tableName, work, at, new Date(Date.parse(at) + resendAfterSeconds * 1000).toISOString());

  /** The e-mail about this step of the return, started in the step's transaction. */
  const notification = (ret: OrderReturn, event: ReturnNotifiedEvent, at: string): TransactItem =>
    workPut(returnNotificationWork(ret.orderId, ret.returnId, event), at);

  /** Runs the transaction: true when it committed, false when a condition (or a concurrent transaction) refused it. */
  async function commit(items: TransactItem[]): Promise<boolean> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict')) return false;
      throw error;
    }
  }

  return {
    async get(returnId) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.orderReturn(returnId), ConsistentRead: true }),
      );
      return result.Item ? toReturn(result.Item) : null;
    },

    async listOfOrder(orderId) {
      const items = await queryAllItems(db, {
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.orderReturnsIndex(orderId, '', '').GSI1PK },
      });
      return items.map(toReturn);
    },

    async listByStatus(status, { limit, after }) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.returnStatusIndex(status, '', '').GSI2PK },
          ScanIndexForward: true,
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      );
      return {
        items: (result.Items ?? []).map(toReturn),
        next: (result.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null,
      };
    },

    request: ({ order, ret, returned, event }) =>
      withOrderTrace(order, () =>
        commit([
          orderPut(order, event, { returnedQuantities: returned }),
          returnPut(ret, null),
          notification(ret, 'RETURN_REQUESTED', event.at),
          eventRecordPut(tableName, returnRequestedEvent(ret, event.at)),
        ]),
      ),

    reject: ({ order, ret, returned, event }) =>
      withOrderTrace(order, () =>
        commit([
          orderPut(order, event, { returnedQuantities: returned }),
          returnPut(ret, 'REQUESTED'),
          notification(ret, 'RETURN_REJECTED', event.at),
        ]),
      ),

    receive: ({ order, ret, receivedQuantities, event }) =>
      withOrderTrace(order, () =>
        commit([
          orderPut(order, event, { receivedQuantities }),
          returnPut(ret, 'REQUESTED'),
          // The units are back on the shelf: on hand and available again.
          ...ret.items.map((line) => {
            const bought = order.items.find((candidate) => candidate.sku === line.sku);
            return stockUpdate(tableName, { sku: line.sku, productSku: bought?.productSku }, line.quantity, 'restock');
          }),
          workPut(returnRefundWork(order.orderId, ret.returnId), event.at),
          notification(ret, 'RETURN_RECEIVED', event.at),
          eventRecordPut(tableName, returnReceivedEvent(ret, event.at)),
        ]),
      ),

    recordRefund: ({ order, ret, refundId, event }) =>
      withOrderTrace(order, () => {
        const refunded = (order.refunded ?? 0) + ret.refundAmount;
        // Never more than was charged: a return priced from a stale order cannot push the refunds past the total.
        if (refunded > order.total) throw new Error(`order ${order.orderId}: refunds would exceed the charge`);
        return commit([
          orderPut(order, event, { refunded }),
          returnPut({ ...ret, status: 'REFUNDED', refundId, updatedAt: event.at }, 'RECEIVED'),
          ledgerEntryItem(tableName, refundEntry(order, event.at, ret.refundAmount, ret.returnId)),
          workRecordDelete(tableName, returnRefundWork(order.orderId, ret.returnId)),
          notification(ret, 'RETURN_REFUNDED', event.at),
          eventRecordPut(tableName, returnRefundedEvent(changed(order, event, { refunded }), ret, event.at)),
        ]);
      }),
  };
}
