import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { launch } from 'puppeteer-core';
import { createCartwheelClient } from '../../clients/typescript';
import { repoRoot } from '../../scripts/local/paths';
import { fuzzApi } from '../support/api-fuzz';
import { chromiumPath } from '../support/chromium';
import { readOutbox } from '../support/eml';
import { burst, catalogCrowd, checkoutCrowd, countByStatus, stockedProduct } from '../support/local-load';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { sandboxShipment } from '../support/sandbox-carrier';
import { startWebhookReceiver, verifiesSignature } from '../support/webhook-receiver';

/** An event as a webhook receiver gets it (the order's events carry the order). */
interface DeliveredEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: { order?: { orderId: string; status: string } };
}

/**
 * `npm start`, driven like a client would: the health, the docs, the seeded catalog, an admin
 * creating and stocking a product, a customer being refused, and Ctrl-C leaving nothing behind.
 */
let stack: LocalStack;
const ALLOWED_ORIGIN = 'https://shop.example';

beforeAll(async () => {
  // One allowed origin, so the preflight test below sees the policy applied both ways.
  // Parcels travel a step every 1.5 s (in transit, out for delivery, delivered), reported by the sandbox carrier's webhooks.
  stack = await startLocalStack({
    env: { ...process.env, CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN, SANDBOX_CARRIER_STEP_MS: '1500' },
  });
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

test('the API reference renders in headless Chromium: every operation of the document, and Try it out works', async () => {
  const document = (await (await api('/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
    webhooks: Record<string, Record<string, unknown>>;
  };
  // The operations, and the webhooks (the events we send), which the page lists under their names.
  const documented = [...Object.entries(document.paths), ...Object.entries(document.webhooks)]
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
  const browser = await launch({
    executablePath: chromiumPath(),
    headless: true,
    // As root (CI), Chromium refuses its sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text());
    });
    page.on('pageerror', (error) => refused.push(`page error: ${String(error)}`));
    page.on('requestfailed', (request) => refused.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.url()}: ${response.status()}`);
    });
    // Asked as `/docs/`, which the local server serves as `/docs`: the page's URLs hold either way.
    await page.goto(`${stack.baseUrl}/docs/`, { waitUntil: 'networkidle0', timeout: 20_000 });
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const shown = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    expect([...new Set(shown)].sort()).toEqual(documented);

    // Try it out, against the same origin: the health check's Execute gets its 200.
    await page.click('#operations-Platform-getHealth .opblock-summary-control');
    await page.waitForSelector('#operations-Platform-getHealth .execute', { timeout: 10_000 });
    await page.click('#operations-Platform-getHealth .execute');
    await page.waitForSelector(
      '#operations-Platform-getHealth .live-responses-table tr.response .response-col_status',
      {
        timeout: 10_000,
      },
    );
    const status = await page.$eval(
      '#operations-Platform-getHealth .live-responses-table tr.response .response-col_status',
      (cell) => cell.textContent?.trim(),
    );
    expect(status).toMatch(/^200/);
    // No file refused (a CSP violation, a missing asset) on the way.
    expect(refused).toEqual([]);
  } finally {
    await browser.close();
  }
}, 120_000);

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
  expect(again.headers.get('content-type')).toBeNull();
});

/**
 * A request sent exactly as written: fetch resolves `..` and `%2e%2e` in the URL before it sends
 * anything, and always labels a string body text/plain.
 */
function rawRequest(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(stack.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: target, headers, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a body without Content-Type is 415, as in AWS (serverless-offline would call it JSON)', async () => {
  const customer = stack.token(`e2e-no-type-${Date.now()}`, 'customer');
  const body = JSON.stringify({ quantity: 1 });

  const res = await rawRequest(
    'PUT',
    '/v1/cart/items/MUG-CLASSIC-01',
    { authorization: `Bearer ${customer}`, 'content-length': String(Buffer.byteLength(body)) },
    body,
  );

  expect(res.status).toBe(415);
  expect(JSON.parse(res.body)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
});

/** Puts two classic mugs in the customer's cart; the headers of their JSON requests. */
async function cartOfTwoMugs(customer: string) {
  const auth = { authorization: `Bearer ${customer}`, 'content-type': 'application/json' };
  const put = await api('/v1/cart/items/MUG-CLASSIC-01', {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ quantity: 2 }),
  });
  expect(put.status).toBe(200);
  return auth;
}

test('a dot segment in the path is 400 and never reaches the route it resolves to', async () => {
  const customer = stack.token(`e2e-dots-${Date.now()}`, 'customer');
  const admin = stack.token('e2e-admin', 'admin');
  const auth = await cartOfTwoMugs(customer);

  const emptied = await rawRequest('DELETE', '/v1/cart/items/%2e%2e', { authorization: `Bearer ${customer}` });
  const plain = await rawRequest('DELETE', '/v1/cart/items/..', { authorization: `Bearer ${customer}` });
  const listed = await rawRequest('GET', '/v1/discounts/.', { authorization: `Bearer ${admin}` });

  for (const res of [emptied, plain, listed]) {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'VALIDATION_FAILED' });
  }
  const cart = (await (await api('/v1/cart', { headers: auth })).json()) as { items: Array<{ quantity: number }> };
  expect(cart.items).toEqual([expect.objectContaining({ sku: 'MUG-CLASSIC-01', quantity: 2 })]);
});

test('preflights are answered by our CORS policy, never by reflecting the origin', async () => {
  const preflight = (origin: string) =>
    rawRequest('OPTIONS', '/v1/cart/items/MUG-CLASSIC-01', {
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization, content-type',
    });
  const allowed = await preflight(ALLOWED_ORIGIN);
  const stranger = await preflight('https://evil.example');

  expect(allowed.status).toBe(204);
  expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  expect(allowed.headers['access-control-allow-methods']).toBe('PUT, DELETE');
  expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
  expect(stranger.status).toBe(204);
  expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  expect(stranger.headers['access-control-allow-credentials']).toBeUndefined();
  expect(stranger.headers.vary).toMatch(/^Origin\b/);
  for (const res of [allowed, stranger]) {
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.body).toBe('');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  }
});

test('what the local web server refuses by itself is a problem document with our headers', async () => {
  const badEscape = await rawRequest('GET', '/v1/products/%E0%A4%A');
  const badType = await rawRequest(
    'PUT',
    '/v1/cart/items/MUG-CLASSIC-01',
    { 'content-type': 'application/json, text/plain', 'content-length': '2' },
    '{}',
  );

  for (const res of [badEscape, badType]) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(res.body) as { status: number; requestId: string };
    expect(problem.status).toBe(res.status);
    expect(problem.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  }
});

test('a JSON body of false or 0 is read as its text, as from API Gateway: a 400 problem document', async () => {
  const customer = stack.token(`e2e-falsy-${Date.now()}`, 'customer');
  const headers = { authorization: `Bearer ${customer}`, 'content-type': 'application/json' };

  for (const body of ['false', '0']) {
    const res = await api('/v1/cart/items/MUG-CLASSIC-01', { method: 'PUT', headers, body });

    expect({ body, status: res.status, type: res.headers.get('content-type') }).toEqual({
      body,
      status: 400,
      type: 'application/problem+json',
    });
    expect(await res.json()).toMatchObject({ status: 400, requestId: res.headers.get('x-request-id') });
  }
});

test('a customer fills a cart, orders it with an Idempotency-Key, reads and cancels the order', async () => {
  const customer = stack.token(`e2e-shopper-${Date.now()}`, 'customer');
  const auth = await cartOfTwoMugs(customer);

  const order = {
    shippingAddress: { name: 'E2E', line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
    // The gateway never answers this one, so the order stays cancellable: a tok_visa order may be
    // paid and shipped by the workers before the cancel arrives.
    paymentToken: 'tok_gatewayError',
  };
  // The demo shop's methods deliver to Germany; the quote shows what checkout then charges.
  const options = (await (await api('/v1/cart/shipping-options?country=DE', { headers: auth })).json()) as {
    items: Array<{ code: string; amount: number }>;
  };
  expect(options.items.map((option) => option.code)).toEqual(['standard', 'express']);
  const quote = (await (await api('/v1/cart?country=DE', { headers: auth })).json()) as Record<string, unknown>;
  expect(quote).toMatchObject({ shipping: options.items[0]?.amount, shippingMethod: { code: 'standard' } });
  expect(quote.tax).toBeGreaterThan(0);
  const headers = { ...auth, 'idempotency-key': `e2e-${Date.now()}` };
  const body = JSON.stringify({ ...order, expectedTotal: quote.total });
  const placed = await api('/v1/orders', { method: 'POST', headers, body });
  const replayed = await api('/v1/orders', { method: 'POST', headers, body });
  const placedBody = (await placed.json()) as { orderId: string; status: string; items: Array<{ sku: string }> };

  expect(placed.status).toBe(201);
  expect(placedBody).toMatchObject({
    status: 'PENDING_PAYMENT',
    items: [{ sku: 'MUG-CLASSIC-01', quantity: 2 }],
    shipping: quote.shipping,
    shippingMethod: quote.shippingMethod,
    tax: quote.tax,
    total: quote.total,
  });
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

describe('after checkout, the workers take over', () => {
  interface OrderView {
    orderId: string;
    status: string;
    shipment: { carrier: string; trackingNumber: string } | null;
    refunded: number;
    events: Array<{ type: string; at: string }>;
  }

  const shippingAddress = {
    name: 'E2E',
    line1: '1 Test Street',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  } as const;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();

  /** A product of the test's own with `onHand` units, so its stock figures are the test's alone. */
  async function ownProduct(onHand: number, price: number): Promise<string> {
    const admin = stack.token('e2e-admin', 'admin');
    const sku = `E2E-${unique()}`;
    const created = await api('/v1/products', {
      method: 'POST',
      ...json(admin, { sku, name: `E2E ${sku}`, price, category: 'Home' }),
    });
    const stocked = await api(`/v1/inventory/${sku}`, { method: 'PUT', ...json(admin, { onHand }) });
    expect([created.status, stocked.status]).toEqual([201, 200]);
    return sku;
  }

  /**
   * A customer whose sign-in account has a verified e-mail address (recorded as `npm run token --
   * --email` does; the tokens carry none) and whose profile shows another one they typed with
   * PUT /v1/me, which nobody verified and which must never get their order e-mails.
   */
  async function customerWithEmail(): Promise<{ token: string; email: string }> {
    const sub = `e2e-buyer-${unique().toLowerCase()}`;
    const email = `${sub}@example.com`;
    const token = stack.token(sub, 'customer', email);
    const profile = await api('/v1/me', { method: 'PUT', ...json(token, { email: `typed-${sub}@example.org` }) });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ email: `typed-${sub}@example.org`, emailVerified: false });
    return { token, email };
  }

  /** A customer's token as the README gets one: `npm run -s token -- --sub … --role customer --email …`. */
  function tokenFromTheCli(sub: string, email: string): string {
    const args = ['run', '-s', 'token', '--', '--sub', sub, '--role', 'customer', '--email', email];
    // A developer's shell: no AUTH_MODE (the integration project's setup may have exported one).
    const { AUTH_MODE: _authMode, ...shell } = process.env;
    const env = { ...shell, CARTWHEEL_LOCAL_DIR: stack.localDir };
    return execFileSync('npm', args, { cwd: repoRoot, env, encoding: 'utf8' }).trim();
  }

  async function order(
    token: string,
    sku: string,
    quantity: number,
    paymentToken: string,
    requestId?: string,
  ): Promise<OrderView> {
    const response = await api('/v1/orders', {
      method: 'POST',
      headers: {
        ...bearer(token),
        'content-type': 'application/json',
        'idempotency-key': `e2e-${unique()}`,
        ...(requestId !== undefined && { 'x-request-id': requestId }),
      },
      body: JSON.stringify({ items: [{ sku, quantity }], shippingAddress, paymentToken }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as OrderView;
  }

  /** Polls until `done` holds (every 250 ms, at most 60 s: the bound only keeps a broken stack from hanging). */
  async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const readOrder = async (token: string, orderId: string) =>
    (await (await api(`/v1/orders/${orderId}`, { headers: bearer(token) })).json()) as OrderView;

  const eventTypesOf = (view: OrderView) => view.events.map((event) => event.type);

  const settled = (token: string, orderId: string, status: string) =>
    eventually(
      () => readOrder(token, orderId),
      (view) => view.status === status,
      `order ${orderId} to be ${status}`,
    );

  const inventory = async (sku: string) =>
    (await api(`/v1/inventory/${sku}`, { headers: bearer(stack.token('e2e-admin', 'admin')) })).json();

  /** The stack's own outbox (EMAIL_OUTBOX_DIR of `npm start` is `<data dir>/outbox`): the order's e-mails. */
  const mailsOf = async (orderId: string) =>
    (await readOutbox(path.join(stack.localDir, 'outbox'))).filter(({ file }) => file.startsWith(`${orderId}-`));

  test('a tok_visa order is paid, shipped, delivered by the carrier on its own (each step e-mailed to the verified address), then one unit returned and refunded', async () => {
    const { token, email } = await customerWithEmail();
    const sku = await ownProduct(5, 2500);

    const placed = await order(token, sku, 2, 'tok_visa');
    const shipped = await settled(token, placed.orderId, 'SHIPPED');

    expect(shipped.shipment).toMatchObject({ ...sandboxShipment(), status: expect.any(String) });
    const trackingNumber = shipped.shipment?.trackingNumber ?? '';
    expect(trackingNumber).not.toBe('');
    expect(shipped.events.map((event) => event.type).slice(0, 3)).toEqual([
      'ORDER_PLACED',
      'PAYMENT_SUCCEEDED',
      'SHIPPED',
    ]);
    expect(await inventory(sku)).toEqual({ sku, onHand: 3, reserved: 0, available: 3 });

    // The sandbox carrier moves the parcel on and reports each step, signed, to POST /v1/webhooks/carrier.
    const delivered = await settled(token, placed.orderId, 'DELIVERED');
    expect(delivered.shipment).toEqual({
      ...sandboxShipment(),
      trackingNumber,
      status: 'DELIVERED',
      deliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(delivered.events.map((event) => event.type)).toEqual([
      'ORDER_PLACED',
      'PAYMENT_SUCCEEDED',
      'SHIPPED',
      'IN_TRANSIT',
      'OUT_FOR_DELIVERY',
      'DELIVERED',
    ]);

    const mails = await eventually(
      () => mailsOf(placed.orderId),
      (found) => found.length >= 3,
      `the e-mails of order ${placed.orderId}`,
    );
    expect(mails.map(({ file }) => file).sort()).toEqual([
      `${placed.orderId}-DELIVERED.eml`,
      `${placed.orderId}-PAID.eml`,
      `${placed.orderId}-SHIPPED.eml`,
    ]);
    for (const { message } of mails) {
      expect(message.header('to')).toBe(email);
      expect(message.header('x-cartwheel-order')).toBe(placed.orderId);
    }
    const byEvent = new Map(mails.map(({ message }) => [message.header('x-cartwheel-event'), message]));
    expect([...byEvent.keys()].sort()).toEqual(['DELIVERED', 'PAID', 'SHIPPED']);
    expect(byEvent.get('SHIPPED')?.part('text/plain')).toContain(trackingNumber);
    expect(byEvent.get('DELIVERED')?.part('text/plain')).toContain('has been delivered');

    // One of the two units comes back: the shop receives it, and the payment worker refunds its share once.
    const requested = await api(`/v1/orders/${placed.orderId}/returns`, {
      method: 'POST',
      ...json(token, { items: [{ sku, quantity: 1 }], reason: 'Ordered two by mistake' }),
    });
    expect(requested.status).toBe(201);
    const ret = (await requested.json()) as { returnId: string; refundAmount: number; status: string };
    expect(ret).toMatchObject({ status: 'REQUESTED', refundAmount: 2500 });
    const admin = stack.token('e2e-admin', 'admin');
    const received = await api(`/v1/admin/returns/${ret.returnId}/receive`, { method: 'POST', headers: bearer(admin) });
    expect(received.status).toBe(200);
    expect(await inventory(sku)).toEqual({ sku, onHand: 4, reserved: 0, available: 4 });
    const refunded = await eventually(
      () => readOrder(token, placed.orderId),
      (view) => eventTypesOf(view).includes('REFUNDED'),
      `order ${placed.orderId} to record the return's refund`,
    );
    expect(refunded.refunded).toBe(2500);
    expect(eventTypesOf(refunded).slice(6)).toEqual(['RETURN_REQUESTED', 'RETURN_RECEIVED', 'REFUNDED']);
    const returns = await api(`/v1/orders/${placed.orderId}/returns`, { headers: bearer(token) });
    expect(((await returns.json()) as { items: Array<{ status: string }> }).items.map((item) => item.status)).toEqual([
      'REFUNDED',
    ]);
    const returnMails = await eventually(
      async () => (await mailsOf(placed.orderId)).filter(({ file }) => file.includes(ret.returnId)),
      (found) => found.length >= 3,
      `the e-mails of return ${ret.returnId}`,
    );
    expect(returnMails.map(({ message }) => message.header('x-cartwheel-event')).sort()).toEqual([
      'RETURN_RECEIVED',
      'RETURN_REFUNDED',
      'RETURN_REQUESTED',
    ]);
    for (const { message } of returnMails) expect(message.header('to')).toBe(email);
    const refundMail = returnMails.find(({ message }) => message.header('x-cartwheel-event') === 'RETURN_REFUNDED');
    expect(refundMail?.message.part('text/plain')).toMatch(/refunded €25\.00/);
  }, 90_000);

  test('a tok_visa order’s events reach a registered loopback webhook receiver, signed: placed, paid, shipped, delivered in order of occurredAt', async () => {
    const receiver = await startWebhookReceiver();
    const admin = stack.token('e2e-admin', 'admin');
    const registered = await api('/v1/admin/webhook-endpoints', {
      method: 'POST',
      ...json(admin, {
        url: `${receiver.url}/hooks`,
        events: ['order.placed', 'order.paid', 'order.shipped', 'order.delivered'],
      }),
    });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };
    try {
      const { token } = await customerWithEmail();
      const placed = await order(token, await ownProduct(3, 1900), 1, 'tok_visa');
      const ofOrder = () =>
        receiver.received
          .map((request) => ({ request, event: JSON.parse(request.body) as DeliveredEvent }))
          .filter(({ event }) => event.data.order?.orderId === placed.orderId);
      const delivered = await eventually(
        async () => ofOrder(),
        (found) => new Set(found.map(({ event }) => event.type)).size >= 4,
        `the four events of order ${placed.orderId} at the receiver`,
      );
      // At least once: a repeated delivery carries the same id; receivers dedupe by it.
      const byId = new Map(delivered.map((entry) => [entry.event.id, entry]));
      const events = [...byId.values()]
        .map(({ event }) => event)
        .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      expect(events.map((event) => event.type)).toEqual([
        'order.placed',
        'order.paid',
        'order.shipped',
        'order.delivered',
      ]);
      expect(events.map((event) => event.data.order?.status)).toEqual([
        'PENDING_PAYMENT',
        'PAID',
        'SHIPPED',
        'DELIVERED',
      ]);
      for (const { request, event } of delivered) {
        expect(request.headers['cartwheel-event-id']).toBe(event.id);
        expect(verifiesSignature(request.headers['cartwheel-signature'], request.body, endpoint.secret)).toBe(true);
      }
      const listed = await api(`/v1/admin/webhook-endpoints/${endpoint.id}/deliveries?limit=100`, {
        headers: bearer(admin),
      });
      expect(listed.status).toBe(200);
      const deliveries = ((await listed.json()) as { items: Array<{ eventId: string; status: string }> }).items;
      for (const event of events)
        expect(deliveries.find((delivery) => delivery.eventId === event.id)).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      await api(`/v1/admin/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: bearer(admin) });
      await receiver.stop();
    }
  }, 90_000);

  test('one order’s log lines, in every function it goes through, carry its correlation id (the request id) and its order id', async () => {
    const receiver = await startWebhookReceiver();
    const admin = stack.token('e2e-admin', 'admin');
    const registered = await api('/v1/admin/webhook-endpoints', {
      method: 'POST',
      ...json(admin, { url: `${receiver.url}/hooks`, events: ['order.paid'] }),
    });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string };
    try {
      const { token } = await customerWithEmail();
      const requestId = `e2e-trace-${unique().toLowerCase()}`;
      const placed = await order(token, await ownProduct(2, 2500), 1, 'tok_visa', requestId);
      interface LogLine {
        function_name?: string;
        message: string;
        correlationId?: string;
        orderId?: string;
      }
      // The functions' structured lines, as `npm start` prints them (`[api]      {…}`).
      const logLines = (): LogLine[] =>
        stack
          .output()
          .split('\n')
          .flatMap((line) => {
            const start = line.indexOf('{"level"');
            if (start < 0) return [];
            try {
              return [JSON.parse(line.slice(start)) as LogLine];
            } catch {
              return [];
            }
          });
      const functionsOf = (lines: LogLine[]) =>
        new Set(lines.map((line) => (line.function_name ?? '').replace(/^cartwheel-local-/, '')));
      // Placed, paid, shipped, delivered: every step's work and events, and the paid event's webhook.
      const expected = [
        'create-order',
        'work-forwarder',
        'event-publisher',
        'payment-worker',
        'fulfilment-worker',
        'notification-worker',
        'webhook-worker',
      ];
      const traced = await eventually(
        async () => logLines().filter((line) => line.correlationId === requestId),
        (lines) =>
          expected.every((name) => functionsOf(lines).has(name)) &&
          lines.filter((line) => line.function_name?.endsWith('notification-worker')).length >= 3,
        `log lines of order ${placed.orderId} from ${expected.join(', ')} (and three e-mails)`,
      );
      expect(await readOrder(token, placed.orderId)).toMatchObject({ status: 'DELIVERED' });
      // Every line of the trace names the order...
      expect(traced.filter((line) => line.orderId !== placed.orderId)).toEqual([]);
      // ...and every line of the order's work (not requests about it, which have their own ids) is in it.
      const workers = logLines().filter(
        (line) =>
          line.orderId === placed.orderId &&
          !/-(create-order|get-order|carrier-webhook)$/.test(line.function_name ?? ''),
      );
      expect(workers.filter((line) => line.correlationId !== requestId)).toEqual([]);
      expect(functionsOf(traced)).toEqual(new Set(expected));
    } finally {
      await api(`/v1/admin/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: bearer(admin) });
      await receiver.stop();
    }
  }, 90_000);

  test('the typed client (clients/typescript) drives a checkout: the product, the order, its payment, a typed refusal', async () => {
    const { token } = await customerWithEmail();
    const sku = await ownProduct(1, 1500);
    const shop = createCartwheelClient({ baseUrl: stack.baseUrl, token });

    const product = await shop.GET('/v1/products/{sku}', { params: { path: { sku } } });
    expect(product.data).toMatchObject({ sku, price: 1500 });
    const placed = await shop.POST('/v1/orders', {
      params: { header: { 'Idempotency-Key': `e2e-${unique()}` } },
      body: { items: [{ sku, quantity: 1 }], shippingAddress, paymentToken: 'tok_visa' },
    });
    expect(placed.response.status).toBe(201);
    const orderId = placed.data?.orderId ?? '';
    const followed = await eventually(
      async () => (await shop.GET('/v1/orders/{orderId}', { params: { path: { orderId } } })).data,
      (order) => order?.payment.status === 'SUCCEEDED',
      `order ${orderId} paid, read through the client`,
    );
    expect(followed).toMatchObject({ orderId, total: placed.data?.total });
    // The last unit is gone: the refusal is the contract's problem document, typed as one.
    const refused = await shop.POST('/v1/orders', {
      params: { header: { 'Idempotency-Key': `e2e-${unique()}` } },
      body: { items: [{ sku, quantity: 1 }], shippingAddress, paymentToken: 'tok_visa' },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'OUT_OF_STOCK', status: 409 });
  }, 60_000);

  test("the demo T-shirt is found by its colour, linked by a variant's sku, and sold and e-mailed as that variant", async () => {
    const found = await api('/v1/search?q=organic%20natural&inStock=true');
    expect(found.status).toBe(200);
    expect(((await found.json()) as { items: ProductBody[] }).items.map((item) => item.sku)).toContain('TEE-ORG');
    const linked = await api('/v1/products/TEE-ORG-M-NAT');
    expect(linked.status).toBe(200);
    expect(await linked.json()).toMatchObject({ sku: 'TEE-ORG', options: [{ name: 'Size' }, { name: 'Colour' }] });
    const { token } = await customerWithEmail();
    const before = (await inventory('TEE-ORG-M-NAT')) as { onHand: number };

    const placed = await order(token, 'TEE-ORG-M-NAT', 1, 'tok_visa');
    await settled(token, placed.orderId, 'SHIPPED');

    expect(await inventory('TEE-ORG-M-NAT')).toMatchObject({ onHand: before.onHand - 1, reserved: 0 });
    const [paid] = await eventually(
      () => mailsOf(placed.orderId),
      (mails) => mails.length >= 1,
      `the PAID e-mail of order ${placed.orderId}`,
    );
    expect(paid?.message.part('text/plain')).toContain(
      'Organic cotton T-shirt, Size: M, Colour: Natural (TEE-ORG-M-NAT)',
    );
  }, 90_000);

  test('a tok_chargeDeclined order ends PAYMENT_FAILED, its stock is available again, and the customer of `npm run token -- --email` is told', async () => {
    const sub = `e2e-cli-${unique().toLowerCase()}`;
    const email = `${sub}@example.com`;
    const token = tokenFromTheCli(sub, email);
    const sku = await ownProduct(4, 1800);

    const placed = await order(token, sku, 3, 'tok_chargeDeclined');
    expect(await inventory(sku)).toMatchObject({ onHand: 4, reserved: 3, available: 1 });
    const failed = await settled(token, placed.orderId, 'PAYMENT_FAILED');

    expect(failed.events.map((event) => event.type)).toEqual(['ORDER_PLACED', 'PAYMENT_FAILED']);
    expect(failed.shipment).toBeNull();
    expect(await inventory(sku)).toEqual({ sku, onHand: 4, reserved: 0, available: 4 });
    const [mail] = await eventually(
      () => mailsOf(placed.orderId),
      (found) => found.length >= 1,
      `the e-mail of order ${placed.orderId}`,
    );
    expect(mail?.file).toBe(`${placed.orderId}-PAYMENT_FAILED.eml`);
    expect(mail?.message.header('to')).toBe(email);
  }, 90_000);

  test('the daily report of the day counts a paid order and lists its product with the quantity sold', async () => {
    const { token } = await customerWithEmail();
    const price = 3100;
    const sku = await ownProduct(10, price);
    const placed = await order(token, sku, 3, 'tok_visa');
    const paid = await eventually(
      () => readOrder(token, placed.orderId),
      (view) => view.events.some((event) => event.type === 'PAYMENT_SUCCEEDED'),
      `order ${placed.orderId} to be paid`,
    );
    // The report counts orders by the UTC day they were paid (today, but for a payment at midnight).
    const day = paid.events.find((event) => event.type === 'PAYMENT_SUCCEEDED')?.at.slice(0, 10) ?? '';
    const admin = stack.token('e2e-admin', 'admin');

    const run = await api('/v1/admin/jobs/daily-report', { method: 'POST', ...json(admin, { date: day }) });
    const report = await api(`/v1/reports/daily/${day}`, { headers: bearer(admin) });

    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ job: 'daily-report', summary: expect.any(Object) });
    expect(report.status).toBe(200);
    const body = (await report.json()) as {
      date: string;
      orders: number;
      itemsSold: number;
      revenue: number;
      topProducts: Array<{ sku: string; quantity: number; revenue: number }>;
    };
    expect(body.date).toBe(day);
    expect(body.orders).toBeGreaterThanOrEqual(1);
    expect(body.itemsSold).toBeGreaterThanOrEqual(3);
    expect(body.revenue).toBeGreaterThanOrEqual(3 * price);
    expect(body.topProducts).toContainEqual({ sku, productSku: sku, options: {}, quantity: 3, revenue: 3 * price });
  }, 90_000);
});

