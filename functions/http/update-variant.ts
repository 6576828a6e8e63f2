import { updateVariantRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(updateVariantRoute, async ({ params, body }) => {
  const { product, etag } = await catalogService().updateVariant(params.sku, params.variantSku, body);
  return ok(product, { ETag: etag });
});
