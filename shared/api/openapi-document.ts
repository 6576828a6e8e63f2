import { EVENT_SCHEMAS } from './event-schemas';
import { buildOpenApiDocument } from './openapi';
import { routes } from './routes';

export const API_VERSION = '1.0.0';

/** The API's OpenAPI document (built once per cold start). */
let cached: Record<string, unknown> | undefined;
export function openApiDocument(currency: string): Record<string, unknown> {
  cached ??= buildOpenApiDocument(
    routes,
    {
      title: 'Cartwheel',
      version: API_VERSION,
      description:
        'Serverless commerce backend: catalog, stock, carts, checkout, payments and fulfilment. Errors are RFC 9457 problem documents; money is in minor units of the store currency.',
      currency,
    },
    EVENT_SCHEMAS.map((schema) => ({ type: schema.shape.type.def.values[0] as string, schema })),
  );
  return cached;
}