/**
 * A crowd at once, as users load-test the local stack: every answer is one of ours (no local
 * runtime timeout, no 5xx) and the stock comes out exact. Figures: `npm run bench` (local-load).
 */
describe('under load', () => {
  const UNITS = 40;

  test(`100 customers checking out one unit each at once: exactly ${UNITS} get it (201), the rest 409 OUT_OF_STOCK, all with our headers`, async () => {
    const sku = await stockedProduct(stack, UNITS);

    const { answers } = await burst(checkoutCrowd(stack, sku, 100));

    expect(
      answers.filter((answer) => answer.notOurs !== undefined).map(({ status, notOurs }) => ({ status, notOurs })),
    ).toEqual([]);
    expect(countByStatus(answers)).toEqual({ 201: UNITS, 409: 100 - UNITS });
    for (const refused of answers.filter((answer) => answer.status === 409))
      expect(JSON.parse(refused.body)).toMatchObject({
        status: 409,
        code: 'OUT_OF_STOCK',
        requestId: refused.requestId,
      });
    expect(new Set(answers.map((answer) => answer.requestId)).size).toBe(100);
    const admin = stack.token('e2e-admin', 'admin');
    const left = await api(`/v1/inventory/${sku}`, { headers: { authorization: `Bearer ${admin}` } });
    // Paid orders may already be shipping (onHand going down): nothing is left to sell either way.
    expect(await left.json()).toMatchObject({ available: 0 });
  }, 120_000);

  test('200 catalog reads at once all answer 200 with our headers', async () => {
    const { answers } = await burst(catalogCrowd(stack, ['MUG-CLASSIC-01', 'MUG-TRAVEL-02', 'KNIFE-CHEF-20'], 200));

    expect(
      answers.filter((answer) => answer.notOurs !== undefined).map(({ status, notOurs }) => ({ status, notOurs })),
    ).toEqual([]);
    expect(countByStatus(answers)).toEqual({ 200: 200 });
  }, 120_000);
});

