import { MAX_LINES, MAX_QUANTITY } from '../domain/cart/cart';
import { ORDER_EVENT_TYPES, ORDER_STATUSES, type OrderView, SHIPMENT_STATUSES } from '../domain/orders/order';
import { MAX_KEY_LENGTH, storedJson } from '../http/idempotency';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Address } from './address-schema';
import {
  ChosenShippingMethod,
  Currency,
  Cursor,
  DiscountCode,
  Limit,
  Money,
  OptionValuesOut,
  PageQuery,
  pageOf,
  patterned,
  ShippingMethodCode,
  Sku,
  Text,
  Timestamp,
} from './common-schemas';

/** Where an order is read: the `Location` of a placed order. */
export const orderLocation = (orderId: string) => `/v1/orders/${orderId}`;

export const OrderId = /* @__PURE__ */ z
  .string()
  .check(...patterned(68, /^ord_[A-Za-z0-9]{8,64}$/, 'not an order id'))
  .register(z.globalRegistry, { description: 'Opaque order id', example: 'ord_3f9a1c0d2b7e4a56b8c9d0e1f2a3b4c5' });

const OrderLine = /* @__PURE__ */ z.object({
  sku: Sku,
  productSku: Sku,
  name: /* @__PURE__ */ Text(200),
  options: OptionValuesOut,
  quantity: /* @__PURE__ */ z.number().check(/* @__PURE__ */ z.int()),
  unitPrice: Money,
  lineTotal: Money,
  taxRateBps: /* @__PURE__ */ z
    .number()
    .check(/* @__PURE__ */ z.int())
    .register(z.globalRegistry, { description: 'The line’s tax rate in basis points (1900 = 19 %)' }),
  taxAmount: /* @__PURE__ */ z
    .clone(Money)
    .register(z.globalRegistry, { description: 'Tax of the line after its share of the discount' }),
});

const OrderEvent = /* @__PURE__ */ z.object({
  type: /* @__PURE__ */ z.enum(ORDER_EVENT_TYPES),
  at: Timestamp,
  detail: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.nullable(/* @__PURE__ */ Text(1000))),
});

const orderFields = {
  orderId: OrderId,
  status: z.enum(ORDER_STATUSES),
  items: z.array(OrderLine),
  subtotal: Money,
  discount: Money,
  shipping: Money,
  shippingMethod: /* @__PURE__ */ z
    .nullable(ChosenShippingMethod)
    .register(z.globalRegistry, { description: 'The method it ships with; null when the shop has none (ships for 0)' }),
  tax: /* @__PURE__ */ z
    .clone(Money)
    .register(z.globalRegistry, { description: 'Included in `total` when prices include tax, added to it otherwise' }),
  total: Money,
  currency: Currency,
  shippingAddress: z.nullable(Address),
  reservationExpiresAt: Timestamp,
  payment: z.object({ status: Text(32), attempts: z.number().check(z.int()) }),
  /** What was given back so far: a cancelled paid order's total, or its returns' refunds. */
  refunded: Money,
  shipment: z.nullable(
    z.object({
      carrier: Text(64),
      trackingNumber: Text(128),
      /** The carrier's public tracking page. */
      trackingUrl: z.nullable(Text(2048)),
      status: z.enum(SHIPMENT_STATUSES),
      deliveredAt: z.nullable(Timestamp),
    }),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const Order = /* @__PURE__ */ z
  .object({ ...orderFields, events: z.array(OrderEvent) })
  .register(z.globalRegistry, { id: 'Order' });
export const OrderSummary = /* @__PURE__ */ z
  .object(orderFields)
  .register(z.globalRegistry, { id: 'OrderSummary', description: 'An order without its timeline' });

export const CreateOrderBody = /* @__PURE__ */ z
  .strictObject({
    items: z.optional(
      z.array(z.strictObject({ sku: Sku, quantity: z.number().check(z.int(), z.gte(1), z.lte(MAX_QUANTITY)) })).check(
        z.minLength(1),
        z.maxLength(MAX_LINES, `at most ${MAX_LINES} lines per order`),
        z.refine((items) => new Set(items.map((item) => item.sku)).size === items.length, 'each sku may appear once'),
      ),
    ),
    discountCode: z.optional(DiscountCode),
    shippingAddress: Address,
    paymentToken: z
      .string()
      .check(z.minLength(1), z.maxLength(255))
      .register(z.globalRegistry, { description: 'Payment method token (locally: tok_visa, ...)' }),
    shippingMethod: z.optional(ShippingMethodCode).register(z.globalRegistry, {
      description:
        'The code of a shipping method (`GET /v1/cart/shipping-options`). Without it, the cheapest method that ' +
        'delivers the order to the address’s country.',
    }),
    expectedTotal: z.optional(Money).register(z.globalRegistry, {
      description:
        'The total the customer was shown. When the total checkout computes differs (a price or discount changed), ' +
        'the answer is 409 PRICE_CHANGED with the current amounts and nothing is reserved. Without it, the current prices are charged.',
    }),
  })
  .register(z.globalRegistry, { id: 'CreateOrder' });

const OrderParams = /* @__PURE__ */ z.strictObject({ orderId: OrderId });

export const createOrderRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createOrder',
  method: 'POST',
  path: '/v1/orders',
  role: 'customer',
  summary: 'Place an order (the given items, or the cart)',
  description:
    'Reserves every line atomically (all or none) and creates the order in PENDING_PAYMENT; payment follows ' +
    'asynchronously. Requires an Idempotency-Key: a retry with the same key and body replays the first answer.',
  tags: ['Orders'],
  body: CreateOrderBody,
  idempotent: {
    respond: (order: OrderView) => storedJson(201, order, { Location: orderLocation(order.orderId) }),
  },
  headers: [
    {
      name: 'Idempotency-Key',
      description: `1–${MAX_KEY_LENGTH} characters, unique per intended order`,
      required: true,
      schema: /* @__PURE__ */ z
        .string()
        .check(/* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(MAX_KEY_LENGTH)),
    },
  ],
  responses: {
    201: { description: 'Order placed', schema: Order, headers: { Location: 'URL of the order' } },
  },
  // Written out, not spread from a shared list: a spread would keep this declaration (and its schemas)
  // in every bundle of this module, used or not (esbuild drops only side-effect-free declarations).
  errors: [
    { status: 400, code: 'IDEMPOTENCY_KEY_MISSING' },
    { status: 400, code: 'IDEMPOTENCY_KEY_INVALID' },
    { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' },
    { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' },
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 409, code: 'VARIANT_REQUIRED' },
    { status: 409, code: 'OUT_OF_STOCK' },
    { status: 409, code: 'DISCOUNT_UNAVAILABLE' },
    { status: 409, code: 'CART_EMPTY' },
    { status: 409, code: 'PRICE_CHANGED' },
    { status: 409, code: 'SHIPPING_UNAVAILABLE' },
    { status: 409, code: 'ORDER_TOTAL_TOO_LARGE' },
    { status: 409, code: 'TOO_MANY_PENDING_ORDERS' },
    { status: 503, code: 'CHECKOUT_BUSY' },
  ],
});

export const listOrdersRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listOrders',
  method: 'GET',
  path: '/v1/orders',
  role: 'customer',
  summary: 'My orders, newest first',
  tags: ['Orders'],
  query: PageQuery,
  responses: { 200: { description: 'A page of orders', schema: /* @__PURE__ */ pageOf(OrderSummary) } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
});

export const getOrderRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getOrder',
  method: 'GET',
  path: '/v1/orders/{orderId}',
  role: 'customer',
  summary: 'One of my orders, with its timeline (admins: any order)',
  tags: ['Orders'],
  params: OrderParams,
  responses: { 200: { description: 'The order', schema: Order } },
  errors: [{ status: 404, code: 'ORDER_NOT_FOUND' }],
});

