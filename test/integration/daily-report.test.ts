import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { handler as getDailyReport } from '../../functions/http/get-daily-report';
import { createDynamoSalesLedger, ledgerEntryItem } from '../../shared/adapters/dynamo/dynamo-sales-ledger';
import { keys } from '../../shared/adapters/dynamo/keys';
import { createDailyReportService } from '../../shared/domain/reports/daily-report-service';
import type { LedgerEntry } from '../../shared/domain/reports/sales-ledger';
import { runJobNow } from '../support/admin-jobs';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

// Far-past days that no order of any other test is paid on: only this file's entries are there.
const DAY = '2001-05-17';
const DAY_BEFORE = '2001-05-16';
const DAY_AFTER = '2001-05-18';

const orderId = () => `ord_${randomUUID().replaceAll('-', '')}`;
const sale = (at: string, items: Array<[string, number, number]>, discount = 0): LedgerEntry => {
  const lines = items.map(([sku, quantity, lineTotal]) => ({ sku, quantity, lineTotal }));
  const total = lines.reduce((sum, line) => sum + line.lineTotal, 0) - discount;
  return { kind: 'sale', orderId: orderId(), at, amount: total, currency: 'EUR', items: lines };
};
const refund = (at: string, amount: number, id = orderId()): LedgerEntry => ({
  kind: 'refund',
  orderId: id,
  at,
  amount,
  currency: 'EUR',
  items: [],
});

/** Writes the entries the way the order code does: as items of a transaction. */
async function record(...entries: LedgerEntry[]) {
  await db.send(
    new TransactWriteCommand({ TransactItems: entries.map((entry) => ledgerEntryItem(tableName(), entry)) }),
  );
}

const runReport = (body?: unknown, token = adminToken()) => runJobNow('daily-report', { token, body });

const getReport = (date: string, token = adminToken()) =>
  invoke(getDailyReport, {
    method: 'GET',
    path: `/v1/reports/daily/${date}`,
    route: '/v1/reports/daily/{date}',
    pathParameters: { date },
    token,
  });

const timestamp = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

