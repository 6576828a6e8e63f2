import type { DailyReport, LedgerEntry } from './sales-ledger';

/**
 * The sales ledger and the reports made from it. Entries are written by the order and payment
 * code together with the transition they record (see the adapter's `ledgerEntryItem`); this port
 * only reads them.
 */
export interface SalesLedger {
  /** Every entry whose event happened on this UTC day (`YYYY-MM-DD`), in no particular order. */
  entriesOf(date: string): AsyncIterable<LedgerEntry>;
  /**
   * Stores a day's report, replacing an earlier one of that day unless the earlier one counts more
   * sales or refunds: a day's entries only grow until they expire, so a report with fewer was made
   * after some expired, and must not overwrite the one made while they were there.
   * @returns `kept` when the stored report stayed.
   */
  saveReport(report: DailyReport): Promise<'saved' | 'kept'>;
  /** The stored report of a day, or null when none was generated. */
  report(date: string): Promise<DailyReport | null>;
}
