/** Stock of one sku. `available = onHand − reserved` is stored too, so checkout can condition on it. */
export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

/** One entry of a sku's inventory audit trail. */
export interface StockAdjustment {
  adjustmentId: string;
  sku: string;
  kind: 'SET' | 'ADJUST';
  delta: number;
  reason: string | null;
  onHandBefore: number;
  onHandAfter: number;
  actor: string;
  at: string;
}

export const emptyStock = (sku: string): StockLevel => ({ sku, onHand: 0, reserved: 0, available: 0 });

/** When a sku's `inventory.low` event is sent: `available` falling from the threshold or more to below it. */
export interface LowStockThreshold {
  sku: string;
  lowStockThreshold: number | null;
  available: number;
}
