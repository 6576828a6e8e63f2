import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { SalesLedger } from '../../domain/reports/report-ports';
import { type DailyReport, type LedgerEntry, ledgerEntryId, utcDay } from '../../domain/reports/sales-ledger';
import { applied } from './dynamo-client';
import { keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const LEDGER_SHARDS = 8;
/** Ledger entries are kept this long after their event (TTL); the reports made from them stay. */
export const LEDGER_RETENTION_SECONDS = 400 * 24 * 60 * 60;

/** Spreads one day's entries over a few partitions; the report reads them all. */
const ledgerShard = (orderId: string) => (createHash('sha256').update(orderId).digest()[0] ?? 0) % LEDGER_SHARDS;

/**
 * The ledger entry as one item of a `TransactWriteItems`: put it in the transaction of the
 * transition it records (PAID, REFUNDED), so the entry exists if and only if the transition
 * happened. Unconditional and keyed by day, kind and order: writing the same entry again is the
 * same item, never a second sale.
 */
export function ledgerEntryItem(tableName: string, entry: LedgerEntry): TransactItem {
  const day = utcDay(entry.at);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.ledgerEntry(day, ledgerShard(entry.orderId), entry.kind, ledgerEntryId(entry)),
        type: 'LedgerEntry',
        kind: entry.kind,
        orderId: entry.orderId,
        ...(entry.returnId !== undefined && { returnId: entry.returnId }),
        at: entry.at,
        amount: entry.amount,
        currency: entry.currency,
        items: entry.items.map(({ sku, productSku, options, quantity, lineTotal }) => ({
          sku,
          ...(productSku !== undefined && { productSku, options }),
          quantity,
          lineTotal,
        })),
        ...(entry.shipping !== undefined && { shipping: entry.shipping }),
        ...(entry.tax !== undefined && { tax: entry.tax }),
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + LEDGER_RETENTION_SECONDS,
      },
    },
  };
}

function toEntry(item: Record<string, unknown>): LedgerEntry {
  return {
    kind: item.kind as LedgerEntry['kind'],
    orderId: item.orderId as string,
    ...(typeof item.returnId === 'string' && { returnId: item.returnId }),
    at: item.at as string,
    amount: item.amount as number,
    currency: item.currency as string,
    items: (item.items as LedgerEntry['items'] | undefined) ?? [],
    ...(typeof item.shipping === 'number' && { shipping: item.shipping }),
    ...(typeof item.tax === 'number' && { tax: item.tax }),
  };
}

function toReport(item: Record<string, unknown>): DailyReport {
  return {
    date: item.date as string,
    orders: item.orders as number,
    itemsSold: item.itemsSold as number,
    revenue: item.revenue as number,
    // Reports stored before shipping and tax existed: none was collected.
    shipping: (item.shipping as number | undefined) ?? 0,
    tax: (item.tax as number | undefined) ?? 0,
    currency: item.currency as string,
    // Reports stored before variants existed list simple products only: their own product, no options.
    topProducts: (item.topProducts as Array<Partial<DailyReport['topProducts'][number]>>).map((entry) => ({
      sku: entry.sku as string,
      productSku: entry.productSku ?? (entry.sku as string),
      options: entry.options ?? {},
      quantity: entry.quantity as number,
      revenue: entry.revenue as number,
    })),
    refunds: item.refunds as DailyReport['refunds'],
    generatedAt: item.generatedAt as string,
  };
}

/** The ledger's reads (a day's entries: every shard, page by page) and the stored reports. */
export function createDynamoSalesLedger(db: DynamoDBDocumentClient, tableName: string): SalesLedger {
  return {
    async *entriesOf(date) {
      for (let shard = 0; shard < LEDGER_SHARDS; shard++) {
        let after: Record<string, unknown> | undefined;
        do {
          const result = await db.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': keys.ledgerEntry(date, shard, '', '').PK },
              // Read-after-write: a re-run right after a late entry must count it.
              ConsistentRead: true,
              ExclusiveStartKey: after,
            }),
          );
          for (const item of result.Items ?? []) yield toEntry(item);
          after = result.LastEvaluatedKey as Record<string, unknown> | undefined;
        } while (after);
      }
    },

    async saveReport(report) {
      const saved = await applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.dailyReport(report.date), type: 'DailyReport', ...report },
            ConditionExpression: 'attribute_not_exists(PK) OR (orders <= :orders AND refunds.#count <= :refunds)',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':orders': report.orders, ':refunds': report.refunds.count },
          }),
        ),
      );
      return saved ? 'saved' : 'kept';
    },

    async report(date) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.dailyReport(date), ConsistentRead: true }),
      );
      return result.Item ? toReport(result.Item) : null;
    },
  };
}
