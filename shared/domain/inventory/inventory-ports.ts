import type { Page, PageRequest } from '../pagination';
import type { StockAdjustment, StockLevel } from './stock';

export interface InventoryRepository {
  /** Current stock, read strongly consistently; null when the sku does not exist. */
  get(sku: string): Promise<StockLevel | null>;
  /**
   * Writes a new on-hand figure and its audit entry atomically, only if on-hand is still
   * `adjustment.onHandBefore` and the new figure is not below `reserved`.
   * @returns false when the condition failed (re-read and decide).
   */
  applyAdjustment(adjustment: StockAdjustment): Promise<boolean>;
  /** The audit trail, newest first. */
  listAdjustments(sku: string, page: PageRequest): Promise<Page<StockAdjustment>>;
}
