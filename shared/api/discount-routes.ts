import { newDiscountProblems } from '../domain/discounts/new-discount';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { DiscountCode, Money, PageQuery, pageOf, Timestamp } from './common-schemas';

const Instant = /* @__PURE__ */ z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date-time with a time zone (or a date, meaning 00:00 UTC)',
  })
  .register(z.globalRegistry, { description: 'ISO 8601; stored as UTC', example: '2026-12-01T00:00:00Z' });

export const Discount = /* @__PURE__ */ z
  .object({
    code: DiscountCode,
    percentOff: z.nullable(z.number().check(z.int())),
    amountOff: z.nullable(Money),
    validFrom: z.nullable(Timestamp),
    validUntil: z
      .nullable(Timestamp)
      .register(z.globalRegistry, { description: 'Redeemable until just before this instant' }),
    maxRedemptions: z.nullable(z.number().check(z.int())),
    maxRedemptionsPerCustomer: z
      .nullable(z.number().check(z.int()))
      .register(z.globalRegistry, { description: 'Live orders one customer may hold with the code' }),
    redemptions: z.number().check(z.int()).register(z.globalRegistry, { description: 'How many orders used the code' }),
    createdAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'Discount' });

export const CreateDiscountBody = /* @__PURE__ */ z
  .strictObject({
    code: DiscountCode,
    percentOff: z.optional(z.number().check(z.int('percentOff must be an integer'), z.gte(1), z.lte(100))),
    amountOff: z.optional(
      z.number().check(z.int('amountOff is an integer amount in minor units (cents)'), z.gte(1), z.lte(100_000_000_00)),
    ),
    validFrom: z.optional(Instant),
    validUntil: z.optional(Instant),
    maxRedemptions: z.optional(
      z.number().check(z.int('maxRedemptions must be an integer'), z.gte(1), z.lte(1_000_000_000)),
    ),
    maxRedemptionsPerCustomer: z.optional(
      z
        .number()
        .check(z.int('maxRedemptionsPerCustomer must be an integer'), z.gte(1), z.lte(100))
        .register(z.globalRegistry, {
          description:
            'How many of one customer’s orders may use the code; an order that fails, expires or is cancelled gives its use back',
        }),
    ),
  })
  .check(
    z.superRefine((body, ctx) => {
      for (const { path, message } of newDiscountProblems(body))
        ctx.addIssue({ code: 'custom', path: [path], message });
    }),
  )
  // The refinement is not representable in JSON Schema; `oneOf` states its first rule.
  .register(z.globalRegistry, {
    id: 'CreateDiscount',
    description: 'Exactly one of percentOff and amountOff',
    oneOf: [{ required: ['percentOff'] }, { required: ['amountOff'] }],
  });

export const DiscountCodeParams = /* @__PURE__ */ z.strictObject({ code: DiscountCode });

export const createDiscountRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createDiscount',
  method: 'POST',
  path: '/v1/discounts',
  role: 'admin',
  summary: 'Create a discount code',
  tags: ['Discounts'],
  body: CreateDiscountBody,
  responses: { 201: { description: 'Created', schema: Discount, headers: { Location: 'URL of the discount' } } },
  errors: [{ status: 409, code: 'DISCOUNT_EXISTS' }],
});

export const listDiscountsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listDiscounts',
  method: 'GET',
  path: '/v1/discounts',
  role: 'admin',
  summary: 'List discount codes with their redemptions',
  tags: ['Discounts'],
  query: PageQuery,
  responses: { 200: { description: 'A page of discounts, by code', schema: /* @__PURE__ */ pageOf(Discount) } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
});

export const getDiscountRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getDiscount',
  method: 'GET',
  path: '/v1/discounts/{code}',
  role: 'admin',
  summary: 'Get one discount code (any case)',
  tags: ['Discounts'],
  params: DiscountCodeParams,
  responses: { 200: { description: 'The discount', schema: Discount } },
  errors: [{ status: 404, code: 'DISCOUNT_NOT_FOUND' }],
});
