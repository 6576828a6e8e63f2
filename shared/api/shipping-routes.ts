import { MAX_DELIVERY_DAYS, MAX_SHIPPING_METHODS, MAX_WEIGHT_TIERS } from '../domain/shipping/shipping-method';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { CountryCode } from './address-schema';
import { Currency, Money, ShippingMethodCode, Text, Timestamp } from './common-schemas';
import { COUNTRY_CODES } from './country-codes';

const MAX_NAME = 100;
const MAX_GRAMS = 100_000_000;

const Name = /* @__PURE__ */ z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_NAME));

const Grams = /* @__PURE__ */ z
  .number()
  .check(z.int('upToGrams is whole grams'), z.gte(1), z.lte(MAX_GRAMS))
  .register(z.globalRegistry, { description: 'The heaviest parcel (grams, inclusive) the tier applies to' });

const DeliveryDays = /* @__PURE__ */ z.number().check(z.int('days are whole days'), z.gte(0), z.lte(MAX_DELIVERY_DAYS));

const FlatRate = /* @__PURE__ */ z
  .strictObject({ type: z.literal('flat'), amount: Money })
  .register(z.globalRegistry, { id: 'FlatShippingRate', example: { type: 'flat', amount: 490 } });

const WeightRate = /* @__PURE__ */ z
  .strictObject({
    type: z.literal('weight'),
    tiers: z.array(z.strictObject({ upToGrams: Grams, amount: Money })).check(
      z.minLength(1),
      z.maxLength(MAX_WEIGHT_TIERS, `at most ${MAX_WEIGHT_TIERS} tiers`),
      z.refine(
        (tiers) => tiers.every((tier, index) => index === 0 || tier.upToGrams > (tiers[index - 1]?.upToGrams ?? 0)),
        'tiers must be in increasing order of upToGrams',
      ),
    ),
  })
  .register(z.globalRegistry, {
    id: 'WeightShippingRate',
    description: 'The amount of the first tier the parcel’s weight fits in; a heavier parcel is not served',
    example: {
      type: 'weight',
      tiers: [
        { upToGrams: 2000, amount: 590 },
        { upToGrams: 10000, amount: 990 },
      ],
    },
  });

const ShippingRate = /* @__PURE__ */ z.discriminatedUnion('type', [FlatRate, WeightRate]);

const Countries = /* @__PURE__ */ z.array(CountryCode).check(
  z.minLength(1, 'name at least one country'),
  z.maxLength(COUNTRY_CODES.length),
  z.refine((countries) => new Set(countries).size === countries.length, 'each country may appear once'),
);

const FreeOver = /* @__PURE__ */ z.nullable(Money).register(z.globalRegistry, {
  description: 'Goods worth at least this much, after the discount, ship free; null: never free',
});

export const ShippingMethod = /* @__PURE__ */ z
  .object({
    code: ShippingMethodCode,
    name: Text(MAX_NAME),
    countries: z.array(Text(2)),
    rate: ShippingRate,
    freeOverSubtotal: FreeOver,
    minDeliveryDays: z.number().check(z.int()),
    maxDeliveryDays: z.number().check(z.int()),
    active: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'ShippingMethod' });

