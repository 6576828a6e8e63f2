import { MAX_LINES, MAX_QUANTITY } from '../domain/cart/cart';
import { MAX_MONEY } from '../domain/money';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { CountryCode } from './address-schema';
import {
  ChosenShippingMethod,
  Currency,
  DiscountCode,
  Money,
  OptionValuesOut,
  ShippingMethodCode,
  Sku,
  SkuParams,
  Text,
} from './common-schemas';

export const CartView = /* @__PURE__ */ z
  .object({
    items: z.array(
      z.object({
        sku: Sku,
        productSku: Sku,
        name: z.string().check(z.maxLength(200)),
        options: OptionValuesOut,
        quantity: z.number().check(z.int()),
        // A clone: registering on Money itself would change its description everywhere.
        unitPrice: z.clone(Money).register(z.globalRegistry, { description: 'Today’s catalog price' }),
        lineTotal: Money,
        taxRateBps: z.nullable(z.number().check(z.int())),
        taxAmount: z.nullable(Money),
      }),
    ),
    country: z
      .nullable(Text(2))
      .register(z.globalRegistry, { description: 'The country the tax is worked out for (`?country=`), or null' }),
    subtotal: Money,
    discount: Money,
    discountCode: z
      .nullable(Text(32))
      .register(z.globalRegistry, { description: 'The code a quote applied (`?discountCode=`), or null' }),
    shipping: Money,
    shippingMethod: z.nullable(ChosenShippingMethod).register(z.globalRegistry, {
      description: 'The method a quote ships with; null without a country, or when the shop has none (ships for 0)',
    }),
    tax: z
      .nullable(Money)
      .register(z.globalRegistry, { description: 'The tax checkout would charge there; null without a country' }),
    total: z.clone(Money).register(z.globalRegistry, {
      description: 'What checkout would charge (with the quoted discount code, if any)',
    }),
    currency: Currency,
  })
  .register(z.globalRegistry, {
    id: 'Cart',
    description:
      'Priced from the catalog at the time of the request; products no longer sold are left out. With `?country=`, ' +
      'a quote: the discount of `?discountCode=`, the shipping, the tax of each line and the total checkout would charge for that destination.',
  });

const QUANTITY_RANGE = `quantity must be 1–${MAX_QUANTITY}`;

export const SetCartItemBody = /* @__PURE__ */ z
  .strictObject({
    quantity: z
      .number()
      .check(z.int('quantity must be an integer'), z.gte(1, QUANTITY_RANGE), z.lte(MAX_QUANTITY, QUANTITY_RANGE)),
  })
  .register(z.globalRegistry, { id: 'SetCartItem' });

export const getCartRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getCart',
  method: 'GET',
  path: '/v1/cart',
  role: 'customer',
  summary: 'My cart, priced now (a quote, with a discount, shipping and tax, for a country)',
  tags: ['Cart'],
  query: /* @__PURE__ */ z
    .strictObject({
      country: /* @__PURE__ */ z.optional(CountryCode),
      shippingMethod: /* @__PURE__ */ z.optional(ShippingMethodCode).register(z.globalRegistry, {
        description: 'With `country`: the method to quote (default: the cheapest that delivers the cart there)',
      }),
      discountCode: /* @__PURE__ */ z.optional(DiscountCode).register(z.globalRegistry, {
        description: 'With `country`: the discount code to quote, as checkout would apply it',
      }),
    })
    .check(
      /* @__PURE__ */ z.refine((query) => query.shippingMethod === undefined || query.country !== undefined, {
        message: 'a shipping method is quoted for a country: give country too',
        path: ['shippingMethod'],
      }),
      /* @__PURE__ */ z.refine((query) => query.discountCode === undefined || query.country !== undefined, {
        message: 'a discount code is quoted for a country: give country too',
        path: ['discountCode'],
      }),
    ),
  responses: { 200: { description: 'The cart (empty when there is none)', schema: CartView } },
  errors: [
    { status: 409, code: 'SHIPPING_UNAVAILABLE' },
    { status: 409, code: 'DISCOUNT_UNAVAILABLE' },
  ],
});

export const setCartItemRoute = /* @__PURE__ */ defineRoute({
  operationId: 'setCartItem',
  method: 'PUT',
  path: '/v1/cart/items/{sku}',
  role: 'customer',
  summary: 'Set the quantity of one product in my cart',
  description:
    `Sets (does not add to) the quantity. A cart holds at most ${MAX_LINES} different products. The cart does not reserve stock; checkout does. ` +
    `A larger quantity that would take a line or the subtotal, at today's prices, over ${MAX_MONEY} (the \`Money\` maximum) is 409 \`CART_TOTAL_TOO_LARGE\` and changes nothing; ` +
    'lowering a quantity or removing a line is always possible.',
  tags: ['Cart'],
  params: SkuParams,
  body: SetCartItemBody,
  responses: { 200: { description: 'The cart', schema: CartView } },
  errors: [
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 409, code: 'VARIANT_REQUIRED' },
    { status: 409, code: 'CART_FULL' },
    { status: 409, code: 'CART_TOTAL_TOO_LARGE' },
  ],
});

export const removeCartItemRoute = /* @__PURE__ */ defineRoute({
  operationId: 'removeCartItem',
  method: 'DELETE',
  path: '/v1/cart/items/{sku}',
  role: 'customer',
  summary: 'Remove one product from my cart',
  tags: ['Cart'],
  params: SkuParams,
  responses: { 200: { description: 'The cart (also when the product was not in it)', schema: CartView } },
});

export const clearCartRoute = /* @__PURE__ */ defineRoute({
  operationId: 'clearCart',
  method: 'DELETE',
  path: '/v1/cart',
  role: 'customer',
  summary: 'Empty my cart',
  tags: ['Cart'],
  responses: { 204: { description: 'The cart is empty' } },
});
