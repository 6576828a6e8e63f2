import { randomUUID } from 'node:crypto';
import { handler as addVariant } from '../../functions/http/add-variant';
import { handler as createDiscount } from '../../functions/http/create-discount';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as createShippingMethod } from '../../functions/http/create-shipping-method';
import { handler as getCart } from '../../functions/http/get-cart';
import { handler as getShippingMethod } from '../../functions/http/get-shipping-method';
import { handler as listOrders } from '../../functions/http/list-orders';
import { handler as listShippingMethods } from '../../functions/http/list-shipping-methods';
import { handler as listShippingOptions } from '../../functions/http/list-shipping-options';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as setCartItem } from '../../functions/http/set-cart-item';
import { handler as setTaxRates } from '../../functions/http/set-tax-rates';
import { handler as updateShippingMethod } from '../../functions/http/update-shipping-method';
import { address, placeOrder, stockedProduct, stockOf } from '../support/checkout';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, testDocumentClient, uniqueSku } from '../support/integration';
import { useOwnTable } from '../support/own-table';

/**
 * Shipping methods, their admin routes, the cart's options and quote, and shipping at checkout
 * (contract §5.3), against DynamoDB Local. The methods are shop-wide: this file has a table of its own.
 */
useOwnTable('shipping');
const db = testDocumentClient();
afterAll(() => db.destroy());

const admin = adminToken('admin-shipping');
const GERMANY = { ...address, city: 'Berlin', postalCode: '10115', country: 'DE' };
const AUSTRIA = { ...address, city: 'Wien', postalCode: '1010', country: 'AT' };
const FRANCE = { ...address, city: 'Paris', postalCode: '75001', country: 'FR' };

const standard = {
  code: 'standard',
  name: 'Standard parcel',
  countries: ['DE', 'AT'],
  rate: { type: 'flat', amount: 490 },
  freeOverSubtotal: 5000,
  minDeliveryDays: 2,
  maxDeliveryDays: 4,
};
const express = {
  code: 'express',
  name: 'Express',
  countries: ['DE'],
  rate: {
    type: 'weight',
    tiers: [
      { upToGrams: 1000, amount: 990 },
      { upToGrams: 5000, amount: 1490 },
    ],
  },
  minDeliveryDays: 1,
  maxDeliveryDays: 1,
};

const create = (body: unknown, token = admin) =>
  invoke(createShippingMethod, { method: 'POST', path: '/v1/shipping-methods', body, token });
const update = (code: string, body: unknown, token = admin) =>
  invoke(updateShippingMethod, {
    method: 'PATCH',
    path: `/v1/shipping-methods/${code}`,
    route: '/v1/shipping-methods/{code}',
    pathParameters: { code },
    body,
    token,
  });

const product = (price: number, weight: number | null, onHand = 20) => stockedProduct(onHand, price, admin, { weight });

const read = (code: string) =>
  invoke(getShippingMethod, {
    method: 'GET',
    path: `/v1/shipping-methods/${code}`,
    route: '/v1/shipping-methods/{code}',
    pathParameters: { code },
    token: admin,
  });

async function cartOf(items: Record<string, number>): Promise<{ sub: string; token: string }> {
  const sub = `shipping-${randomUUID()}`;
  const token = customerToken(sub);
  for (const [sku, quantity] of Object.entries(items)) {
    const set = await invoke(setCartItem, {
      method: 'PUT',
      path: `/v1/cart/items/${sku}`,
      route: '/v1/cart/items/{sku}',
      pathParameters: { sku },
      body: { quantity },
      token,
    });
    expect(set.status).toBe(200);
  }
  return { sub, token };
}

const quote = (token: string, query: Record<string, string>) =>
  invoke(getCart, { method: 'GET', path: '/v1/cart', query, token });
const options = (token: string, country: string) =>
  invoke(listShippingOptions, { method: 'GET', path: '/v1/cart/shipping-options', query: { country }, token });

async function ordersOf(sub: string) {
  const listed = await invoke(listOrders, { method: 'GET', path: '/v1/orders', token: customerToken(sub) });
  return listed.json.items as unknown[];
}

describe('a shop without shipping methods', () => {
  it('ships for 0, with no method on the order, and offers no options', async () => {
    const sku = await product(1000, 300);
    const placed = await placeOrder(`no-methods-${randomUUID()}`, {
      items: [{ sku, quantity: 1 }],
      shippingAddress: FRANCE,
    });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ shipping: 0, shippingMethod: null, total: 1000 });
    const { token } = await cartOf({ [sku]: 1 });
    expect((await options(token, 'FR')).json).toEqual({ items: [] });
    expect((await quote(token, { country: 'FR' })).json).toMatchObject({ shipping: 0, shippingMethod: null });
  });
});

