import { randomUUID } from 'node:crypto';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getProduct } from '../../functions/http/get-product';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as searchProducts, searchProductsHandler } from '../../functions/http/search-products';
import { handler as updateProduct } from '../../functions/http/update-product';
import { createDynamoCatalogRepository } from '../../shared/adapters/dynamo/dynamo-catalog-repository';
import { createDynamoSearchSnapshotStore } from '../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { buildEmbeddedSearchIndex } from '../../shared/adapters/search/embedded-search-index';
import { cursorCodec, table } from '../../shared/container/clients';
import { buildProductSearch, SNAPSHOT_CHECK_INTERVAL_MS } from '../../shared/container/search';
import { buildSearchDocument, type SearchDocument } from '../../shared/domain/search/search-document';
import { PRODUCT_SEARCH_INDEX } from '../../shared/domain/search/search-ports';
import type { Clock } from '../../shared/lib/clock';
import { invoke } from '../support/http-event';
import { adminToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';

const db = testDocumentClient();
const catalog = createDynamoCatalogRepository(db, tableName());
afterAll(() => db.destroy());

/** A clock the test moves by hand, so the snapshot check interval passes without waiting. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.now();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

interface Fixture {
  key: string;
  name: string;
  description?: string;
  price: number;
  category: string;
  onHand: number;
}

/** The fixed catalog the searches run over (each run under skus of its own). */
const FIXTURES: Fixture[] = [
  {
    key: 'blueMug',
    name: 'Blue Ceramic Mug',
    description: 'Holds a big coffee',
    price: 1200,
    category: 'Kitchen',
    onHand: 5,
  },
  {
    key: 'redMug',
    name: 'Red Ceramic Mug',
    description: 'Holds a small tea',
    price: 900,
    category: 'Kitchen',
    onHand: 0,
  },
  { key: 'cup', name: 'Espresso Cup', description: 'A small ceramic cup', price: 700, category: 'Kitchen', onHand: 3 },
  { key: 'vase', name: 'Ceramic Vase', description: 'For flowers', price: 2500, category: 'Home', onHand: 2 },
  { key: 'lamp', name: 'Reading Lamp', description: 'Warm light', price: 4500, category: 'Home', onHand: 1 },
  {
    key: 'linen',
    name: 'Linen Shirt',
    description: 'Breathes in summer',
    price: 3900,
    category: 'Apparel',
    onHand: 10,
  },
  { key: 'cotton', name: 'Cotton Shirt', description: 'Soft and plain', price: 2900, category: 'Apparel', onHand: 0 },
  { key: 'chair', name: 'Garden Chair', description: 'Folds flat', price: 5900, category: 'Garden', onHand: 4 },
];

const admin = { token: adminToken() };

async function createFixture(fixture: Fixture): Promise<string> {
  const sku = uniqueSku('SRCH');
  const { key: _key, onHand, ...body } = fixture;
  const created = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, ...body },
    ...admin,
  });
  expect(created.status).toBe(201);
  if (onHand > 0) {
    const stocked = await invoke(putInventory, {
      method: 'PUT',
      path: `/v1/inventory/${sku}`,
      route: '/v1/inventory/{sku}',
      pathParameters: { sku },
      body: { onHand },
      ...admin,
    });
    expect(stocked.status).toBe(200);
  }
  return sku;
}

/** The search document of a product as it is in the table now (what the index worker will build). */
async function documentOf(sku: string): Promise<SearchDocument> {
  const found = await catalog.get(sku, { consistent: true });
  if (!found) throw new Error(`no product ${sku}`);
  return buildSearchDocument(found);
}

async function snapshotOf(skus: string[], version: number): Promise<Buffer> {
  const documents = await Promise.all(skus.map(documentOf));
  // What the index worker stores: the index's snapshot (encodeSnapshot of its documents and engine).
  return buildEmbeddedSearchIndex(documents, { version }).snapshot();
}

