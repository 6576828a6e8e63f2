import type { Clock } from '../../lib/clock';
import { FutureDateError, ReportNotFoundError } from './report-errors';
import type { SalesLedger } from './report-ports';
import { createDayTally, type DailyReport, previousUtcDay, utcDay } from './sales-ledger';

export interface DailyReportDeps {
  ledger: SalesLedger;
  clock: Clock;
  /** The store's currency: every amount of the report is in it. */
  currency: string;
}

/** The daily-report job's counts. */
export type DailyReportSummary = {
  orders: number;
  itemsSold: number;
  revenue: number;
  refunds: number;
};

export function createDailyReportService({ ledger, clock, currency }: DailyReportDeps) {
  /** @throws FutureDateError for a day after today (UTC): it has no sales yet. */
  function checkDate(date: string): void {
    const today = utcDay(clock.now());
    if (date > today) throw new FutureDateError(date, today);
  }

  async function generate(date: string): Promise<DailyReport> {
    checkDate(date);
    const tally = createDayTally(date);
    for await (const entry of ledger.entriesOf(date)) tally.add(entry);
    const report = tally.report({ currency, generatedAt: clock.now().toISOString() });
    await ledger.saveReport(report);
    return report;
  }

  return {
    /**
     * Builds the report of one UTC day from its ledger entries and stores it, replacing the day's
     * earlier report (a re-run regenerates it, so entries that arrived late are counted).
     * @param date `YYYY-MM-DD`; default the previous UTC day (the schedule runs just after midnight)
     * @throws FutureDateError for a day after today
     */
    generate: (date?: string): Promise<DailyReport> => generate(date ?? previousUtcDay(clock.now())),

    /** The daily-report job: `generate`, answered as counts. */
    async run(date?: string): Promise<DailyReportSummary> {
      const report = await generate(date ?? previousUtcDay(clock.now()));
      return {
        orders: report.orders,
        itemsSold: report.itemsSold,
        revenue: report.revenue,
        refunds: report.refunds.count,
      };
    },

    /**
     * The stored report of a day.
     * @throws FutureDateError for a day after today
     * @throws ReportNotFoundError when the day's report has not been generated
     */
    async get(date: string): Promise<DailyReport> {
      checkDate(date);
      const report = await ledger.report(date);
      if (!report) throw new ReportNotFoundError(date);
      return report;
    },
  };
}

export type DailyReportService = ReturnType<typeof createDailyReportService>;
