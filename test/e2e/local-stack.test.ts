import { type LocalStack, startLocalStack } from '../support/local-stack';

/**
 * `npm start`, driven like a client would: the health, the docs, the seeded catalog, an admin
 * creating and stocking a product, a customer being refused, and Ctrl-C leaving nothing behind.
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const api = (path: string, init: RequestInit = {}) => fetch(`${stack.baseUrl}${path}`, init);

const json = (token: string, body: unknown): RequestInit => ({
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface ProductBody {
  sku: string;
  category: string;
  available: number;
}

test('the health check reports the database and the queues as ok', async () => {
  const response = await api('/v1/health');

  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok', checks: { dynamodb: 'ok', queues: 'ok' } });
});

test('the API reference is an HTML page, and the OpenAPI document is version 3.1', async () => {
  const docs = await api('/docs');
  const openapi = await api('/v1/openapi.json');

  expect(docs.status).toBe(200);
  expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await docs.text()).toMatch(/<html/i);
  expect(openapi.status).toBe(200);
  expect((await openapi.json()) as { openapi: string }).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./) });
});

test('the first start seeds a catalog of at least 20 products in at least 4 categories, all in stock', async () => {
  const products: ProductBody[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await api(`/v1/products?limit=7${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: ProductBody[]; nextCursor: string | null };
    products.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 50);

  expect(pages).toBeGreaterThan(1);
  expect(new Set(products.map((product) => product.sku)).size).toBe(products.length);
  expect(products.length).toBeGreaterThanOrEqual(20);
  expect(new Set(products.map((product) => product.category)).size).toBeGreaterThanOrEqual(4);
  expect(products.filter((product) => product.available <= 0)).toEqual([]);
});

test('an admin creates a product and stocks it, and the public sees it available', async () => {
  const admin = stack.token('e2e-admin', 'admin');
  const sku = `E2E-${Date.now().toString(36).toUpperCase()}`;

  const created = await api('/v1/products', {
    method: 'POST',
    ...json(admin, { sku, name: 'End-to-end test lamp', price: 4200, category: 'Home' }),
  });
  const stocked = await api(`/v1/inventory/${sku}`, { method: 'PUT', ...json(admin, { onHand: 5 }) });
  const read = await api(`/v1/products/${sku}`);

  expect(created.status).toBe(201);
  expect(stocked.status).toBe(200);
  expect(await stocked.json()).toEqual({ sku, onHand: 5, reserved: 0, available: 5 });
  expect(read.status).toBe(200);
  expect(await read.json()).toMatchObject({ sku, available: 5 });
});

test('a customer may not create products', async () => {
  const customer = stack.token('e2e-customer', 'customer');

  const response = await api('/v1/products', {
    method: 'POST',
    ...json(customer, { sku: 'E2E-FORBIDDEN', name: 'Not allowed', price: 100, category: 'Home' }),
  });

  expect(response.status).toBe(403);
});

test('unknown routes are 404 ROUTE_NOT_FOUND and wrong methods 405, as problem documents', async () => {
  const unknown = await api('/v1/no-such-thing');
  const wrongMethod = await api('/v1/products', { method: 'DELETE' });

  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toBe('application/problem+json');
  expect(await unknown.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  expect(await wrongMethod.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
});

test('every response carries its own request id and the security headers', async () => {
  const [first, second] = await Promise.all([api('/v1/health'), api('/v1/health')]);
  const echoed = await api('/v1/health', { headers: { 'x-request-id': 'client-trace-42' } });

  expect(first.headers.get('x-request-id')).toEqual(expect.any(String));
  expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  expect(echoed.headers.get('x-request-id')).toBe('client-trace-42');
  expect(first.headers.get('x-content-type-options')).toBe('nosniff');
  expect(first.headers.get('x-frame-options')).toBe('DENY');
  expect(first.headers.get('strict-transport-security')).toMatch(/max-age=/);
});

test('a public product read can be revalidated with its ETag (304)', async () => {
  const first = await api('/v1/products/MUG-CLASSIC-01');
  const etag = first.headers.get('etag') ?? '';
  const again = await api('/v1/products/MUG-CLASSIC-01', { headers: { 'if-none-match': etag } });

  expect(first.status).toBe(200);
  expect(first.headers.get('cache-control')).toMatch(/^public, max-age=/);
  expect(again.status).toBe(304);
});

test('a customer fills a cart, orders it with an Idempotency-Key, reads and cancels the order', async () => {
  const customer = stack.token(`e2e-shopper-${Date.now()}`, 'customer');
  const auth = { authorization: `Bearer ${customer}`, 'content-type': 'application/json' };
  const put = await api('/v1/cart/items/MUG-CLASSIC-01', {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ quantity: 2 }),
  });
  expect(put.status).toBe(200);

  const order = {
    shippingAddress: { name: 'E2E', line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
    paymentToken: 'tok_visa',
  };
  const headers = { ...auth, 'idempotency-key': `e2e-${Date.now()}` };
  const placed = await api('/v1/orders', { method: 'POST', headers, body: JSON.stringify(order) });
  const replayed = await api('/v1/orders', { method: 'POST', headers, body: JSON.stringify(order) });
  const placedBody = (await placed.json()) as { orderId: string; status: string; items: Array<{ sku: string }> };

  expect(placed.status).toBe(201);
  expect(placedBody).toMatchObject({ status: 'PENDING_PAYMENT', items: [{ sku: 'MUG-CLASSIC-01', quantity: 2 }] });
  expect(replayed.status).toBe(201);
  expect(((await replayed.json()) as { orderId: string }).orderId).toBe(placedBody.orderId);

  const read = await api(`/v1/orders/${placedBody.orderId}`, { headers: auth });
  expect(read.status).toBe(200);
  const cart = (await (await api('/v1/cart', { headers: auth })).json()) as { items: unknown[] };
  expect(cart.items).toEqual([]);

  const cancelled = await api(`/v1/orders/${placedBody.orderId}/cancel`, { method: 'POST', headers: auth });
  expect(cancelled.status).toBe(200);
  expect(await cancelled.json()).toMatchObject({ status: 'CANCELLED' });
});

test('Ctrl-C stops every process the stack started', async () => {
  const pids = stack.pids();
  expect(pids.pid).toEqual(expect.any(Number));
  expect(pids.dynamodbPid).toEqual(expect.any(Number));
  expect(pids.offlinePid).toEqual(expect.any(Number));

  const result = await stack.stop();

  expect(result.leftovers).toEqual([]);
}, 60_000);
