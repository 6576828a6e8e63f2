import { createDynamoCatalogRepository } from '../adapters/dynamo/dynamo-catalog-repository';
import { createDynamoDiscountRepository } from '../adapters/dynamo/dynamo-discount-repository';
import { createDynamoInventoryRepository } from '../adapters/dynamo/dynamo-inventory-repository';
import { config } from '../config';
import { createCatalogService } from '../domain/catalog/catalog-service';
import { createDiscountService } from '../domain/discounts/discount-service';
import { createInventoryService } from '../domain/inventory/inventory-service';
import { randomIds, systemClock } from '../lib/clock';
import type { CursorCodec } from '../lib/cursor-codec';
import { once } from '../lib/once';
import { cursorCodec, type Table, table } from './clients';

/** Products (`/v1/products`). */
export function buildCatalogService(
  { db, name }: Table,
  { cursors, currency }: { cursors: CursorCodec; currency: string },
) {
  return createCatalogService({
    catalog: createDynamoCatalogRepository(db, name),
    cursors,
    clock: systemClock,
    currency,
  });
}

/** Stock of each product and its adjustment history (`/v1/admin/inventory`). */
export function buildInventoryService({ db, name }: Table, { cursors }: { cursors: CursorCodec }) {
  return createInventoryService({
    inventory: createDynamoInventoryRepository(db, name),
    cursors,
    clock: systemClock,
    ids: randomIds,
  });
}

export const catalogService = /* @__PURE__ */ once(() =>
  buildCatalogService(table(), { cursors: cursorCodec(), currency: config().currency }),
);

export const inventoryService = /* @__PURE__ */ once(() => buildInventoryService(table(), { cursors: cursorCodec() }));

export const discountService = /* @__PURE__ */ once(() =>
  createDiscountService({
    discounts: createDynamoDiscountRepository(table().db, table().name),
    cursors: cursorCodec(),
    clock: systemClock,
  }),
);
