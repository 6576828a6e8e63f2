/** Where an item is: the store's own key, opaque to the domain. */
export type RecordKey = Record<string, unknown>;

/** Where the cleanup's walk through the table stands between runs. */
export interface ScanCursor {
  /** Continue after this item; null: start from the beginning. */
  position: RecordKey | null;
  /** Bumped by every save, so two runs at once cannot both move the cursor. */
  version: number;
}

export interface ExpiredRecordPage {
  /** Items whose expiry had passed when read, in scan order. */
  keys: RecordKey[];
  /** Items read to find them (expired or not). */
  scanned: number;
  /** Where the next page starts, or null at the end of the table. */
  next: RecordKey | null;
}

/** Items of the table that carry an expiry time (carts, idempotency records, counters, ...). */
export interface ExpiredRecords {
  /** Where the last run stopped. */
  loadCursor(): Promise<ScanCursor>;
  /** Saves the position if the cursor is still at `expectedVersion`. @returns false when another run moved it. */
  saveCursor(position: RecordKey | null, expectedVersion: number): Promise<boolean>;
  /** The next page of the walk after `after`: keys of items whose expiry (epoch seconds) is before `nowSeconds`. */
  scanExpired(query: { after: RecordKey | null; nowSeconds: number; limit: number }): Promise<ExpiredRecordPage>;
  /**
   * Deletes the item only if it is still expired at `nowSeconds`.
   * @returns false when it was refreshed or deleted since it was read, or is in a transaction now: it is left
   * alone (if it is still expired on the next pass, it goes then)
   */
  deleteIfExpired(key: RecordKey, nowSeconds: number): Promise<boolean>;
}