/** A search function over an index of its own (none saved yet), with a clock the test moves. */
function searchFunction() {
  const index = `test-${randomUUID()}`;
  const clock = manualClock();
  const store = createDynamoSearchSnapshotStore({ db, tableName: tableName(), index, clock });
  const service = buildProductSearch(table(), { cursors: cursorCodec(), currency: 'EUR', index, clock });
  const handler = searchProductsHandler(() => service);
  const search = (query: Record<string, string> = {}) => invoke(handler, { method: 'GET', path: '/v1/search', query });
  return { store, clock, search };
}

const skusOf = (res: { json: { items: Array<{ sku: string }> } }) => res.json.items.map((item) => item.sku);

describe('GET /v1/search against DynamoDB Local', () => {
  const sku: Record<string, string> = {};
  let all: string[];
  /** A function whose index holds the fixed catalog (version 1). */
  let fixed: ReturnType<typeof searchFunction>;

  beforeAll(async () => {
    for (const fixture of FIXTURES) sku[fixture.key] = await createFixture(fixture);
    all = Object.values(sku);
    fixed = searchFunction();
    expect(await fixed.store.save({ version: 1, bytes: await snapshotOf(all, 1) })).toBe('saved');
  });

  it('answers an empty result, not an error, before any snapshot was saved', async () => {
    const { search } = searchFunction();
    const res = await search({ q: 'mug' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ items: [], nextCursor: null, total: 0, facets: { category: [] } });
  });

  it('finds every word, filters by category and stock, and sorts by price', async () => {
    const byPrice = await fixed.search({ q: 'ceramic', category: 'Kitchen', sort: 'price-asc' });
    expect(byPrice.status).toBe(200);
    expect(skusOf(byPrice)).toEqual([sku.cup, sku.redMug, sku.blueMug]);
    expect(byPrice.json.total).toBe(3);

    const inStock = await fixed.search({ q: 'ceramic', category: 'Kitchen', sort: 'price-desc', inStock: 'true' });
    expect(skusOf(inStock)).toEqual([sku.blueMug, sku.cup]);

    const twoWords = await fixed.search({ q: 'BLUE céramic' });
    expect(skusOf(twoWords)).toEqual([sku.blueMug]);

    const priced = await fixed.search({ q: 'shirt', minPrice: '3000', maxPrice: '4000' });
    expect(skusOf(priced)).toEqual([sku.linen]);
  });

  it('ranks a match in the name above one in the description', async () => {
    const res = await fixed.search({ q: 'ceramic', category: 'Kitchen' });
    expect(skusOf(res)).toHaveLength(3);
    expect(skusOf(res).at(-1)).toBe(sku.cup);
  });

  it('answers each product as GET /v1/products/{sku} shows it to anyone, with a short public cache', async () => {
    const res = await fixed.search({ q: 'vase' });
    expect(res.headers['cache-control']).toMatch(/^public, max-age=[0-5]$/);
    const vaseSku = sku.vase as string;
    const single = await invoke(getProduct, {
      method: 'GET',
      path: `/v1/products/${vaseSku}`,
      route: '/v1/products/{sku}',
      pathParameters: { sku: vaseSku },
    });
    expect(res.json.items).toEqual([single.json]);
    expect(single.json.available).toBe(2);
  });

  it('counts facets per category over the other filters, and they add up to the total', async () => {
    const res = await fixed.search({ q: 'ceramic' });
    expect(res.json.total).toBe(4);
    expect(res.json.facets.category).toEqual([
      { value: 'Kitchen', count: 3 },
      { value: 'Home', count: 1 },
    ]);
    const counted = res.json.facets.category.reduce((sum: number, facet: { count: number }) => sum + facet.count, 0);
    expect(counted).toBe(res.json.total);

    // A category picked still shows what the others hold.
    const picked = await fixed.search({ q: 'ceramic', category: 'Home' });
    expect(picked.json.total).toBe(1);
    expect(picked.json.facets.category).toEqual(res.json.facets.category);
  });

  it('pages with the cursor through every match once, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await fixed.search({ sort: 'price-asc', limit: '3', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(all.length);
      seen.push(...skusOf(res));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...all].sort());
  });

  it('refuses a tampered cursor, or one of another search, with 400 INVALID_CURSOR', async () => {
    const first = await fixed.search({ q: 'ceramic', limit: '1' });
    const cursor = first.json.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const flipped = `${cursor.slice(0, -2)}${cursor.at(-2) === 'A' ? 'B' : 'A'}${cursor.at(-1)}`;

    for (const query of [
      { q: 'ceramic', limit: '1', cursor: flipped },
      { q: 'shirt', limit: '1', cursor },
    ]) {
      const res = await fixed.search(query);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json).toMatchObject({ status: 400, code: 'INVALID_CURSOR', requestId: expect.any(String) });
    }
  });

  it.each([
    ['q of 201 characters', { q: 'a'.repeat(201) }, 'q'],
    ['a blank q', { q: '   ' }, 'q'],
    ['limit 0', { limit: '0' }, 'limit'],
    ['limit 101', { limit: '101' }, 'limit'],
    ['minPrice above maxPrice', { minPrice: '500', maxPrice: '100' }, 'minPrice'],
    ['a negative price', { minPrice: '-1' }, 'minPrice'],
    ['a price with cents', { maxPrice: '9.5' }, 'maxPrice'],
    ['an unknown sort', { sort: 'cheapest' }, 'sort'],
    ['inStock that is not true or false', { inStock: 'yes' }, 'inStock'],
    ['an unknown parameter', { colour: 'blue' }, 'colour'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_name, query, path) => {
    const res = await fixed.search(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('shows a newer snapshot once the check interval has passed', async () => {
    const { store, clock, search } = searchFunction();
    await store.save({ version: 1, bytes: await snapshotOf([sku.chair as string], 1) });
    expect(skusOf(await search({ q: 'chair' }))).toEqual([sku.chair]);

    const stool = await createFixture({
      key: 'stool',
      name: 'Garden Stool',
      price: 3100,
      category: 'Garden',
      onHand: 1,
    });
    await store.save({ version: 2, bytes: await snapshotOf([sku.chair as string, stool], 2) });
    // Within the interval the held index answers without asking the store.
    expect(skusOf(await search({ q: 'garden', sort: 'price-asc' }))).toEqual([sku.chair]);

    clock.advance(SNAPSHOT_CHECK_INTERVAL_MS + 1);
    const after = await search({ q: 'garden', sort: 'price-asc' });
    expect(skusOf(after)).toEqual([stool, sku.chair]);
    expect(after.json.total).toBe(2);
  });

  it('leaves out a product deactivated in the table after the snapshot was taken', async () => {
    const { store, search } = searchFunction();
    const lamp = await createFixture({ key: 'lamp2', name: 'Desk Lamp', price: 3500, category: 'Home', onHand: 2 });
    await store.save({ version: 1, bytes: await snapshotOf([lamp, sku.lamp as string], 1) });
    expect([...skusOf(await search({ q: 'lamp' }))].sort()).toEqual([lamp, sku.lamp].sort());

    const deactivated = await invoke(updateProduct, {
      method: 'PATCH',
      path: `/v1/products/${lamp}`,
      route: '/v1/products/{sku}',
      pathParameters: { sku: lamp },
      body: { active: false },
      ...admin,
    });
    expect(deactivated.status).toBe(200);

    expect(skusOf(await search({ q: 'lamp' }))).toEqual([sku.lamp]);
  });

  it('is wired to the products index in the deployed function', async () => {
    const store = createDynamoSearchSnapshotStore({
      db,
      tableName: tableName(),
      index: PRODUCT_SEARCH_INDEX,
      clock: { now: () => new Date() },
    });
    // Above any version an earlier save in this run could have made current.
    const version = Math.floor(Date.now() / 1000);
    expect(await store.save({ version, bytes: await snapshotOf([sku.linen as string], version) })).toBe('saved');
    const res = await invoke(searchProducts, { method: 'GET', path: '/v1/search', query: { q: 'linen' } });
    expect(res.status).toBe(200);
    expect(skusOf(res)).toEqual([sku.linen]);
  });
});
