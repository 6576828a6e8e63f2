/**
 * A crowd at the local stack: many clients sending at the same moment, for the e2e load test and
 * `npm run bench` (bench/benchmarks/local-load.ts). Each answer is read whole and checked for what
 * makes it ours (the headers of shared/http/middlewares/response-headers.ts, problem+json for an
 * error), so a timeout or an error page of the local runtime shows up as such.
 */
import { randomUUID } from 'node:crypto';
import type { LocalStack } from './local-stack';

export interface LoadAnswer {
  status: number;
  /** Request sent → body read, on the client's clock. */
  ms: number;
  contentType: string | null;
  requestId: string | null;
  /** Why the answer is not one of ours, if it is not. */
  notOurs?: string;
  body: string;
}

export interface Burst {
  answers: LoadAnswer[];
  /** First request sent → last answer read. */
  wallMs: number;
}

const SHIPPING_ADDRESS = { name: 'Load', line1: '1 Test Street', city: 'Berlin', postalCode: '10115', country: 'DE' };

/** What every answer of ours carries; a problem document for every error. */
function whyNotOurs(status: number, headers: Headers): string | undefined {
  if (!headers.get('x-request-id')) return 'no X-Request-Id';
  if (headers.get('x-content-type-options') !== 'nosniff') return 'no X-Content-Type-Options';
  if (!headers.get('strict-transport-security')) return 'no Strict-Transport-Security';
  if (status >= 400 && headers.get('content-type') !== 'application/problem+json')
    return 'an error that is not problem+json';
  return undefined;
}

async function send(url: string, init: RequestInit): Promise<LoadAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
    const body = await response.text();
    const notOurs = whyNotOurs(response.status, response.headers);
    return {
      status: response.status,
      ms: performance.now() - started,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-request-id'),
      body,
      ...(notOurs !== undefined && { notOurs }),
    };
  } catch (error) {
    return {
      status: 0,
      ms: performance.now() - started,
      contentType: null,
      requestId: null,
      body: '',
      notOurs: `no answer: ${(error as Error).message}`,
    };
  }
}

/** Sends every request at once (no client-side limit) and waits for all the answers. */
export async function burst(requests: Array<{ url: string; init: RequestInit }>): Promise<Burst> {
  const started = performance.now();
  const answers = await Promise.all(requests.map(({ url, init }) => send(url, init)));
  return { answers, wallMs: performance.now() - started };
}

/** A product of its own with `onHand` units, created and stocked by an admin. */
export async function stockedProduct(stack: LocalStack, onHand: number): Promise<string> {
  const admin = stack.token('load-admin', 'admin');
  const sku = `LOAD-${randomUUID().slice(0, 8).toUpperCase()}`;
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const created = await fetch(`${stack.baseUrl}/v1/products`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ sku, name: `Load ${sku}`, price: 1500, category: 'Home' }),
  });
  const stocked = await fetch(`${stack.baseUrl}/v1/inventory/${sku}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ onHand }),
  });
  if (created.status !== 201 || stocked.status !== 200)
    throw new Error(`could not stock ${sku}: ${created.status}, ${stocked.status}`);
  return sku;
}

/**
 * `customers` checkouts of one unit of `sku` at once, each by its own customer (so neither the
 * per-customer request limit nor the checkout limit is what answers) with its own Idempotency-Key.
 */
export function checkoutCrowd(stack: LocalStack, sku: string, customers: number, tag = randomUUID().slice(0, 8)) {
  return Array.from({ length: customers }, (_, index) => ({
    url: `${stack.baseUrl}/v1/orders`,
    init: {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.token(`load-${tag}-${index}`, 'customer')}`,
        'content-type': 'application/json',
        'idempotency-key': `load-${tag}-${index}`,
      },
      body: JSON.stringify({
        items: [{ sku, quantity: 1 }],
        shippingAddress: SHIPPING_ADDRESS,
        paymentToken: 'tok_visa',
      }),
    } satisfies RequestInit,
  }));
}

/**
 * `readers` product reads at once, each by its own signed-in customer: the request limit counts a
 * signed-in reader by account, an anonymous one by address, and every client here has 127.0.0.1
 * (200 anonymous reads at once from one address are rightly mostly 429).
 */
export function catalogCrowd(
  stack: LocalStack,
  skus: readonly string[],
  readers: number,
  tag = randomUUID().slice(0, 8),
) {
  return Array.from({ length: readers }, (_, index) => ({
    url: `${stack.baseUrl}/v1/products/${skus[index % skus.length]}`,
    init: {
      headers: { authorization: `Bearer ${stack.token(`reader-${tag}-${index}`, 'customer')}` },
    } satisfies RequestInit,
  }));
}

/** Answers by status, e.g. `{ 201: 40, 409: 60 }`. */
export function countByStatus(answers: readonly LoadAnswer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
