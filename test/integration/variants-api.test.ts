import { randomBytes, randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler as addVariant } from '../../functions/http/add-variant';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getCart } from '../../functions/http/get-cart';
import { handler as getInventory } from '../../functions/http/get-inventory';
import { handler as getProduct } from '../../functions/http/get-product';
import { handler as listProducts } from '../../functions/http/list-products';
import { handler as setCartItem } from '../../functions/http/set-cart-item';
import { handler as updateVariant } from '../../functions/http/update-variant';
import {
  cancel,
  countStatuses,
  pauseNextPlacement,
  placeOrder,
  stockedProduct,
  variantProduct,
  variantStockOf,
} from '../support/checkout';
import { invoke } from '../support/http-event';
import {
  adminToken,
  customerToken,
  tableName,
  testDocumentClient,
  uniqueCategory,
  uniqueSku,
} from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

// An admin of this file's own, so its requests stay off the counter the other files' admin shares.
const admin = adminToken(`admin-variants-${randomBytes(3).toString('hex')}`);
const newSub = () => `variants-${randomBytes(5).toString('hex')}`;

const create = (body: Record<string, unknown>, token = admin) =>
  invoke(createProduct, { method: 'POST', path: '/v1/products', body, token });
const get = (sku: string, token?: string) =>
  invoke(getProduct, {
    method: 'GET',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
    token,
  });
const add = (sku: string, body: unknown, token = admin) =>
  invoke(addVariant, {
    method: 'POST',
    path: `/v1/products/${sku}/variants`,
    route: '/v1/products/{sku}/variants',
    pathParameters: { sku },
    body,
    token,
  });
const change = (sku: string, variantSku: string, body: unknown, token = admin) =>
  invoke(updateVariant, {
    method: 'PATCH',
    path: `/v1/products/${sku}/variants/${variantSku}`,
    route: '/v1/products/{sku}/variants/{variantSku}',
    pathParameters: { sku, variantSku },
    body,
    token,
  });
const putInCart = (sub: string, sku: string, quantity: number) =>
  invoke(setCartItem, {
    method: 'PUT',
    path: `/v1/cart/items/${sku}`,
    route: '/v1/cart/items/{sku}',
    pathParameters: { sku },
    body: { quantity },
    token: customerToken(sub),
  });
const inventoryOf = (sku: string) =>
  invoke(getInventory, {
    method: 'GET',
    path: `/v1/inventory/${sku}`,
    route: '/v1/inventory/{sku}',
    pathParameters: { sku },
    token: admin,
  });
/** Every item a product's sku and its variants' skus have in the table. */
const storedItems = async (...skus: string[]) => {
  const items = [];
  for (const sku of skus) {
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `PRODUCT#${sku}` },
        ConsistentRead: true,
      }),
    );
    items.push(...(result.Items ?? []));
  }
  return items;
};

const shirt = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: 'Linen shirt',
  price: 4900,
  category: 'Apparel',
  options: [
    { name: 'Size', values: ['S', 'M'] },
    { name: 'Colour', values: ['White', 'Navy'] },
  ],
  variants: [
    { sku: `${sku}-S-W`, options: { Size: 'S', Colour: 'White' } },
    { sku: `${sku}-M-N`, options: { Size: 'M', Colour: 'Navy' }, price: 5400, weight: 320 },
  ],
  ...extra,
});

