import { ContentionError } from '../../errors';
import type { Clock, IdGenerator } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { ProductNotFoundError } from '../catalog/catalog-errors';
import type { ListResult } from '../pagination';
import { StockBelowReservedError } from './inventory-errors';
import type { InventoryRepository } from './inventory-ports';
import type { LowStockThreshold, StockAdjustment, StockLevel } from './stock';

const MAX_ATTEMPTS = 12;

export interface InventoryServiceDeps {
  inventory: InventoryRepository;
  cursors: CursorCodec;
  clock: Clock;
  ids: IdGenerator;
}

export type InventoryService = ReturnType<typeof createInventoryService>;

export function createInventoryService({ inventory, cursors, clock, ids }: InventoryServiceDeps) {
  async function current(sku: string): Promise<StockLevel> {
    const stock = await inventory.get(sku);
    if (!stock) throw new ProductNotFoundError(sku);
    return stock;
  }

  /**
   * Optimistic read-modify-write: the audit entry records the exact before/after figures,
   * and concurrent reservations never make it lie (the write is conditional on on-hand).
   */
  async function change(
    sku: string,
    actor: string,
    decide: (stock: StockLevel) => { kind: StockAdjustment['kind']; onHandAfter: number; reason: string | null },
  ): Promise<StockLevel> {
    return retryOnConflict(
      async () => {
        const stock = await current(sku);
        const { kind, onHandAfter, reason } = decide(stock);
        if (onHandAfter < stock.reserved) throw new StockBelowReservedError(sku, stock.reserved, onHandAfter);
        const adjustment: StockAdjustment = {
          adjustmentId: ids.next('adj'),
          sku,
          kind,
          delta: onHandAfter - stock.onHand,
          reason,
          onHandBefore: stock.onHand,
          onHandAfter,
          actor,
          at: clock.now().toISOString(),
        };
        // Read again: checkouts may have reserved units between the read above and the write (the
        // write's condition is on on-hand only), and the answer must not show the figures from before.
        if (await inventory.applyAdjustment(adjustment)) return current(sku);
        return CONFLICT;
      },
      {
        attempts: MAX_ATTEMPTS,
        backoff: {},
        exhausted: () => {
          throw new ContentionError(`Stock of ${sku} is changing too fast to adjust right now; try again.`);
        },
      },
    );
  }

  return {
    /** Stock of one sku. */
    get: current,

    /** Sets on-hand stock; refused below what open orders have reserved. */
    setOnHand(sku: string, onHand: number, actor: string): Promise<StockLevel> {
      return change(sku, actor, () => ({ kind: 'SET', onHandAfter: onHand, reason: null }));
    },

    /** Adds (or removes, with a negative delta) units, with a reason for the audit trail. */
    adjust(sku: string, delta: number, reason: string, actor: string): Promise<StockLevel> {
      return change(sku, actor, (stock) => ({ kind: 'ADJUST', onHandAfter: stock.onHand + delta, reason }));
    },

    /** Sets or clears (null) the threshold below which the sku's stock is reported low (`inventory.low`). */
    async setLowStockThreshold(sku: string, threshold: number | null): Promise<LowStockThreshold> {
      const set = await inventory.setLowStockThreshold(sku, threshold);
      if (!set) throw new ProductNotFoundError(sku);
      return set;
    },

    /** The audit trail of a sku, newest first. */
    async listAdjustments(sku: string, limit: number, cursor?: string): Promise<ListResult<StockAdjustment>> {
      const scope = `adjustments:${sku}`;
      const after = cursor ? await cursors.decode(cursor, scope) : undefined;
      await current(sku);
      const page = await inventory.listAdjustments(sku, { limit, after });
      return { items: page.items, nextCursor: page.next ? await cursors.encode(page.next, scope) : null };
    },
  };
}
