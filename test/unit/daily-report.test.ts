import { createJobRunner, type JobOptions } from '../../shared/domain/jobs/job-runner';
import { createDailyReportService } from '../../shared/domain/reports/daily-report-service';
import type { SalesLedger } from '../../shared/domain/reports/report-ports';
import {
  type DailyReport,
  dailyReportOf,
  type LedgerEntry,
  previousUtcDay,
  utcDay,
} from '../../shared/domain/reports/sales-ledger';
import { ValidationError } from '../../shared/errors';

const DAY = '2026-03-14';
const options = { currency: 'EUR', generatedAt: '2026-03-15T00:10:00.000Z' };

const sale = (orderId: string, at: string, items: Array<[string, number, number]>, discount = 0): LedgerEntry => {
  const lines = items.map(([sku, quantity, lineTotal]) => ({ sku, quantity, lineTotal }));
  const total = lines.reduce((sum, line) => sum + line.lineTotal, 0) - discount;
  return { kind: 'sale', orderId, at, amount: total, currency: 'EUR', items: lines };
};
const refund = (orderId: string, at: string, amount: number): LedgerEntry => ({
  kind: 'refund',
  orderId,
  at,
  amount,
  currency: 'EUR',
  items: [],
});

describe('the daily report of ledger entries', () => {
  it('counts the orders paid that day, their units and totals, and the refunds issued that day', () => {
    const report = dailyReportOf(
      DAY,
      [
        sale('ord_a', `${DAY}T00:00:00.000Z`, [['MUG', 2, 3000]]),
        sale(
          'ord_b',
          `${DAY}T12:30:00.000Z`,
          [
            ['MUG', 1, 1500],
            ['TEA', 3, 900],
          ],
          240,
        ),
        sale('ord_c', `${DAY}T23:59:59.999Z`, [['PLATE', 1, 2500]]),
        refund('ord_a', `${DAY}T18:00:00.000Z`, 3000),
        // refunded today, paid on an earlier day: a refund of today, not a sale
        refund('ord_old', `${DAY}T09:00:00.000Z`, 1200),
      ],
      options,
    );
    expect(report).toEqual<DailyReport>({
      date: DAY,
      orders: 3,
      itemsSold: 7,
      revenue: 3000 + (2400 - 240) + 2500,
      shipping: 0,
      tax: 0,
      currency: 'EUR',
      topProducts: [
        { sku: 'MUG', productSku: 'MUG', options: {}, quantity: 3, revenue: 4500 },
        { sku: 'TEA', productSku: 'TEA', options: {}, quantity: 3, revenue: 900 },
        { sku: 'PLATE', productSku: 'PLATE', options: {}, quantity: 1, revenue: 2500 },
      ],
      refunds: { count: 2, amount: 4200 },
      generatedAt: options.generatedAt,
    });
  });

  it('adds up the shipping and tax of the day’s sales, within the revenue', () => {
    const entries: LedgerEntry[] = [
      { ...sale('ord_t1', `${DAY}T10:00:00.000Z`, [['MUG', 1, 1190]]), shipping: 490, tax: 268, amount: 1680 },
      { ...sale('ord_t2', `${DAY}T11:00:00.000Z`, [['TEA', 1, 1070]]), shipping: 0, tax: 70, amount: 1070 },
      // Paid before shipping and tax were recorded: neither counts.
      sale('ord_t3', `${DAY}T12:00:00.000Z`, [['MUG', 1, 1190]]),
    ];
    expect(dailyReportOf(DAY, entries, options)).toMatchObject({
      revenue: 1680 + 1070 + 1190,
      shipping: 490,
      tax: 338,
    });
  });

  it('lists each variant as its own seller, with its product and option values', () => {
    const shirt = (sku: string, size: string, quantity: number, lineTotal: number) => ({
      sku,
      productSku: 'TEE',
      options: { Size: size },
      quantity,
      lineTotal,
    });
    const entries: LedgerEntry[] = [
      {
        ...sale('ord_v1', `${DAY}T10:00:00.000Z`, []),
        items: [shirt('TEE-M', 'M', 2, 4000), shirt('TEE-L', 'L', 1, 2000)],
      },
      { ...sale('ord_v2', `${DAY}T11:00:00.000Z`, []), items: [shirt('TEE-M', 'M', 1, 2000)] },
    ];
    expect(dailyReportOf(DAY, entries, options).topProducts).toEqual([
      { sku: 'TEE-M', productSku: 'TEE', options: { Size: 'M' }, quantity: 3, revenue: 6000 },
      { sku: 'TEE-L', productSku: 'TEE', options: { Size: 'L' }, quantity: 1, revenue: 2000 },
    ]);
  });

  it('ranks products by quantity, then revenue, then sku, and lists the top 10', () => {
    const entries = Array.from({ length: 12 }, (_, i) =>
      sale(`ord_${i}`, `${DAY}T10:00:00.000Z`, [[`SKU-${String(i).padStart(2, '0')}`, 1 + (i % 3), 100 * (i % 2)]]),
    );
    const top = dailyReportOf(DAY, entries, options).topProducts;
    expect(top).toHaveLength(10);
    // quantity 3 (i = 2, 5, 8, 11): revenue 100 for odd i first, then sku order
    expect(top.map((product) => product.sku)).toEqual([
      'SKU-05',
      'SKU-11',
      'SKU-02',
      'SKU-08',
      'SKU-01',
      'SKU-07',
      'SKU-04',
      'SKU-10',
      'SKU-03',
      'SKU-09',
    ]);
    expect(dailyReportOf(DAY, entries, { ...options, top: 2 }).topProducts).toHaveLength(2);
  });

  it('leaves out entries of other days (by UTC, whatever offset they were written with) and counts a repeated entry once', () => {
    const paid = sale('ord_1', `${DAY}T08:00:00.000Z`, [['MUG', 1, 1500]]);
    const report = dailyReportOf(
      DAY,
      [
        paid,
        { ...paid },
        sale('ord_before', '2026-03-13T23:59:59.999Z', [['MUG', 5, 7500]]),
        sale('ord_after', '2026-03-15T00:00:00.000Z', [['MUG', 5, 7500]]),
        // 00:30 on the 15th in Berlin is 23:30 UTC on the 14th
        sale('ord_offset', '2026-03-15T00:30:00+01:00', [['TEA', 1, 300]]),
        refund('ord_late', '2026-03-15T00:00:01.000Z', 999),
      ],
      options,
    );
    expect(report).toMatchObject({ orders: 2, itemsSold: 2, revenue: 1800, refunds: { count: 0, amount: 0 } });
  });

  it('counts each return’s refund of one order, and a repeated one once', () => {
    const first = { ...refund('ord_r', `${DAY}T10:00:00.000Z`, 1250), returnId: 'ret_1' };
    const second = { ...refund('ord_r', `${DAY}T11:00:00.000Z`, 1500), returnId: 'ret_2' };
    const report = dailyReportOf(DAY, [first, second, { ...first }], options);
    expect(report.refunds).toEqual({ count: 2, amount: 2750 });
  });

  it('reports an empty day as zeros', () => {
    expect(dailyReportOf(DAY, [], options)).toMatchObject({
      orders: 0,
      itemsSold: 0,
      revenue: 0,
      topProducts: [],
      refunds: { count: 0, amount: 0 },
    });
  });

  it('takes the UTC day of an instant, and the day before', () => {
    expect(utcDay('2026-03-01T00:30:00+02:00')).toBe('2026-02-28');
    expect(previousUtcDay(new Date('2026-03-01T00:10:00.000Z'))).toBe('2026-02-28');
    expect(previousUtcDay(new Date('2024-03-01T23:59:59.999Z'))).toBe('2024-02-29');
    expect(previousUtcDay(new Date('2027-01-01T00:00:00.000Z'))).toBe('2026-12-31');
  });
});