describe('products with variants (DynamoDB Local)', () => {
  it('are created with their variants in one write, readable by the product or any variant sku', async () => {
    const sku = uniqueSku('SHIRT');
    const created = await create(shirt(sku, { weight: 300, taxClass: 'reduced' }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      sku,
      options: shirt(sku).options,
      weight: 300,
      taxClass: 'reduced',
      available: 0,
      variants: [
        {
          sku: `${sku}-S-W`,
          options: { Size: 'S', Colour: 'White' },
          price: 4900,
          weight: 300,
          active: true,
          available: 0,
        },
        {
          sku: `${sku}-M-N`,
          options: { Size: 'M', Colour: 'Navy' },
          price: 5400,
          weight: 320,
          active: true,
          available: 0,
        },
      ],
    });
    const byVariant = await get(`${sku}-M-N`);
    expect(byVariant.status).toBe(200);
    expect(byVariant.json.sku).toBe(sku);
    expect(byVariant.headers.etag).toBe((await get(sku)).headers.etag);
  });

  it('keep stock per variant: the product shows the sum of its active variants, inventory speaks variant skus', async () => {
    const { sku, variant } = await variantProduct({ S: 2, M: 5, L: 7 }, { token: admin });
    expect((await change(sku, variant('L'), { active: false })).status).toBe(200);
    const product = await get(sku);
    expect(product.json.available).toBe(7);
    expect(product.json.variants.map((entry: { sku: string }) => entry.sku)).toEqual([variant('S'), variant('M')]);
    const admins = await get(sku, admin);
    expect(admins.json.variants).toHaveLength(3);
    expect((await inventoryOf(variant('M'))).json).toEqual({ sku: variant('M'), onHand: 5, reserved: 0, available: 5 });
    const ofProduct = await inventoryOf(sku);
    expect(ofProduct.status).toBe(409);
    expect(ofProduct.json.code).toBe('VARIANT_REQUIRED');
  });

  it('list with their variants in the catalog pages', async () => {
    const category = uniqueCategory();
    const sku = uniqueSku('SHIRT');
    expect((await create(shirt(sku, { category }))).status).toBe(201);
    const page = await invoke(listProducts, { method: 'GET', path: '/v1/products', query: { category } });
    expect(page.json.items).toEqual([
      expect.objectContaining({ sku, variants: [expect.objectContaining({ sku: `${sku}-S-W` }), expect.anything()] }),
    ]);
  });

  it('refuse a variant sku another product or variant holds, and store nothing of the refused product', async () => {
    const first = uniqueSku('SHIRT');
    expect((await create(shirt(first))).status).toBe(201);
    const second = uniqueSku('SHIRT');
    const clash = shirt(second, {
      variants: [
        { sku: `${second}-S-W`, options: { Size: 'S', Colour: 'White' } },
        { sku: `${first}-M-N`, options: { Size: 'M', Colour: 'Navy' } },
      ],
    });
    const refused = await create(clash);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'PRODUCT_EXISTS', detail: expect.stringContaining(`${first}-M-N`) });
    expect(await storedItems(second, `${second}-S-W`)).toEqual([]);
    const asProduct = await create({ sku: `${first}-S-W`, name: 'Mug', price: 100, category: 'Kitchen' });
    expect(asProduct.status).toBe(409);
    const added = await add(first, { sku: `${first}-S-W`, options: { Size: 'M', Colour: 'White' } });
    expect(added.json.code).toBe('PRODUCT_EXISTS');
  });

  it.each([
    [
      'a stock figure on a variant',
      (sku: string) =>
        shirt(sku, { variants: [{ sku: `${sku}-A`, options: { Size: 'S', Colour: 'White' }, onHand: 5 }] }),
    ],
    ['the internal variant list', (sku: string) => shirt(sku, { variantSkus: [`${sku}-X`] })],
    ['available on the product', (sku: string) => shirt(sku, { available: 10 })],
    [
      'a variant naming its own product',
      (sku: string) =>
        shirt(sku, { variants: [{ sku: `${sku}-A`, productSku: 'OTHER', options: { Size: 'S', Colour: 'White' } }] }),
    ],
    [
      'a fourth option',
      (sku: string) => shirt(sku, { options: ['A', 'B', 'C', 'D'].map((name) => ({ name, values: ['x'] })) }),
    ],
    [
      'a control character in a value',
      (sku: string) => shirt(sku, { options: [{ name: 'Size', values: ['S\u0007'] }] }),
    ],
  ])('refuse %s with 400 and store nothing', async (_, body) => {
    const sku = uniqueSku('SHIRT');
    const res = await create(body(sku));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await storedItems(sku, `${sku}-A`, `${sku}-S-W`)).toEqual([]);
  });

  it('refuse unknown fields and stock figures on a variant change, and change nothing', async () => {
    const { sku, variant } = await variantProduct({ S: 3 }, { token: admin });
    for (const body of [{ available: 99 }, { onHand: 5 }, { options: { Size: 'XL' } }, { sku: 'OTHER' }, {}]) {
      const res = await change(sku, variant('S'), body);
      expect(res.status).toBe(400);
    }
    expect((await inventoryOf(variant('S'))).json).toMatchObject({ onHand: 3, available: 3 });
    expect((await get(sku, admin)).json.variants[0]).toMatchObject({ options: { Size: 'S' }, active: true });
  });

  it('are changed by admins only', async () => {
    const { sku, variant } = await variantProduct({ S: 1 }, { token: admin });
    const customer = customerToken(newSub());
    expect((await create(shirt(uniqueSku('SHIRT')), customer)).status).toBe(403);
    expect((await add(sku, { sku: `${sku}-XL`, options: { Size: 'XL' } }, customer)).status).toBe(403);
    expect((await change(sku, variant('S'), { price: 1 }, customer)).status).toBe(403);
    expect((await add(sku, { sku: `${sku}-XL`, options: { Size: 'XL' } }, 'not-a-token')).status).toBe(401);
    expect((await get(sku, admin)).json.variants).toEqual([expect.objectContaining({ price: 2000 })]);
  });

  it('gain variants later: a new value is added to its option, Location names the variant', async () => {
    const { sku } = await variantProduct({ S: 1 }, { token: admin });
    const added = await add(sku, { sku: `${sku}-XL`, options: { Size: 'XL' }, price: 2500 });
    expect(added.status).toBe(201);
    expect(added.headers.location).toBe(`/v1/products/${sku}-XL`);
    expect(added.json.options).toEqual([{ name: 'Size', values: ['S', 'XL'] }]);
    expect(added.json.variants.at(-1)).toMatchObject({ sku: `${sku}-XL`, price: 2500, available: 0 });
    expect((await add(sku, { sku: `${sku}-XL2`, options: { Size: 'xl' } })).json.code).toBe('VARIANT_EXISTS');
    const simple = await stockedProduct(1, 100, admin);
    expect((await add(simple, { sku: `${simple}-L`, options: { Size: 'L' } })).json.code).toBe(
      'PRODUCT_HAS_NO_OPTIONS',
    );
  });
});

