import type { DailyReport, LedgerEntry } from './sales-ledger';

/**
 * The sales ledger and the reports made from it. Entries are written by the order and payment
 * code together with the transition they record (see the adapter's `ledgerEntryItem`); this port
 * only reads them.
 */
export interface SalesLedger {
  /** Every entry whose event happened on this UTC day (`YYYY-MM-DD`), in no particular order. */
  entriesOf(date: string): AsyncIterable<LedgerEntry>;
  /** Stores a day's report, replacing any earlier one of that day. */
  saveReport(report: DailyReport): Promise<void>;
  /** The stored report of a day, or null when none was generated. */
  report(date: string): Promise<DailyReport | null>;
}
