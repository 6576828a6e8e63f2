/**
 * A typed client for the Cartwheel API: openapi-fetch over the types `npm run client` generates
 * from the API's OpenAPI document (./schema.ts). Every path, parameter, body and answer is typed,
 * problem documents included:
 *
 * ```ts
 * const shop = createCartwheelClient({ baseUrl: 'https://api.shop.example', token: () => session.accessToken });
 * const { data, error } = await shop.POST('/v1/orders', {
 *   params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
 *   body: { items: [{ sku: 'BACKPACK-20L', quantity: 1 }], shippingAddress, paymentToken },
 * });
 * if (error) console.log(error.code); // e.g. OUT_OF_STOCK
 * ```
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

export interface CartwheelClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API's origin, e.g. `https://api.shop.example` or `http://127.0.0.1:3000` (routes are under /v1). */
  baseUrl: string;
  /** The caller's access token, or a function asked for it on every request (a refreshed session). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

export type CartwheelClient = Client<paths>;

export function createCartwheelClient({ token, ...options }: CartwheelClientOptions): CartwheelClient {
  const client = createClient<paths>(options);
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        // A request that names its own Authorization (another caller's token) keeps it.
        if (value && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}