describe('the daily report', () => {
  const refunded = sale(`${DAY}T09:15:00.000Z`, [['LEDGER-MUG', 1, 1500]]);
  beforeAll(async () => {
    await record(
      sale(`${DAY}T00:00:00.000Z`, [['LEDGER-MUG', 2, 3000]]),
      sale(
        `${DAY}T13:45:10.123Z`,
        [
          ['LEDGER-MUG', 1, 1500],
          ['LEDGER-TEA', 4, 1200],
        ],
        270,
      ),
      sale(`${DAY}T23:59:59.999Z`, [['LEDGER-PLATE', 3, 7500]]),
      refunded,
      refund(`${DAY}T18:00:00.000Z`, 1500, refunded.orderId),
      // an order paid the day before, refunded on the day: a refund of the day only
      refund(`${DAY}T07:00:00.000Z`, 4000),
      // the neighbouring days, just outside the day
      sale(`${DAY_BEFORE}T23:59:59.999Z`, [['LEDGER-MUG', 9, 13500]]),
      sale(`${DAY_AFTER}T00:00:00.000Z`, [['LEDGER-TEA', 9, 2700]]),
      refund(`${DAY_AFTER}T00:00:00.000Z`, 999),
    );
  });

  it('is 404 REPORT_NOT_FOUND before the day is generated', async () => {
    const result = await getReport('2001-05-20');
    expect(result.status).toBe(404);
    expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(result.json.code).toBe('REPORT_NOT_FOUND');
  });

  it('counts the orders paid that day and the refunds issued that day, from the ledger', async () => {
    const run = await runReport({ date: DAY });
    expect(run.status).toBe(200);
    const revenue = 3000 + (2700 - 270) + 7500 + 1500;
    expect(run.json).toEqual({
      job: 'daily-report',
      startedAt: timestamp,
      finishedAt: timestamp,
      summary: { orders: 4, itemsSold: 11, revenue, refunds: 2, keptStoredReport: 0 },
    });

    const result = await getReport(DAY);
    expect(result.status).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(result.json).toEqual({
      date: DAY,
      orders: 4,
      itemsSold: 11,
      revenue,
      shipping: 0,
      tax: 0,
      currency: 'EUR',
      topProducts: [
        // 4 mugs (6000) and 4 teas (1200): equal quantity, higher revenue first
        { sku: 'LEDGER-MUG', productSku: 'LEDGER-MUG', options: {}, quantity: 4, revenue: 6000 },
        { sku: 'LEDGER-TEA', productSku: 'LEDGER-TEA', options: {}, quantity: 4, revenue: 1200 },
        { sku: 'LEDGER-PLATE', productSku: 'LEDGER-PLATE', options: {}, quantity: 3, revenue: 7500 },
      ],
      refunds: { count: 2, amount: 5500 },
      generatedAt: timestamp,
    });
  });

  it('keeps through the table a variant line’s product and options, and each sale’s shipping and tax', async () => {
    const day = '2001-06-02';
    const shirt = (sku: string, size: string, quantity: number, lineTotal: number) => ({
      sku,
      productSku: 'LEDGER-TEE',
      options: { Size: size },
      quantity,
      lineTotal,
    });
    await record(
      {
        ...sale(`${day}T10:00:00.000Z`, []),
        items: [shirt('LEDGER-TEE-M', 'M', 2, 4000)],
        shipping: 490,
        tax: 717,
        amount: 4490,
      },
      {
        ...sale(`${day}T11:00:00.000Z`, []),
        items: [shirt('LEDGER-TEE-L', 'L', 1, 2000)],
        shipping: 0,
        tax: 319,
        amount: 2000,
      },
    );
    expect((await runReport({ date: day })).status).toBe(200);
    const report = await getReport(day);
    expect(report.json).toMatchObject({ orders: 2, revenue: 6490, shipping: 490, tax: 1036 });
    expect(report.json.topProducts).toEqual([
      { sku: 'LEDGER-TEE-M', productSku: 'LEDGER-TEE', options: { Size: 'M' }, quantity: 2, revenue: 4000 },
      { sku: 'LEDGER-TEE-L', productSku: 'LEDGER-TEE', options: { Size: 'L' }, quantity: 1, revenue: 2000 },
    ]);
  });

  it('counts an entry written twice once, and a re-run replaces the report with what the ledger holds now', async () => {
    const first = await runReport({ date: DAY_BEFORE });
    expect(first.json.summary).toEqual({ orders: 1, itemsSold: 9, revenue: 13500, refunds: 0, keptStoredReport: 0 });

    const late = sale(`${DAY_BEFORE}T21:00:00.000Z`, [['LEDGER-CUP', 1, 800]]);
    await record(late);
    await record(late); // a retried write of the same entry: the same item
    const again = await runReport({ date: DAY_BEFORE });
    expect(again.json.summary).toEqual({ orders: 2, itemsSold: 10, revenue: 14300, refunds: 0, keptStoredReport: 0 });
    const stored = await getReport(DAY_BEFORE);
    expect(stored.json).toMatchObject({ orders: 2, revenue: 14300 });
    expect(stored.json.generatedAt >= again.json.startedAt).toBe(true);

    // Nothing new: a re-run gives the same report.
    const third = await runReport({ date: DAY_BEFORE });
    expect(third.json.summary).toEqual(again.json.summary);
    const { generatedAt: _a, ...before } = stored.json;
    const { generatedAt: _b, ...after } = (await getReport(DAY_BEFORE)).json;
    expect(after).toEqual(before);
  });

  it('a re-run after the day’s ledger entries expired keeps the stored report instead of overwriting it with zeros', async () => {
    const day = '2001-09-09';
    await record(sale(`${day}T10:00:00.000Z`, [['LEDGER-OLD', 2, 4000]]), refund(`${day}T11:00:00.000Z`, 500));
    expect((await runReport({ date: day })).json.summary).toMatchObject({ orders: 1, refunds: 1, keptStoredReport: 0 });
    const before = (await getReport(day)).json;
    // DynamoDB's TTL removes entries 400 days after their event; here they go at once.
    for (let shard = 0; shard < 8; shard++) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.ledgerEntry(day, shard, '', '').PK },
        }),
      );
      for (const item of Items)
        await db.send(new DeleteCommand({ TableName: tableName(), Key: { PK: item.PK, SK: item.SK } }));
    }

    const rerun = await runReport({ date: day });

    expect(rerun.status).toBe(200);
    expect(rerun.json.summary).toEqual({ orders: 1, itemsSold: 2, revenue: 4000, refunds: 1, keptStoredReport: 1 });
    expect((await getReport(day)).json).toEqual(before);
  });

  it('keeps one ledger item per entry, spread over the day’s shards, expiring after 400 days', async () => {
    const entries = Array.from({ length: 24 }, () => sale('2001-02-03T10:00:00.000Z', [['LEDGER-SPREAD', 1, 100]]));
    await record(...entries);
    await record(...entries.slice(0, 3));
    const shards = new Set<number>();
    const stored: Array<Record<string, unknown>> = [];
    for (let shard = 0; shard < 8; shard++) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `LEDGER#2001-02-03#${shard}` },
        }),
      );
      if (Items.length > 0) shards.add(shard);
      stored.push(...Items);
    }
    expect(stored).toHaveLength(24);
    expect(shards.size).toBeGreaterThan(1);
    const [first] = entries;
    expect(stored.find((item) => item.orderId === first?.orderId)).toEqual({
      PK: expect.stringMatching(/^LEDGER#2001-02-03#[0-7]$/),
      SK: `SALE#${first?.orderId}`,
      type: 'LedgerEntry',
      ...first,
      expiresAt: Date.parse('2001-02-03T10:00:00.000Z') / 1000 + 400 * 24 * 3600,
    });
  });

  it('reports the previous UTC day when no date is given (the schedule’s run)', async () => {
    const service = createDailyReportService({
      ledger: createDynamoSalesLedger(db, tableName()),
      clock: { now: () => new Date(`${DAY_AFTER}T00:10:00.000Z`) },
      currency: 'EUR',
    });
    expect(await service.run()).toEqual({ orders: 4, itemsSold: 11, revenue: 14430, refunds: 2, keptStoredReport: 0 });
  });

  it('refuses a day in the future or a malformed day (400), for the job and the report', async () => {
    const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
    for (const date of [tomorrow, '2001-02-30', '2001-5-17', '17.05.2001']) {
      const run = await runReport({ date });
      expect({ date, status: run.status, code: run.json.code, path: run.json.errors?.[0]?.path }).toEqual({
        date,
        status: 400,
        code: 'VALIDATION_FAILED',
        path: 'date',
      });
      const read = await getReport(date);
      expect({ date, status: read.status, code: read.json.code }).toEqual({
        date,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect((await getReport(tomorrow)).json.errors).toEqual([
      { path: 'date', message: expect.stringMatching(/future/) },
    ]);
    const unknownField = await runReport({ date: DAY, day: DAY });
    expect(unknownField.status).toBe(400);
  });

  it('is for administrators only (403 for customers, 401 without a token)', async () => {
    const customer = customerToken(`report-${randomUUID()}`);
    const read = await getReport(DAY, customer);
    expect(read.status).toBe(403);
    expect(read.json.code).toBe('FORBIDDEN');
    expect((await runReport({ date: DAY }, customer)).status).toBe(403);
    const anonymous = await invoke(getDailyReport, {
      method: 'GET',
      path: `/v1/reports/daily/${DAY}`,
      route: '/v1/reports/daily/{date}',
      pathParameters: { date: DAY },
    });
    expect(anonymous.status).toBe(401);
  });

  it('takes a date only for daily-report: another job with a date is a 400', async () => {
    const result = await runJobNow('cleanup', { body: { date: DAY } });
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'date' }] });
  });
});
