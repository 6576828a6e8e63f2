import { addVariantRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { created } from '../../shared/http/responses';

export const handler = httpRoute(addVariantRoute, async ({ params, body }) => {
  const { product, etag } = await catalogService().addVariant(params.sku, body);
  return created(product, `/v1/products/${encodeURIComponent(body.sku)}`, { ETag: etag });
});