describe('carts and checkout by variant sku (DynamoDB Local)', () => {
  it('refuse a product with variants by its own sku (VARIANT_REQUIRED), in a cart and in an order', async () => {
    const { sku } = await variantProduct({ S: 5 }, { token: admin });
    const sub = newSub();
    const inCart = await putInCart(sub, sku, 1);
    expect(inCart.status).toBe(409);
    expect(inCart.json.code).toBe('VARIANT_REQUIRED');
    const ordered = await placeOrder(sub, { items: [{ sku, quantity: 1 }] });
    expect(ordered.status).toBe(409);
    expect(ordered.json).toMatchObject({ code: 'VARIANT_REQUIRED', errors: [{ path: 'items/0/sku', sku }] });
  });

  it('name the variant in cart and order lines, reserve its stock only, and give it back on cancel', async () => {
    const { sku, variant } = await variantProduct({ S: 4, M: 4 }, { price: 1500, token: admin });
    const sub = newSub();
    expect((await putInCart(sub, variant('M'), 3)).status).toBe(200);
    const cart = await invoke(getCart, { method: 'GET', path: '/v1/cart', token: customerToken(sub) });
    expect(cart.json.items).toEqual([
      {
        sku: variant('M'),
        productSku: sku,
        name: `Shirt ${sku}`,
        options: { Size: 'M' },
        quantity: 3,
        unitPrice: 1500,
        lineTotal: 4500,
        taxRateBps: null,
        taxAmount: null,
      },
    ]);
    const order = await placeOrder(sub, {});
    expect(order.status).toBe(201);
    const { taxRateBps: _rate, taxAmount: _tax, ...line } = cart.json.items[0];
    expect(order.json.items).toEqual([{ ...line, taxRateBps: 0, taxAmount: 0 }]);
    expect(await variantStockOf(db, sku, variant('M'))).toEqual({ onHand: 4, reserved: 3, available: 1 });
    expect(await variantStockOf(db, sku, variant('S'))).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect((await cancel(sub, order.json.orderId)).status).toBe(200);
    expect(await variantStockOf(db, sku, variant('M'))).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });

  it('order by a variant sku given directly, with a simple product beside it', async () => {
    const { sku, variant } = await variantProduct({ S: 2 }, { token: admin });
    const simple = await stockedProduct(2, 700, admin);
    const order = await placeOrder(newSub(), {
      items: [
        { sku: variant('S'), quantity: 2 },
        { sku: simple, quantity: 1 },
      ],
    });
    expect(order.status).toBe(201);
    expect(order.json.items).toEqual([
      expect.objectContaining({ sku: variant('S'), productSku: sku, options: { Size: 'S' }, lineTotal: 4000 }),
      expect.objectContaining({ sku: simple, productSku: simple, options: {}, lineTotal: 700 }),
    ]);
    expect(order.json.total).toBe(4700);
  });

  it('when 20 customers race for the last unit of one variant, one gets it and its siblings are untouched', async () => {
    const { sku, variant } = await variantProduct({ S: 1, M: 6, L: 0 }, { token: admin });
    const run = randomUUID().slice(0, 8);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        placeOrder(`last-${run}-${i}`, { items: [{ sku: variant('S'), quantity: 1 }] }),
      ),
    );
    expect(countStatuses(responses)).toEqual({ 201: 1, 409: 19 });
    for (const refused of responses.filter((res) => res.status === 409))
      expect(refused.json).toMatchObject({ code: 'OUT_OF_STOCK', errors: [{ sku: variant('S') }] });
    expect(await variantStockOf(db, sku, variant('S'))).toEqual({ onHand: 1, reserved: 1, available: 0 });
    expect(await variantStockOf(db, sku, variant('M'))).toEqual({ onHand: 6, reserved: 0, available: 6 });
    expect(await variantStockOf(db, sku, variant('L'))).toEqual({ onHand: 0, reserved: 0, available: 0 });
  }, 60_000);

  it('refuse a variant deactivated between cart and checkout, reserving nothing and keeping the cart', async () => {
    const { sku, variant } = await variantProduct({ S: 3, M: 3 }, { token: admin });
    const sub = newSub();
    await putInCart(sub, variant('S'), 1);
    await putInCart(sub, variant('M'), 1);
    expect((await change(sku, variant('S'), { active: false })).status).toBe(200);
    const order = await placeOrder(sub, {});
    expect(order.status).toBe(404);
    expect(order.json).toMatchObject({ code: 'PRODUCT_NOT_FOUND', errors: [{ sku: variant('S') }] });
    expect(await variantStockOf(db, sku, variant('S'))).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await variantStockOf(db, sku, variant('M'))).toEqual({ onHand: 3, reserved: 0, available: 3 });
    const cart = await invoke(getCart, { method: 'GET', path: '/v1/cart', token: customerToken(sub) });
    // The cart shows what can be bought now: the deactivated variant is left out, its line kept.
    expect(cart.json.items.map((line: { sku: string }) => line.sku)).toEqual([variant('M')]);
    expect((await putInCart(newSub(), variant('S'), 1)).status).toBe(404);
  });

  it('never reserve a variant deactivated after checkout priced it (its flag is on the stock item)', async () => {
    const { sku, variant } = await variantProduct({ S: 3 }, { token: admin });
    const paused = pauseNextPlacement();
    try {
      const ordering = placeOrder(newSub(), { items: [{ sku: variant('S'), quantity: 1 }] });
      await paused.atCommit;
      expect((await change(sku, variant('S'), { active: false })).status).toBe(200);
      paused.goOn();
      const refused = await ordering;
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ code: 'OUT_OF_STOCK', errors: [{ sku: variant('S') }] });
    } finally {
      paused.restore();
    }
    expect(await variantStockOf(db, sku, variant('S'))).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });

  it('edit a variant while checkouts reserve it: every edit lands, every unit is counted', async () => {
    const { sku, variant } = await variantProduct({ M: 40 }, { token: admin });
    const run = randomUUID().slice(0, 8);
    const [orders, edits] = await Promise.all([
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          placeOrder(`edit-${run}-${i}`, { items: [{ sku: variant('M'), quantity: 1 }] }),
        ),
      ),
      Promise.all(Array.from({ length: 5 }, (_, i) => change(sku, variant('M'), { price: 2000 + i }))),
    ]);
    expect(countStatuses(orders)).toEqual({ 201: 20 });
    expect(edits.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await variantStockOf(db, sku, variant('M'))).toEqual({ onHand: 40, reserved: 20, available: 20 });
  }, 60_000);

  it("charge a variant's own price, or the product's when it has none", async () => {
    const { sku, variant } = await variantProduct({ S: 5, M: 5 }, { price: 1000, token: admin });
    await change(sku, variant('M'), { price: 1300 });
    const order = await placeOrder(newSub(), {
      items: [
        { sku: variant('S'), quantity: 1 },
        { sku: variant('M'), quantity: 1 },
      ],
    });
    expect(order.json.items.map((line: { unitPrice: number }) => line.unitPrice)).toEqual([1000, 1300]);
  });
});
