import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler as clearCart } from '../../functions/http/clear-cart';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getCart } from '../../functions/http/get-cart';
import { handler as removeCartItem } from '../../functions/http/remove-cart-item';
import { handler as setCartItem } from '../../functions/http/set-cart-item';
import { handler as updateProduct } from '../../functions/http/update-product';
import { CART_RETENTION_SECONDS } from '../../shared/adapters/dynamo/dynamo-cart-repository';
import { keys } from '../../shared/adapters/dynamo/keys';
import { MAX_LINES, MAX_QUANTITY } from '../../shared/domain/cart/cart';
import { MAX_MONEY } from '../../shared/domain/money';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

const newCustomer = () => customerToken(`cart-${randomBytes(5).toString('hex')}`);
const subOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')).sub as string;

const newProduct = async (price = 1000, name = 'Thing') => {
  const sku = uniqueSku('CART');
  const res = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name, price, category: 'Kitchen' },
    token: adminToken(),
  });
  expect(res.status).toBe(201);
  return sku;
};
const patchProduct = (sku: string, body: Record<string, unknown>) =>
  invoke(updateProduct, {
    method: 'PATCH',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
    body,
    token: adminToken(),
  });

const cart = (token: string) => invoke(getCart, { method: 'GET', path: '/v1/cart', token });
const item = (sku: string) => ({
  path: `/v1/cart/items/${sku}`,
  route: '/v1/cart/items/{sku}',
  pathParameters: { sku },
});
const setItem = (token: string, sku: string, body: unknown) =>
  invoke(setCartItem, { method: 'PUT', ...item(sku), body, token });
const removeItem = (token: string, sku: string) => invoke(removeCartItem, { method: 'DELETE', ...item(sku), token });
const clear = (token: string) => invoke(clearCart, { method: 'DELETE', path: '/v1/cart', token });
const storedCart = async (token: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.cart(subOf(token)), ConsistentRead: true }))).Item;
/** A cart line of a simple product, priced without a country (no tax known). */
const line = (sku: string, name: string, quantity: number, unitPrice: number) => ({
  sku,
  productSku: sku,
  name,
  options: {},
  quantity,
  unitPrice,
  lineTotal: quantity * unitPrice,
  taxRateBps: null,
  taxAmount: null,
});
/** The totals of a cart priced without a country. */
const untaxed = (subtotal: number) => ({
  country: null,
  subtotal,
  discount: 0,
  discountCode: null,
  shipping: 0,
  shippingMethod: null,
  tax: null,
  total: subtotal,
  currency: 'EUR',
});
const skusOf = (res: { json: { items: Array<{ sku: string }> } }) => res.json.items.map((line) => line.sku);

