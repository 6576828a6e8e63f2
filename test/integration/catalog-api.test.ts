import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getProduct } from '../../functions/http/get-product';
import { handler as listProducts } from '../../functions/http/list-products';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as updateProduct } from '../../functions/http/update-product';
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

const create = (body: Record<string, unknown>, token = adminToken()) =>
  invoke(createProduct, { method: 'POST', path: '/v1/products', body, token });
const get = (sku: string, headers: Record<string, string> = {}) =>
  invoke(getProduct, {
    method: 'GET',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
    headers,
  });
const patch = (sku: string, body: unknown, headers: Record<string, string> = {}) =>
  invoke(updateProduct, {
    method: 'PATCH',
    path: `/v1/products/${sku}`,
    route: '/v1/products/{sku}',
    pathParameters: { sku },
    body,
    headers,
    token: adminToken(),
  });
const list = (query: Record<string, string>) => invoke(listProducts, { method: 'GET', path: '/v1/products', query });
const storedProduct = async (sku: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: { PK: `PRODUCT#${sku}`, SK: '#PRODUCT' } }))).Item;

describe('catalog endpoints against DynamoDB Local', () => {
  it('creates a product: 201 with Location and ETag, every optional field null, available 0', async () => {
    const sku = uniqueSku();
    const res = await create({ sku, name: 'Mug', price: 1290, category: 'Kitchen' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/products/${sku}`);
    expect(res.headers.etag).toMatch(/^"/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      sku,
      name: 'Mug',
      description: null,
      price: 1290,
      currency: 'EUR',
      category: 'Kitchen',
      imageUrl: null,
      active: true,
      options: [],
      variants: [],
      weight: null,
      taxClass: 'standard',
      available: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('refuses a duplicate sku with 409 PRODUCT_EXISTS and keeps the first product', async () => {
    const sku = uniqueSku();
    await create({ sku, name: 'First', price: 100, category: 'Kitchen' });
    const res = await create({ sku, name: 'Second', price: 200, category: 'Kitchen' });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('PRODUCT_EXISTS');
    expect((await storedProduct(sku))?.name).toBe('First');
  });

  it('refuses a customer with 403 and writes nothing', async () => {
    const sku = uniqueSku();
    const res = await create({ sku, name: 'Mug', price: 100, category: 'Kitchen' }, customerToken());
    expect(res.status).toBe(403);
    expect(await storedProduct(sku)).toBeUndefined();
  });

  it('serves a product publicly with a strong ETag and a public cache policy, and 304 for a current copy', async () => {
    const sku = uniqueSku();
    await create({ sku, name: 'Mug', price: 100, category: 'Kitchen' });
    const first = await get(sku);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const etag = first.headers.etag as string;
    const cached = await get(sku, { 'If-None-Match': etag });
    expect(cached.status).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers['content-type']).toBeUndefined();
    expect(cached.headers.etag).toBe(etag);
    const stale = await get(sku, { 'If-None-Match': '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it('shows stock changes in available and in the ETag', async () => {
    const sku = uniqueSku();
    await create({ sku, name: 'Mug', price: 100, category: 'Kitchen' });
    const before = await get(sku);
    const put = await invoke(putInventory, {
      method: 'PUT',
      path: `/v1/inventory/${sku}`,
      pathParameters: { sku },
      body: { onHand: 7 },
      token: adminToken(),
    });
    expect(put.status).toBe(200);
    const after = await get(sku);
    expect(after.json.available).toBe(7);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('answers 404 PRODUCT_NOT_FOUND for unknown and for inactive products', async () => {
    expect((await get(uniqueSku())).json.code).toBe('PRODUCT_NOT_FOUND');
    const sku = uniqueSku();
    await create({ sku, name: 'Hidden', price: 100, category: 'Kitchen', active: false });
    const res = await get(sku);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('shows an inactive product to an admin only, uncached, with the ETag a PATCH needs', async () => {
    const sku = uniqueSku();
    const created = await create({ sku, name: 'Hidden', price: 100, category: 'Kitchen', active: false });
    const asAdmin = await get(sku, { Authorization: `Bearer ${adminToken()}` });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json).toMatchObject({ sku, name: 'Hidden', active: false });
    expect(asAdmin.headers['cache-control']).toBe('private, no-store');
    expect(asAdmin.headers.etag).toBe(created.headers.etag);
    // A customer's token, or one that is not valid, reads as anyone: 404, not 401.
    for (const authorization of [`Bearer ${customerToken('c-catalog')}`, 'Bearer not.a.token', 'Basic abc']) {
      const res = await get(sku, { Authorization: authorization });
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('PRODUCT_NOT_FOUND');
    }
    const shown = await patch(sku, { active: true }, { 'If-Match': asAdmin.headers.etag as string });
    expect(shown.status).toBe(200);
    const asAnyone = await get(sku);
    expect(asAnyone.status).toBe(200);
    expect(asAnyone.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });

  it('patches with a current If-Match, refuses a stale one with 412 and leaves the product as it was', async () => {
    const sku = uniqueSku();
    const created = await create({ sku, name: 'Mug', price: 100, category: 'Kitchen' });
    const ok = await patch(sku, { price: 150, description: 'Blue' }, { 'If-Match': created.headers.etag as string });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ price: 150, description: 'Blue', name: 'Mug' });
    const stale = await patch(sku, { price: 999 }, { 'If-Match': created.headers.etag as string });
    expect(stale.status).toBe(412);
    expect(stale.json.code).toBe('PRECONDITION_FAILED');
    expect((await storedProduct(sku))?.price).toBe(150);
  });

  it('refuses server-owned or unknown fields in a patch and stores nothing of it', async () => {
    const sku = uniqueSku();
    await create({ sku, name: 'Mug', price: 100, category: 'Kitchen' });
    const res = await patch(sku, { price: 1, currency: 'USD', available: 1000 });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['available', 'currency']);
    expect(await storedProduct(sku)).toMatchObject({ price: 100, currency: 'EUR' });
  });

  it('lists active products of a category by sku, page by page, and leaves deactivated ones out', async () => {
    const category = uniqueCategory();
    const skus = Array.from({ length: 5 }, () => uniqueSku('L')).sort();
    for (const sku of skus) await create({ sku, name: sku, price: 100, category });
    await patch(skus[1] as string, { active: false });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { category, limit: '2', ...(cursor ? { cursor } : {}) };
      const page = await list(query);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toMatch(/^public/);
      seen.push(...page.json.items.map((p: { sku: string }) => p.sku));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(skus.filter((_, index) => index !== 1));
  });

  it('moves a product between category lists when its category changes', async () => {
    const [from, to] = [uniqueCategory(), uniqueCategory()];
    const sku = uniqueSku();
    await create({ sku, name: 'Mover', price: 100, category: from });
    await patch(sku, { category: to });
    expect((await list({ category: from })).json.items).toEqual([]);
    expect((await list({ category: to })).json.items.map((p: { sku: string }) => p.sku)).toEqual([sku]);
  });

  it('refuses a cursor of another category with 400 INVALID_CURSOR', async () => {
    const category = uniqueCategory();
    for (let i = 0; i < 2; i++) await create({ sku: uniqueSku(), name: 'x', price: 1, category });
    const first = await list({ category, limit: '1' });
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const res = await list({ category: uniqueCategory(), cursor: first.json.nextCursor });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_CURSOR');
  });
});