describe('the shipping methods (admin)', () => {
  it('creates a method, with its Location, and refuses a second one with its code', async () => {
    const created = await create(standard);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/v1/shipping-methods/standard');
    expect(created.json).toEqual({
      ...standard,
      active: true,
      createdAt: expect.any(String),
      updatedAt: created.json.createdAt,
    });
    const again = await create({ ...standard, name: 'Another' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'SHIPPING_METHOD_EXISTS' });
    expect((await create(express)).status).toBe(201);
    // Inactive from the start: offered nowhere.
    expect((await create({ ...standard, code: 'pallet', countries: ['FR'], active: false })).status).toBe(201);
  });

  it('reads one and lists them all, by code', async () => {
    const one = await read('express');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ ...express, freeOverSubtotal: null, active: true });
    const listed = await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods', token: admin });
    expect(listed.json.items.map((method: { code: string }) => method.code)).toEqual(['express', 'pallet', 'standard']);
    const missing = await read('pigeon');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'SHIPPING_METHOD_NOT_FOUND' });
  });

  it('changes only the fields given, and 404s an unknown code', async () => {
    const changed = await update('pallet', { maxDeliveryDays: 9, countries: ['fr', 'BE'] });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ code: 'pallet', countries: ['FR', 'BE'], maxDeliveryDays: 9, active: false });
    expect((await update('pallet', { freeOverSubtotal: null })).json).toMatchObject({ freeOverSubtotal: null });
    expect((await update('pigeon', { active: false })).status).toBe(404);
  });

  it.each([
    ['an unknown field', { ...standard, code: 'x1', handlingFee: 100 }],
    ['a code with capitals', { ...standard, code: 'Standard' }],
    ['a country that is no ISO code', { ...standard, code: 'x2', countries: ['DE', 'XX'] }],
    ['a country twice', { ...standard, code: 'x3', countries: ['DE', 'de'] }],
    ['no country', { ...standard, code: 'x4', countries: [] }],
    [
      'tiers out of order',
      {
        ...express,
        code: 'x5',
        rate: {
          type: 'weight',
          tiers: [
            { upToGrams: 500, amount: 1 },
            { upToGrams: 500, amount: 2 },
          ],
        },
      },
    ],
    ['an unknown rate type', { ...standard, code: 'x6', rate: { type: 'zone', amount: 1 } }],
    ['a fractional amount', { ...standard, code: 'x7', rate: { type: 'flat', amount: 4.9 } }],
    ['a negative threshold', { ...standard, code: 'x8', freeOverSubtotal: -1 }],
    ['fewer days at most than at least', { ...standard, code: 'x9', minDeliveryDays: 5, maxDeliveryDays: 2 }],
    [
      'more than 20 tiers',
      {
        ...express,
        code: 'x10',
        rate: { type: 'weight', tiers: Array.from({ length: 21 }, (_, i) => ({ upToGrams: i + 1, amount: 100 })) },
      },
    ],
    ['a tier of 0 g', { ...express, code: 'x11', rate: { type: 'weight', tiers: [{ upToGrams: 0, amount: 100 }] } }],
    [
      'fractional grams',
      { ...express, code: 'x12', rate: { type: 'weight', tiers: [{ upToGrams: 10.5, amount: 100 }] } },
    ],
    ['more than 365 days', { ...standard, code: 'x13', maxDeliveryDays: 366 }],
    ['a code of 41 characters', { ...standard, code: 'a'.repeat(41) }],
  ])('refuses %s with 400 and creates nothing', async (_case, body) => {
    const refused = await create(body);
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const listed = await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods', token: admin });
    expect(listed.json.items).toHaveLength(3);
  });

  it('refuses a change that leaves the days the wrong way round, an empty change and an unknown field', async () => {
    expect((await update('standard', { minDeliveryDays: 10 })).status).toBe(400);
    expect((await update('standard', {})).status).toBe(400);
    expect((await update('standard', { code: 'renamed' })).status).toBe(400);
    const one = await read('standard');
    expect(one.json).toMatchObject({ minDeliveryDays: 2, maxDeliveryDays: 4 });
  });

  it('is for admins only: a customer gets 403, no token 401, and nothing changes', async () => {
    const customer = customerToken('shipping-customer');
    expect((await create({ ...standard, code: 'sneaky' }, customer)).status).toBe(403);
    expect((await update('standard', { active: false }, customer)).status).toBe(403);
    expect(
      (await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods', token: customer })).status,
    ).toBe(403);
    expect((await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods' })).status).toBe(401);
    const listed = await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods', token: admin });
    expect(listed.json.items.map((method: { code: string; active: boolean }) => [method.code, method.active])).toEqual([
      ['express', true],
      ['pallet', false],
      ['standard', true],
    ]);
  });
});

describe('shipping for a cart and at checkout', () => {
  beforeAll(async () => {
    const rates = await invoke(setTaxRates, {
      method: 'PUT',
      path: '/v1/tax-rates/DE',
      route: '/v1/tax-rates/{country}',
      pathParameters: { country: 'DE' },
      body: { standardBps: 1900, reducedBps: 700 },
      token: admin,
    });
    expect(rates.status).toBe(200);
  });

  it('offers the methods that deliver the cart to a country, cheapest first, with what it would pay', async () => {
    const sku = await product(1190, 400);
    const { token } = await cartOf({ [sku]: 2 }); // 800 g
    const germany = await options(token, 'de');
    expect(germany.status).toBe(200);
    expect(germany.json).toEqual({
      items: [
        {
          code: 'standard',
          name: 'Standard parcel',
          amount: 490,
          currency: 'EUR',
          minDeliveryDays: 2,
          maxDeliveryDays: 4,
        },
        { code: 'express', name: 'Express', amount: 990, currency: 'EUR', minDeliveryDays: 1, maxDeliveryDays: 1 },
      ],
    });
    expect((await options(token, 'AT')).json.items.map((option: { code: string }) => option.code)).toEqual([
      'standard',
    ]);
    expect((await options(token, 'US')).json).toEqual({ items: [] });
    expect(
      (await invoke(listShippingOptions, { method: 'GET', path: '/v1/cart/shipping-options', token })).status,
    ).toBe(400);
  });

  it('charges the cheapest method by default and taxes the shipping at the standard rate', async () => {
    const sku = await product(1190, 400);
    const placed = await placeOrder(`default-${randomUUID()}`, {
      items: [{ sku, quantity: 2 }],
      shippingAddress: GERMANY,
    });
    expect(placed.status).toBe(201);
    // 2380 × 19/119 = 380; 490 × 19/119 = 78.24 → 78.
    expect(placed.json).toMatchObject({
      subtotal: 2380,
      shipping: 490,
      shippingMethod: { code: 'standard', name: 'Standard parcel', minDeliveryDays: 2, maxDeliveryDays: 4 },
      tax: 458,
      total: 2870,
    });
  });

  it('charges the method named, by the weight tier of the order', async () => {
    const sku = await product(1000, 600);
    const placed = await placeOrder(`named-${randomUUID()}`, {
      items: [{ sku, quantity: 3 }], // 1800 g: the second tier
      shippingAddress: GERMANY,
      shippingMethod: 'express',
    });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({
      subtotal: 3000,
      shipping: 1490,
      shippingMethod: { code: 'express' },
      total: 4490,
    });
  });

  it('ships free when the goods after the discount reach the threshold exactly, not below it', async () => {
    const sku = await product(2500, 100);
    const placed = await placeOrder(`free-${randomUUID()}`, {
      items: [{ sku, quantity: 2 }],
      shippingAddress: AUSTRIA,
    });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({
      subtotal: 5000,
      shipping: 0,
      shippingMethod: { code: 'standard' },
      total: 5000,
    });
    const code = `SHIP${randomUUID().slice(0, 8).toUpperCase()}`;
    const discount = await invoke(createDiscount, {
      method: 'POST',
      path: '/v1/discounts',
      body: { code, amountOff: 1000 },
      token: admin,
    });
    expect(discount.status).toBe(201);
    const discounted = await placeOrder(`discounted-${randomUUID()}`, {
      items: [{ sku, quantity: 2 }],
      shippingAddress: AUSTRIA,
      discountCode: code,
    });
    expect(discounted.status).toBe(201);
    expect(discounted.json).toMatchObject({ subtotal: 5000, discount: 1000, shipping: 490, total: 4490 });
    const more = await placeOrder(`over-${randomUUID()}`, {
      items: [{ sku, quantity: 3 }],
      shippingAddress: AUSTRIA,
      discountCode: code,
    });
    expect(more.json).toMatchObject({ subtotal: 7500, discount: 1000, shipping: 0, total: 6500 });
  });

  it('weighs a variant by its own weight, read with the methods in the same pricing read', async () => {
    const sku = uniqueSku('SHIPV');
    const created = await invoke(createProduct, {
      method: 'POST',
      path: '/v1/products',
      body: {
        sku,
        name: `Boots ${sku}`,
        price: 1000,
        category: 'Shipping tests',
        weight: 100,
        options: [{ name: 'Size', values: ['S'] }],
        variants: [{ sku: `${sku}-S`, options: { Size: 'S' } }],
      },
      token: admin,
    });
    expect(created.status).toBe(201);
    const heavy = await invoke(addVariant, {
      method: 'POST',
      path: `/v1/products/${sku}/variants`,
      route: '/v1/products/{sku}/variants',
      pathParameters: { sku },
      body: { sku: `${sku}-XL`, options: { Size: 'XL' }, weight: 1200 },
      token: admin,
    });
    expect(heavy.status).toBe(201);
    for (const variant of [`${sku}-S`, `${sku}-XL`]) {
      const stocked = await invoke(putInventory, {
        method: 'PUT',
        path: `/v1/inventory/${variant}`,
        pathParameters: { sku: variant },
        body: { onHand: 5 },
        token: admin,
      });
      expect(stocked.status).toBe(200);
    }
    // Named by their skus only: 2 × 100 g (the product's weight), then 1 × 1200 g (the variant's own).
    const light = await placeOrder(`variant-light-${randomUUID()}`, {
      items: [{ sku: `${sku}-S`, quantity: 2 }],
      shippingAddress: GERMANY,
      shippingMethod: 'express',
    });
    expect(light.json).toMatchObject({ shipping: 990, shippingMethod: { code: 'express' } });
    const heavier = await placeOrder(`variant-heavy-${randomUUID()}`, {
      items: [{ sku: `${sku}-XL`, quantity: 1 }],
      shippingAddress: GERMANY,
      shippingMethod: 'express',
    });
    expect(heavier.json).toMatchObject({ shipping: 1490, shippingMethod: { code: 'express' } });
  });

  it.each([
    ['a country no method delivers to', { shippingAddress: FRANCE }],
    ['a method that does not deliver to the country', { shippingAddress: AUSTRIA, shippingMethod: 'express' }],
    ['an inactive method', { shippingAddress: FRANCE, shippingMethod: 'pallet' }],
    ['an unknown method', { shippingAddress: GERMANY, shippingMethod: 'pigeon' }],
  ])('refuses %s with 409 SHIPPING_UNAVAILABLE and reserves nothing', async (_case, body) => {
    const sku = await product(1000, 100, 5);
    const sub = `unserved-${randomUUID()}`;
    const refused = await placeOrder(sub, { items: [{ sku, quantity: 2 }], ...body });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'SHIPPING_UNAVAILABLE' });
    expect(await stockOf(db, sku)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(await ordersOf(sub)).toEqual([]);
  });

  it('refuses an order heavier than the named method’s last tier', async () => {
    const sku = await product(1000, 2000);
    const refused = await placeOrder(`heavy-${randomUUID()}`, {
      items: [{ sku, quantity: 3 }],
      shippingAddress: GERMANY,
      shippingMethod: 'express',
    });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'SHIPPING_UNAVAILABLE' });
  });

  it('quotes in the cart what checkout charges, the method named included', async () => {
    const sku = await product(1190, 400);
    const { sub, token } = await cartOf({ [sku]: 1 });
    const quoted = await quote(token, { country: 'DE', shippingMethod: 'express' });
    expect(quoted.status).toBe(200);
    expect(quoted.json).toMatchObject({
      country: 'DE',
      subtotal: 1190,
      shipping: 990,
      shippingMethod: { code: 'express' },
      tax: 348, // 190 + 990 × 19/119 = 158.07
      total: 2180,
    });
    const placed = await placeOrder(sub, {
      shippingAddress: GERMANY,
      shippingMethod: 'express',
      expectedTotal: quoted.json.total,
    });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ shipping: 990, tax: 348, total: 2180 });
    // A quote for a country without a method, or of a method without a country.
    const { token: other } = await cartOf({ [sku]: 1 });
    expect((await quote(other, { country: 'FR' })).json).toMatchObject({ code: 'SHIPPING_UNAVAILABLE' });
    expect((await quote(other, { shippingMethod: 'express' })).status).toBe(400);
  });

  it('quotes a discount code as checkout applies it: its amount, the shipping it saves, the total charged', async () => {
    const code = `QUOTE${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await invoke(createDiscount, {
      method: 'POST',
      path: '/v1/discounts',
      body: { code, percentOff: 10 },
      token: admin,
    });
    expect(created.status).toBe(201);
    const sku = await product(2700, 100);
    const { sub, token } = await cartOf({ [sku]: 2 }); // 5400: free shipping, but not after 10 % off
    expect((await quote(token, { country: 'AT' })).json).toMatchObject({ shipping: 0, discountCode: null });
    const quoted = await quote(token, { country: 'AT', discountCode: ` ${code.toLowerCase()} ` });
    expect(quoted.status).toBe(200);
    expect(quoted.json).toMatchObject({
      subtotal: 5400,
      discount: 540,
      discountCode: code,
      shipping: 490,
      total: 5350,
    });
    const placed = await placeOrder(sub, { shippingAddress: AUSTRIA, discountCode: code, expectedTotal: 5350 });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ discount: 540, shipping: 490, tax: quoted.json.tax, total: 5350 });
    const { token: other } = await cartOf({ [sku]: 1 });
    expect((await quote(other, { country: 'AT', discountCode: 'NO-SUCH-CODE' })).json).toMatchObject({
      status: 409,
      code: 'DISCOUNT_UNAVAILABLE',
    });
    expect((await quote(other, { discountCode: code })).status).toBe(400);
  });

  it('quotes no shipping for an empty cart: nothing to ship, wherever it would go', async () => {
    const token = customerToken(`shipping-empty-${randomUUID()}`);
    for (const country of ['DE', 'FR']) {
      const quoted = await quote(token, { country });
      expect(quoted.status).toBe(200);
      expect(quoted.json).toMatchObject({ items: [], shipping: 0, shippingMethod: null, tax: 0, total: 0 });
    }
    expect((await options(token, 'DE')).json).toEqual({ items: [] });
  });

  it('refuses a method deactivated between the quote and the checkout, reserving nothing', async () => {
    expect((await create({ ...express, code: 'courier', rate: { type: 'flat', amount: 1990 } })).status).toBe(201);
    const sku = await product(1000, 100, 4);
    const { sub, token } = await cartOf({ [sku]: 2 });
    const quoted = await quote(token, { country: 'DE', shippingMethod: 'courier' });
    expect(quoted.json).toMatchObject({ shipping: 1990, total: 3990 });
    expect((await update('courier', { active: false })).status).toBe(200);
    const refused = await placeOrder(sub, {
      shippingAddress: GERMANY,
      shippingMethod: 'courier',
      expectedTotal: quoted.json.total,
    });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'SHIPPING_UNAVAILABLE' });
    expect(await stockOf(db, sku)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect(await ordersOf(sub)).toEqual([]);
  });

  it('answers PRICE_CHANGED when the shipping amount changed since the quote', async () => {
    const sku = await product(1000, 100);
    const { sub, token } = await cartOf({ [sku]: 1 });
    const quoted = await quote(token, { country: 'AT' });
    expect(quoted.json).toMatchObject({ shipping: 490, total: 1490 });
    expect((await update('standard', { rate: { type: 'flat', amount: 590 } })).status).toBe(200);
    const refused = await placeOrder(sub, { shippingAddress: AUSTRIA, expectedTotal: quoted.json.total });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'PRICE_CHANGED', errors: [{ shipping: 590, total: 1590 }] });
  });
});

describe('many shipping methods', () => {
  it('lands admins creating at once, and refuses the 51st', async () => {
    const listAll = async () =>
      (await invoke(listShippingMethods, { method: 'GET', path: '/v1/shipping-methods', token: admin })).json
        .items as Array<{ code: string }>;
    const before = (await listAll()).length;
    // Inactive: offered nowhere, so nothing above changes.
    const bulk = (index: number) => ({ ...standard, code: `bulk-${index}`, active: false });
    const created = await Promise.all(Array.from({ length: 8 }, (_, index) => create(bulk(index))));
    expect(created.map((res) => res.status)).toEqual(Array(8).fill(201));
    expect((await listAll()).length).toBe(before + 8);
    for (let index = 8; before + index < 50; index++) expect((await create(bulk(index))).status).toBe(201);
    const refused = await create(bulk(99));
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'TOO_MANY_SHIPPING_METHODS' });
    expect((await listAll()).length).toBe(50);
  });
});
