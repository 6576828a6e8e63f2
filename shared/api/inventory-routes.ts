import * as z from 'zod';
import { defineRoute } from '../http/route-spec';
import { PageQuery, pageOf, Sku, SkuParams, Timestamp } from './common-schemas';

const Quantity = z.number().int('must be an integer').min(0).max(1_000_000_000);

export const StockLevel = z
  .object({
    sku: Sku,
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int().meta({ description: 'onHand − reserved' }),
  })
  .meta({ id: 'StockLevel' });

export const StockAdjustment = z
  .object({
    adjustmentId: z.string(),
    sku: Sku,
    kind: z.enum(['SET', 'ADJUST']),
    delta: z.number().int(),
    reason: z.string().nullable(),
    onHandBefore: z.number().int(),
    onHandAfter: z.number().int(),
    actor: z.string().meta({ description: '`sub` of the administrator' }),
    at: Timestamp,
  })
  .meta({ id: 'StockAdjustment' });

export const SetStockBody = z.strictObject({ onHand: Quantity }).meta({ id: 'SetStock' });

export const AdjustStockBody = z
  .strictObject({
    delta: z
      .number()
      .int('delta must be an integer')
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((delta) => delta !== 0, 'delta must not be 0'),
    reason: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'AdjustStock' });

const stockErrors = [
  { status: 404, code: 'PRODUCT_NOT_FOUND' },
  { status: 409, code: 'STOCK_BELOW_RESERVED' },
];

export const getInventoryRoute = defineRoute({
  operationId: 'getInventory',
  method: 'GET',
  path: '/v1/inventory/{sku}',
  role: 'admin',
  summary: 'Stock of one sku',
  tags: ['Inventory'],
  params: SkuParams,
  responses: { 200: { description: 'Stock level', schema: StockLevel } },
  errors: [{ status: 404, code: 'PRODUCT_NOT_FOUND' }],
});

export const putInventoryRoute = defineRoute({
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

export const adjustInventoryRoute = defineRoute({
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

export const listInventoryAdjustmentsRoute = defineRoute({
  operationId: 'listInventoryAdjustments',
  method: 'GET',
  path: '/v1/inventory/{sku}/adjustments',
  role: 'admin',
  summary: 'The audit trail of a sku, newest first',
  tags: ['Inventory'],
  params: SkuParams,
  query: PageQuery,
  responses: { 200: { description: 'A page of adjustments', schema: pageOf(StockAdjustment) } },
  errors: [
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 400, code: 'INVALID_CURSOR' },
  ],
});