export const CreateShippingMethodBody = /* @__PURE__ */ z
  .strictObject({
    code: ShippingMethodCode,
    name: Name,
    countries: Countries,
    rate: ShippingRate,
    freeOverSubtotal: z.optional(FreeOver),
    minDeliveryDays: DeliveryDays,
    maxDeliveryDays: DeliveryDays,
    active: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, {
    id: 'CreateShippingMethod',
    example: {
      code: 'standard',
      name: 'Standard parcel',
      countries: ['DE', 'AT'],
      rate: { type: 'flat', amount: 490 },
      freeOverSubtotal: 5000,
      minDeliveryDays: 2,
      maxDeliveryDays: 4,
    },
  });

export const UpdateShippingMethodBody = /* @__PURE__ */ z
  .strictObject({
    name: z.optional(Name),
    countries: z.optional(Countries),
    rate: z.optional(ShippingRate),
    freeOverSubtotal: z.optional(FreeOver),
    minDeliveryDays: z.optional(DeliveryDays),
    maxDeliveryDays: z.optional(DeliveryDays),
    active: z.optional(z.boolean()),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' }))
  .register(z.globalRegistry, { id: 'UpdateShippingMethod' });

const CodeParams = /* @__PURE__ */ z.strictObject({ code: ShippingMethodCode });

/** Where a shipping method is read: the `Location` of a created one. */
export const shippingMethodLocation = (code: string) => `/v1/shipping-methods/${code}`;

export const createShippingMethodRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createShippingMethod',
  method: 'POST',
  path: '/v1/shipping-methods',
  role: 'admin',
  summary: 'Create a shipping method',
  description:
    'A flat amount or weight tiers (the parcel’s weight is the sum of its lines’ weights; a line without a weight ' +
    `counts 0), for the countries named. Amounts include tax when the store’s prices do. At most ${MAX_SHIPPING_METHODS} methods.`,
  tags: ['Shipping'],
  body: CreateShippingMethodBody,
  responses: { 201: { description: 'The method', schema: ShippingMethod, headers: { Location: 'URL of the method' } } },
  errors: [
    { status: 409, code: 'SHIPPING_METHOD_EXISTS' },
    { status: 409, code: 'TOO_MANY_SHIPPING_METHODS' },
  ],
});

export const listShippingMethodsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listShippingMethods',
  method: 'GET',
  path: '/v1/shipping-methods',
  role: 'admin',
  summary: 'List every shipping method, active or not',
  tags: ['Shipping'],
  responses: {
    200: { description: 'Every method, by code', schema: /* @__PURE__ */ z.object({ items: z.array(ShippingMethod) }) },
  },
});

export const getShippingMethodRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getShippingMethod',
  method: 'GET',
  path: '/v1/shipping-methods/{code}',
  role: 'admin',
  summary: 'One shipping method',
  tags: ['Shipping'],
  params: CodeParams,
  responses: { 200: { description: 'The method', schema: ShippingMethod } },
  errors: [{ status: 404, code: 'SHIPPING_METHOD_NOT_FOUND' }],
});

export const updateShippingMethodRoute = /* @__PURE__ */ defineRoute({
  operationId: 'updateShippingMethod',
  method: 'PATCH',
  path: '/v1/shipping-methods/{code}',
  role: 'admin',
  summary: 'Change some fields of a shipping method',
  description:
    '`active: false` stops it for the next checkouts (within about a second: checkout reads the methods, ' +
    'eventually consistent, with its prices); one that names it then is 409 `SHIPPING_UNAVAILABLE`.',
  tags: ['Shipping'],
  params: CodeParams,
  body: UpdateShippingMethodBody,
  responses: { 200: { description: 'The changed method', schema: ShippingMethod } },
  errors: [{ status: 404, code: 'SHIPPING_METHOD_NOT_FOUND' }],
});

export const ShippingOption = /* @__PURE__ */ z
  .object({
    code: ShippingMethodCode,
    name: Text(MAX_NAME),
    amount: z.clone(Money).register(z.globalRegistry, { description: 'What this cart would pay for it' }),
    currency: Currency,
    minDeliveryDays: z.number().check(z.int()),
    maxDeliveryDays: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'ShippingOption' });

export const listShippingOptionsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listShippingOptions',
  method: 'GET',
  path: '/v1/cart/shipping-options',
  role: 'customer',
  summary: 'The shipping methods that deliver my cart to a country, cheapest first',
  description:
    'Each with the amount this cart would pay (a free-over threshold counts the goods at today’s prices). ' +
    'Empty when no method serves the country, when the cart is empty, or when the shop has none (then it ships for 0).',
  tags: ['Cart'],
  query: /* @__PURE__ */ z.strictObject({ country: CountryCode }),
  responses: {
    200: { description: 'The options', schema: /* @__PURE__ */ z.object({ items: z.array(ShippingOption) }) },
  },
});
