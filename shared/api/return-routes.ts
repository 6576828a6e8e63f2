import { MAX_LINES, MAX_QUANTITY } from '../domain/cart/cart';
import { RETURN_STATUSES, type ReturnView } from '../domain/returns/return';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { TextLine } from './address-schema';
import { Cursor, Limit, Money, pageOf, patterned, Sku, Text, Timestamp } from './common-schemas';
import { OrderId } from './order-routes';

const ReturnId = /* @__PURE__ */ z
  .string()
  .check(...patterned(68, /^ret_[A-Za-z0-9]{8,64}$/, 'not a return id'))
  .register(z.globalRegistry, { description: 'Opaque return id', example: 'ret_7c1e0a9b3d5f4e21a6b8c0d2e4f6a8b0' });

const ReturnLine = /* @__PURE__ */ z.object({
  sku: Sku,
  quantity: /* @__PURE__ */ z.number().check(/* @__PURE__ */ z.int()),
  refundAmount: /* @__PURE__ */ z.clone(Money).register(z.globalRegistry, {
    description: 'What the customer paid for these units: tax included, their share of the discount taken off',
  }),
});

export const Return = /* @__PURE__ */ z
  .object({
    returnId: ReturnId,
    orderId: OrderId,
    status: /* @__PURE__ */ z.enum(RETURN_STATUSES),
    items: /* @__PURE__ */ z.array(ReturnLine),
    refundAmount: /* @__PURE__ */ z.clone(Money).register(z.globalRegistry, {
      description: 'The lines’ refunds, and the shipping when this return completes the whole order',
    }),
    reason: /* @__PURE__ */ Text(500),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'Return' }) satisfies z.ZodMiniType<ReturnView>;

export const CreateReturn = /* @__PURE__ */ z
  .strictObject({
    items: z
      .array(z.strictObject({ sku: Sku, quantity: z.number().check(z.int(), z.gte(1), z.lte(MAX_QUANTITY)) }))
      .check(
        z.minLength(1),
        z.maxLength(MAX_LINES, `at most ${MAX_LINES} lines per return`),
        z.refine((items) => new Set(items.map((item) => item.sku)).size === items.length, 'each sku may appear once'),
      ),
    reason: TextLine(500).register(z.globalRegistry, { description: 'Why the customer sends it back' }),
  })
  .register(z.globalRegistry, { id: 'CreateReturn' });

const OrderParams = /* @__PURE__ */ z.strictObject({ orderId: OrderId });
const ReturnParams = /* @__PURE__ */ z.strictObject({ returnId: ReturnId });

/** What the shop's changes of a return take and answer. */
const adminReturnChange = {
  params: ReturnParams,
  responses: { 200: { description: 'The return', schema: Return } } as const,
  errors: [
    { status: 404, code: 'RETURN_NOT_FOUND' },
    { status: 409, code: 'RETURN_NOT_ALLOWED' },
  ],
};

export const createReturnRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createReturn',
  method: 'POST',
  path: '/v1/orders/{orderId}/returns',
  role: 'customer',
  summary: 'Return units of my shipped or delivered order',
  description:
    'Within `RETURN_WINDOW_DAYS` of delivery (of shipment when no delivery is known), for at most what was ' +
    'bought minus what other returns (not rejected) already take back. `refundAmount` is what the customer ' +
    'paid for those units (their share of the discount taken off, tax included); the shipping is refunded ' +
    'only with the return that completes the whole order. The refund is made once the shop receives the goods.',
  tags: ['Returns'],
  params: OrderParams,
  body: CreateReturn,
  responses: { 201: { description: 'The return, REQUESTED', schema: Return } },
  errors: [
    { status: 404, code: 'ORDER_NOT_FOUND' },
    { status: 409, code: 'RETURN_NOT_ALLOWED' },
  ],
});

export const listOrderReturnsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listOrderReturns',
  method: 'GET',
  path: '/v1/orders/{orderId}/returns',
  role: 'customer',
  summary: 'The returns of my order, oldest first (admins: any order)',
  tags: ['Returns'],
  params: OrderParams,
  responses: {
    200: { description: 'The order’s returns', schema: /* @__PURE__ */ z.object({ items: z.array(Return) }) },
  },
  errors: [{ status: 404, code: 'ORDER_NOT_FOUND' }],
});

export const listReturnsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listReturns',
  method: 'GET',
  path: '/v1/admin/returns',
  role: 'admin',
  summary: 'Returns of one status (default REQUESTED), oldest first',
  tags: ['Returns'],
  query: /* @__PURE__ */ z.strictObject({
    status: /* @__PURE__ */ z._default(/* @__PURE__ */ z.enum(RETURN_STATUSES), 'REQUESTED'),
    limit: Limit,
    cursor: /* @__PURE__ */ z.optional(Cursor),
  }),
  responses: { 200: { description: 'A page of returns', schema: /* @__PURE__ */ pageOf(Return) } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
});

export const receiveReturnRoute = /* @__PURE__ */ defineRoute({
  operationId: 'receiveReturn',
  method: 'POST',
  path: '/v1/admin/returns/{returnId}/receive',
  role: 'admin',
  summary: 'The returned goods arrived: restock them and refund',
  description:
    'REQUESTED → RECEIVED: the units go back on hand, and the payment worker then refunds `refundAmount` ' +
    'through the payment gateway (once per return, whatever the retries) and marks the return REFUNDED. ' +
    'A return already received or refunded is answered as it is.',
  tags: ['Returns'],
  ...adminReturnChange,
});

export const rejectReturnRoute = /* @__PURE__ */ defineRoute({
  operationId: 'rejectReturn',
  method: 'POST',
  path: '/v1/admin/returns/{returnId}/reject',
  role: 'admin',
  summary: 'Refuse a requested return',
  description: 'REQUESTED → REJECTED; its units count as kept again. A return already rejected is answered as it is.',
  tags: ['Returns'],
  ...adminReturnChange,
});