describe('cart endpoints against DynamoDB Local', () => {
  it('shows an empty cart when the customer has none, and keeps it out of caches', async () => {
    const res = await cart(newCustomer());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      items: [],
      country: null,
      subtotal: 0,
      discount: 0,
      discountCode: null,
      shipping: 0,
      shippingMethod: null,
      tax: null,
      total: 0,
      currency: 'EUR',
    });
  });

  it('sets a quantity (not adds to it) and prices the lines from the catalog', async () => {
    const token = newCustomer();
    const mug = await newProduct(1290, 'Mug');
    const plate = await newProduct(450, 'Plate');
    await setItem(token, mug, { quantity: 5 });
    await setItem(token, plate, { quantity: 1 });
    const res = await setItem(token, mug, { quantity: 2 });
    expect(res.status).toBe(200);
    const expected = {
      items: [line(mug, 'Mug', 2, 1290), line(plate, 'Plate', 1, 450)].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
      ...untaxed(3030),
    };
    expect(res.json).toEqual(expected);
    expect((await cart(token)).json).toEqual(expected);
  });

  it('stores quantities only, with a version bumped by every change and an expiry 30 days after the last one', async () => {
    const token = newCustomer();
    const sku = await newProduct();
    await setItem(token, sku, { quantity: 1 });
    const before = Math.floor(Date.now() / 1000);
    await setItem(token, sku, { quantity: 3 });
    const stored = await storedCart(token);
    expect(stored).toMatchObject({ items: { [sku]: 3 }, version: 2, updatedAt: expect.any(String) });
    expect(stored).not.toHaveProperty('unitPrice');
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(before + CART_RETENTION_SECONDS);
    expect(stored?.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + CART_RETENTION_SECONDS);
  });

  it('prices with today’s catalog price and leaves out products that were deactivated', async () => {
    const token = newCustomer();
    const kept = await newProduct(1000);
    const retired = await newProduct(2000);
    await setItem(token, kept, { quantity: 2 });
    await setItem(token, retired, { quantity: 1 });
    expect((await patchProduct(kept, { price: 1100 })).status).toBe(200);
    expect((await patchProduct(retired, { active: false })).status).toBe(200);
    const res = await cart(token);
    expect(res.json).toEqual({
      items: [line(kept, 'Thing', 2, 1100)],
      ...untaxed(2200),
    });
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown or inactive sku and stores nothing', async () => {
    const token = newCustomer();
    const inactive = await newProduct();
    await patchProduct(inactive, { active: false });
    for (const sku of [uniqueSku('NONE'), inactive]) {
      const res = await setItem(token, sku, { quantity: 1 });
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('PRODUCT_NOT_FOUND');
    }
    expect(await storedCart(token)).toBeUndefined();
  });

  it(`refuses a new line beyond ${MAX_LINES} products with 409 CART_FULL, and still changes existing lines`, async () => {
    const token = newCustomer();
    const inCart = await newProduct(100);
    const extra = await newProduct(100);
    // Arrange a full cart directly (one line per product would take a hundred requests).
    const lines = Object.fromEntries(
      [inCart, ...Array.from({ length: MAX_LINES - 1 }, () => uniqueSku('GONE'))].map((sku) => [sku, 1]),
    );
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.cart(subOf(token)),
          sub: subOf(token),
          items: lines,
          version: 7,
          updatedAt: '2026-11-20T10:00:00Z',
        },
      }),
    );
    const full = await setItem(token, extra, { quantity: 1 });
    expect(full.status).toBe(409);
    expect(full.json.code).toBe('CART_FULL');
    expect(await storedCart(token)).toMatchObject({ items: lines, version: 7 });
    const changed = await setItem(token, inCart, { quantity: 4 });
    expect(changed.status).toBe(200);
    expect(await storedCart(token)).toMatchObject({ items: { ...lines, [inCart]: 4 }, version: 8 });
  });

  it('removes a line, and removing a line that is not there is fine', async () => {
    const token = newCustomer();
    const a = await newProduct();
    const b = await newProduct();
    await setItem(token, a, { quantity: 1 });
    await setItem(token, b, { quantity: 1 });
    const res = await removeItem(token, a);
    expect(res.status).toBe(200);
    expect(skusOf(res)).toEqual([b]);
    const again = await removeItem(token, a);
    expect(again.status).toBe(200);
    expect(skusOf(again)).toEqual([b]);
    expect((await storedCart(token))?.items).toEqual({ [b]: 1 });
  });

  it('empties the cart with 204 and no body', async () => {
    const token = newCustomer();
    await setItem(token, await newProduct(), { quantity: 1 });
    const res = await clear(token);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    // Emptied with its version moved on, not deleted: versions never start again (see the checkout race).
    expect(await storedCart(token)).toMatchObject({ items: {}, version: 2 });
    expect((await cart(token)).json.items).toEqual([]);
    expect((await clear(token)).status).toBe(204);
    // Clearing a customer's cart that does not exist creates none.
    const none = newCustomer();
    expect((await clear(none)).status).toBe(204);
    expect(await storedCart(none)).toBeUndefined();
  });

  it.each([
    ['a quantity of 0', { quantity: 0 }, 'quantity'],
    ['a quantity over 100', { quantity: 101 }, 'quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
    ['a quantity as a string', { quantity: '2' }, 'quantity'],
    ['no quantity', {}, 'quantity'],
    ['a client-chosen price', { quantity: 1, price: 1 }, 'price'],
    ['a client-chosen unitPrice', { quantity: 1, unitPrice: 1 }, 'unitPrice'],
    ['a sub', { quantity: 1, sub: 'someone-else' }, 'sub'],
  ])('refuses %s with 400 VALIDATION_FAILED and stores nothing', async (_, body, path) => {
    const token = newCustomer();
    const res = await setItem(token, await newProduct(), body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await storedCart(token)).toBeUndefined();
  });

  it('refuses a malformed sku in the path with 400', async () => {
    const token = newCustomer();
    const res = await setItem(token, 'lower-case', { quantity: 1 });
    expect(res.status).toBe(400);
    expect(await storedCart(token)).toBeUndefined();
  });

  it('never shows, changes or empties one customer’s cart for another', async () => {
    const alice = newCustomer();
    const bob = newCustomer();
    const mine = await newProduct();
    const shared = await newProduct();
    await setItem(alice, mine, { quantity: 2 });
    await setItem(alice, shared, { quantity: 1 });

    expect((await cart(bob)).json.items).toEqual([]);
    await setItem(bob, shared, { quantity: 9 });
    await removeItem(bob, mine);
    expect((await clear(bob)).status).toBe(204);

    const alices = await cart(alice);
    expect(
      alices.json.items.map(({ sku, quantity }: { sku: string; quantity: number }) => ({ sku, quantity })),
    ).toEqual(
      [
        { sku: mine, quantity: 2 },
        { sku: shared, quantity: 1 },
      ].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    );
  });

  it('refuses a quantity that takes a line or the subtotal over the Money maximum with 409 CART_TOTAL_TOO_LARGE', async () => {
    const token = newCustomer();
    const priciest = await newProduct(MAX_MONEY, 'Yacht');
    const half = await newProduct(MAX_MONEY / 2, 'Half a yacht');
    expect((await setItem(token, priciest, { quantity: 1 })).status).toBe(200);

    const line = await setItem(token, priciest, { quantity: 3 });
    const subtotal = await setItem(token, half, { quantity: 1 });

    for (const res of [line, subtotal]) {
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json.code).toBe('CART_TOTAL_TOO_LARGE');
    }
    const after = await cart(token);
    expect(after.json.items).toEqual([expect.objectContaining({ sku: priciest, quantity: 1, lineTotal: MAX_MONEY })]);
    expect(after.json.subtotal).toBe(MAX_MONEY);
  });

  it('keeps every line and subtotal of a full cart of the most expensive products within the Money maximum', async () => {
    const token = newCustomer();
    const skus = await Promise.all(Array.from({ length: 3 }, () => newProduct(MAX_MONEY)));
    const answers = [];
    for (const sku of skus) answers.push(await setItem(token, sku, { quantity: MAX_QUANTITY }));
    answers.push(await cart(token));
    for (const res of answers) {
      if (res.status === 200) {
        expect(res.json.subtotal).toBeLessThanOrEqual(MAX_MONEY);
        for (const line of res.json.items) expect(line.lineTotal).toBeLessThanOrEqual(MAX_MONEY);
      } else expect(res.json.code).toBe('CART_TOTAL_TOO_LARGE');
    }
  });

  it.each(['%2e%2e', '..', '%2E', '.'])(
    'answers DELETE /v1/cart/items/%s with 400 and leaves the cart as it was, whatever route it reached',
    async (segment) => {
      const token = newCustomer();
      const sku = await newProduct();
      await setItem(token, sku, { quantity: 2 });
      const decoded = decodeURIComponent(segment);
      const path = `/v1/cart/items/${segment}`;

      // As API Gateway routes it (the parameter decoded), and as a router that resolved the dot
      // segment first would (to DELETE /v1/cart, the raw path unchanged).
      const asItem = await invoke(removeCartItem, {
        method: 'DELETE',
        path,
        route: '/v1/cart/items/{sku}',
        pathParameters: { sku: decoded },
        token,
      });
      const asCart = await invoke(clearCart, { method: 'DELETE', path, route: '/v1/cart', token });

      for (const res of [asItem, asCart]) {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/problem+json');
        expect(res.json.code).toBe('VALIDATION_FAILED');
        expect(res.json.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('. or ..') })]);
      }
      expect((await cart(token)).json.items).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
    },
  );

  it('answers a path with a % escape that is not UTF-8 with 400, changing nothing', async () => {
    const token = newCustomer();
    const sku = await newProduct();
    await setItem(token, sku, { quantity: 1 });

    const res = await invoke(removeCartItem, {
      method: 'DELETE',
      path: `/v1/cart/items/${sku}%FF`,
      route: '/v1/cart/items/{sku}',
      pathParameters: { sku: `${sku}\uFFFD` },
      token,
    });

    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors).toEqual([{ path: 'sku', message: expect.stringContaining('UTF-8') }]);
    expect((await cart(token)).json.items).toHaveLength(1);
  });

  it('lets an admin keep a cart as a customer', async () => {
    const token = adminToken(`admin-cart-${randomBytes(3).toString('hex')}`);
    const sku = await newProduct();
    expect((await setItem(token, sku, { quantity: 1 })).status).toBe(200);
    expect(skusOf(await cart(token))).toEqual([sku]);
  });

  it('answers 401 without a token', async () => {
    expect((await invoke(getCart, { method: 'GET', path: '/v1/cart' })).status).toBe(401);
  });

  it('when one customer sets 20 different products at once, no line is lost', async () => {
    const token = newCustomer();
    const skus = await Promise.all(Array.from({ length: 20 }, () => newProduct(100)));
    const responses = await Promise.all(skus.map((sku, i) => setItem(token, sku, { quantity: i + 1 })));
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(200));
    const res = await cart(token);
    expect(res.json.items).toHaveLength(20);
    expect(res.json.subtotal).toBe(100 * ((20 * 21) / 2));
    const stored = await storedCart(token);
    expect(Object.keys(stored?.items ?? {}).sort()).toEqual([...skus].sort());
    expect(stored?.version).toBe(20);
  });
});
