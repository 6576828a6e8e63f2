import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { PageQuery, pageOf, Sku, SkuParams, Text, Timestamp } from './common-schemas';

const Quantity = /* @__PURE__ */ z
  .number()
  .check(/* @__PURE__ */ z.int('must be an integer'), /* @__PURE__ */ z.gte(0), /* @__PURE__ */ z.lte(1_000_000_000));

export const StockLevel = /* @__PURE__ */ z
  .object({
    sku: Sku,
    onHand: z.number().check(z.int()),
    reserved: z.number().check(z.int()),
    available: z.number().check(z.int()).register(z.globalRegistry, { description: 'onHand − reserved' }),
  })
  .register(z.globalRegistry, { id: 'StockLevel' });

export const StockAdjustment = /* @__PURE__ */ z
  .object({
    adjustmentId: Text(64),
    sku: Sku,
    kind: z.enum(['SET', 'ADJUST']),
    delta: z.number().check(z.int()),
    reason: z.nullable(Text(200)),
    onHandBefore: z.number().check(z.int()),
    onHandAfter: z.number().check(z.int()),
    actor: Text(256).register(z.globalRegistry, { description: '`sub` of the administrator' }),
    at: Timestamp,
  })
  .register(z.globalRegistry, { id: 'StockAdjustment' });

export const SetStockBody = /* @__PURE__ */ z
  .strictObject({ onHand: Quantity })
  .register(z.globalRegistry, { id: 'SetStock' });

export const LowStockThreshold = /* @__PURE__ */ z
  .object({
    sku: Sku,
    lowStockThreshold: /* @__PURE__ */ z.nullable(z.number().check(z.int())).register(z.globalRegistry, {
      description: '`inventory.low` is sent when `available` falls below it; null: never',
    }),
    available: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'LowStockThreshold' });

export const SetLowStockThresholdBody = /* @__PURE__ */ z
  .strictObject({
    // 0 could never be crossed: stock never goes below 0.
    threshold: /* @__PURE__ */ z.nullable(
      z.number().check(z.int('must be an integer'), z.gte(1), z.lte(1_000_000_000)),
    ),
  })
  .register(z.globalRegistry, { id: 'SetLowStockThreshold' });

export const AdjustStockBody = /* @__PURE__ */ z
  .strictObject({
    delta: z.number().check(
      z.int('delta must be an integer'),
      z.gte(-1_000_000_000),
      z.lte(1_000_000_000),
      z.refine((delta) => delta !== 0, 'delta must not be 0'),
    ),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  })
  .register(z.globalRegistry, { id: 'AdjustStock' });

/** A product with variants has no stock of its own: its variants' skus do. */
const VARIANT_REQUIRED = { status: 409, code: 'VARIANT_REQUIRED' } as const;

const stockErrors = [
  { status: 404, code: 'PRODUCT_NOT_FOUND' },
  { status: 409, code: 'STOCK_BELOW_RESERVED' },
  VARIANT_REQUIRED,
];

export const getInventoryRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getInventory',
  method: 'GET',
  path: '/v1/inventory/{sku}',
  role: 'admin',
  summary: 'Stock of one sku',
  tags: ['Inventory'],
  params: SkuParams,
  responses: { 200: { description: 'Stock level', schema: StockLevel } },
  errors: [{ status: 404, code: 'PRODUCT_NOT_FOUND' }, VARIANT_REQUIRED],
});

export const putInventoryRoute = /* @__PURE__ */ defineRoute({
  operationId: 'setInventory',
  method: 'PUT',
  path: '/v1/inventory/{sku}',
  role: 'admin',
  summary: 'Set on-hand stock (audited)',
  tags: ['Inventory'],
  params: SkuParams,
  body: SetStockBody,
  responses: { 200: { description: 'New stock level', schema: StockLevel } },
  errors: stockErrors,
});

export const adjustInventoryRoute = /* @__PURE__ */ defineRoute({
  operationId: 'adjustInventory',
  method: 'POST',
  path: '/v1/inventory/{sku}/adjustments',
  role: 'admin',
  summary: 'Add or remove units with a reason (audited)',
  tags: ['Inventory'],
  params: SkuParams,
  body: AdjustStockBody,
  responses: { 200: { description: 'New stock level', schema: StockLevel } },
  errors: stockErrors,
});

export const setLowStockThresholdRoute = /* @__PURE__ */ defineRoute({
  operationId: 'setLowStockThreshold',
  method: 'PUT',
  path: '/v1/inventory/{sku}/low-stock-threshold',
  role: 'admin',
  summary: 'Be told (`inventory.low`) when a sku’s available stock falls below a threshold',
  description:
    'The event is sent each time a stock change takes `available` from the threshold or more to below it ' +
    '(a checkout, an adjustment); `null` stops it.',
  tags: ['Inventory'],
  params: SkuParams,
  body: SetLowStockThresholdBody,
  responses: { 200: { description: 'The threshold as set', schema: LowStockThreshold } },
  errors: [{ status: 404, code: 'PRODUCT_NOT_FOUND' }, VARIANT_REQUIRED],
});

export const listInventoryAdjustmentsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listInventoryAdjustments',
  method: 'GET',
  path: '/v1/inventory/{sku}/adjustments',
  role: 'admin',
  summary: 'The audit trail of a sku, newest first',
  tags: ['Inventory'],
  params: SkuParams,
  query: PageQuery,
  responses: { 200: { description: 'A page of adjustments', schema: /* @__PURE__ */ pageOf(StockAdjustment) } },
  errors: [{ status: 404, code: 'PRODUCT_NOT_FOUND' }, { status: 400, code: 'INVALID_CURSOR' }, VARIANT_REQUIRED],
});