describe('the daily report service', () => {
  const now = new Date('2026-03-15T00:10:00.000Z');
  const inMemoryLedger = (entries: LedgerEntry[]) => {
    const reports = new Map<string, DailyReport>();
    const ledger: SalesLedger = {
      async *entriesOf(date) {
        for (const entry of entries) if (utcDay(entry.at) === date) yield entry;
      },
      async saveReport(report) {
        const stored = reports.get(report.date);
        if (stored && (stored.orders > report.orders || stored.refunds.count > report.refunds.count)) return 'kept';
        reports.set(report.date, report);
        return 'saved';
      },
      report: async (date) => reports.get(date) ?? null,
    };
    return { ledger, reports };
  };

  it('reports the previous UTC day by default, and refuses a day in the future', async () => {
    const { ledger, reports } = inMemoryLedger([sale('ord_1', `${DAY}T20:00:00.000Z`, [['MUG', 2, 3000]])]);
    const service = createDailyReportService({ ledger, clock: { now: () => now }, currency: 'EUR' });
    expect(await service.run()).toEqual({ orders: 1, itemsSold: 2, revenue: 3000, refunds: 0, keptStoredReport: 0 });
    expect(reports.get(DAY)).toMatchObject({ date: DAY, orders: 1, generatedAt: now.toISOString() });
    // today is allowed (a partial day), tomorrow is not
    await expect(service.generate('2026-03-15')).resolves.toMatchObject({ orders: 0 });
    await expect(service.generate('2026-03-16')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    await expect(service.get('2026-03-16')).rejects.toBeInstanceOf(ValidationError);
    await expect(service.get('2026-03-10')).rejects.toMatchObject({ code: 'REPORT_NOT_FOUND', status: 404 });
  });
});

describe('the job runner', () => {
  const clock = { now: () => new Date('2026-03-15T00:10:00.000Z') };
  const seen: Array<{ job: string; options: JobOptions; remaining: number }> = [];
  const runner = createJobRunner(
    {
      plain: async (options, context) => {
        seen.push({ job: 'plain', options, remaining: context.remainingTimeMs() });
        return { done: 1 };
      },
      dated: {
        takes: ['date'],
        run: async (options, context) => {
          seen.push({ job: 'dated', options, remaining: context.remainingTimeMs() });
          return { done: 1 };
        },
      },
    },
    clock,
  );

  beforeEach(() => {
    seen.length = 0;
  });

  it('hands a job the options it takes and the time left', async () => {
    await runner.run('dated', { date: DAY }, { remainingTimeMs: () => 1234 });
    expect(seen).toEqual([{ job: 'dated', options: { date: DAY }, remaining: 1234 }]);
  });

  it('refuses a date for a job that takes none (400), and runs nothing', async () => {
    await expect(runner.run('plain', { date: DAY })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'date', message: 'the job plain takes no date' }],
    });
    expect(seen).toEqual([]);
    await runner.run('plain', { date: undefined });
    expect(seen).toEqual([{ job: 'plain', options: { date: undefined }, remaining: Number.POSITIVE_INFINITY }]);
  });

  it('answers JOB_NOT_FOUND for an unknown job, whatever the options', async () => {
    await expect(runner.run('nope', { date: DAY })).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    await expect(runner.run('hasOwnProperty')).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
  });
});