export const cancelOrderRoute = /* @__PURE__ */ defineRoute({
  operationId: 'cancelOrder',
  method: 'POST',
  path: '/v1/orders/{orderId}/cancel',
  role: 'customer',
  summary: 'Cancel an order before shipment (owner or admin)',
  tags: ['Orders'],
  params: OrderParams,
  responses: { 200: { description: 'The cancelled order', schema: Order } },
  errors: [
    { status: 404, code: 'ORDER_NOT_FOUND' },
    { status: 409, code: 'ORDER_NOT_CANCELLABLE' },
  ],
});

export const listAdminOrdersRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listAllOrders',
  method: 'GET',
  path: '/v1/admin/orders',
  role: 'admin',
  summary: 'All orders, optionally of one status, newest first',
  tags: ['Orders'],
  query: /* @__PURE__ */ z.strictObject({
    status: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.enum(ORDER_STATUSES)),
    limit: Limit,
    cursor: /* @__PURE__ */ z.optional(Cursor),
  }),
  responses: { 200: { description: 'A page of orders', schema: /* @__PURE__ */ pageOf(OrderSummary) } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
});

export const retryFulfilmentRoute = /* @__PURE__ */ defineRoute({
  operationId: 'retryFulfilment',
  method: 'POST',
  path: '/v1/admin/orders/{orderId}/fulfilment/retry',
  role: 'admin',
  summary: 'Send a shipment the carrier refused again, optionally to a corrected address',
  description:
    'For a PAID order whose shipment the carrier refused for good (the `ShipmentsRejected` alarm): the ' +
    'address is replaced when one is given, `SHIPMENT_RETRIED` is appended to the events, and the ' +
    'fulfilment work goes to the fulfilment worker again, which creates a new carrier shipment. Any other ' +
    'order (not PAID, or its shipment not refused) is 409 `FULFILMENT_NOT_PARKED`.',
  tags: ['Orders'],
  params: OrderParams,
  body: /* @__PURE__ */ z.optional(
    /* @__PURE__ */ z
      .strictObject({ shippingAddress: /* @__PURE__ */ z.optional(Address) })
      .register(z.globalRegistry, {
        id: 'RetryFulfilment',
      }),
  ),
  responses: { 200: { description: 'The order, its fulfilment sent again', schema: Order } },
  errors: [
    { status: 404, code: 'ORDER_NOT_FOUND' },
    { status: 409, code: 'FULFILMENT_NOT_PARKED' },
  ],
});
