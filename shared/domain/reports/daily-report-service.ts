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
  /** 1 when the stored report counted more than the ledger still holds (entries expired) and was kept. */
  keptStoredReport: number;
};

export function createDailyReportService({ ledger, clock, currency }: DailyReportDeps) {
  /** @throws FutureDateError for a day after today (UTC): it has no sales yet. */
  function checkDate(date: string): void {
    const today = utcDay(clock.now());
    if (date > today) throw new FutureDateError(date, today);
  }

  /** The day's report as stored after this run: the new one, or the earlier one it must not replace. */
  async function generate(date: string): Promise<{ report: DailyReport; kept: boolean }> {
    checkDate(date);
    const tally = createDayTally(date);
    for await (const entry of ledger.entriesOf(date)) tally.add(entry);
    const report = tally.report({ currency, generatedAt: clock.now().toISOString() });
    if ((await ledger.saveReport(report)) === 'saved') return { report, kept: false };
    return { report: (await ledger.report(date)) ?? report, kept: true };
  }

  return {
    /**
     * Builds the report of one UTC day from its ledger entries and stores it, replacing the day's
     * earlier report (a re-run regenerates it, so entries that arrived late are counted) unless
     * that one counts more: after the entries expired, a re-run keeps the report and answers it.
     * @param date `YYYY-MM-DD`; default the previous UTC day (the schedule runs just after midnight)
     * @throws FutureDateError for a day after today
     */
    generate: async (date?: string): Promise<DailyReport> =>
      (await generate(date ?? previousUtcDay(clock.now()))).report,

    /** The daily-report job: `generate`, answered as counts. */
    async run(date?: string): Promise<DailyReportSummary> {
      const { report, kept } = await generate(date ?? previousUtcDay(clock.now()));
      return {
        orders: report.orders,
        itemsSold: report.itemsSold,
        revenue: report.revenue,
        refunds: report.refunds.count,
        keptStoredReport: kept ? 1 : 0,
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