// A bounded run in every `npm test`; `FUZZ_RUNS=20000 FUZZ_SEED=… npm run test:e2e` for a long one.
describe('the API, fuzzed from its own OpenAPI document', () => {
  const runs = Number(process.env.FUZZ_RUNS ?? 2000);
  const seed = Number(process.env.FUZZ_SEED ?? 20261207);

  test(`${runs} drawn requests get documented answers with our headers, schema-valid bodies and no 5xx (FUZZ_RUNS, FUZZ_SEED)`, async () => {
    const document = (await (await api('/v1/openapi.json')).json()) as Record<string, unknown>;
    const customer = stack.token('fuzz-customer', 'customer');
    // A token of the right shape whose signature the issuer never made.
    const forged = `${customer.split('.').slice(0, 2).join('.')}.${Buffer.alloc(256, 7).toString('base64url')}`;

    const result = await fuzzApi(
      {
        baseUrl: stack.baseUrl,
        document,
        tokens: { customer, admin: stack.token('fuzz-admin', 'admin'), forged },
        examples: {
          sku: ['MUG-CLASSIC-01', 'MUG-TRAVEL-02', 'KNIFE-CHEF-20', 'NO-SUCH-SKU'],
          orderId: ['ord_0123456789abcdef0123456789abcdef'],
          code: ['WELCOME10', 'NOPE'],
          date: ['2026-01-01', '2099-01-01', '2026-13-40'],
          job: ['cleanup', 'reconcile', 'expire-reservations', 'daily-report', 'no-such-job'],
        },
      },
      { runs, seed },
    );

    expect(result.requests).toBe(runs);
    expect(Object.keys(result.operations).length).toBeGreaterThan(25);
    expect(result.findings.slice(0, 8)).toEqual([]);
  }, 600_000);
});

test('Ctrl-C stops every process the stack started', async () => {
  const pids = stack.pids();
  expect(pids.pid).toEqual(expect.any(Number));
  expect(pids.dynamodbPid).toEqual(expect.any(Number));
  expect(pids.offlinePid).toEqual(expect.any(Number));

  const result = await stack.stop();

  expect(result.leftovers).toEqual([]);
}, 60_000);
