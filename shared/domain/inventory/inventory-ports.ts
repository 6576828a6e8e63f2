import type { Page, PageRequest } from '../pagination';
import type { LowStockThreshold, StockAdjustment, StockLevel } from './stock';

export interface InventoryRepository {
  /** Current stock, read strongly consistently; null when the sku does not exist. */
  get(sku: string): Promise<StockLevel | null>;
  /**
   * Writes a new on-hand figure and its audit entry atomically, only if on-hand is still
   * `adjustment.onHandBefore` and the new figure is not below `reserved`.
   * @returns false when the condition failed (re-read and decide).
   */
  applyAdjustment(adjustment: StockAdjustment): Promise<boolean>;
  /**
   * Sets (a number) or clears (null) the sku's low-stock threshold.
   * @returns the threshold as stored with the current `available`; null when the sku does not exist
   */
  setLowStockThreshold(sku: string, threshold: number | null): Promise<LowStockThreshold | null>;
  /** The audit trail, newest first. */
  listAdjustments(sku: string, page: PageRequest): Promise<Page<StockAdjustment>>;
}
