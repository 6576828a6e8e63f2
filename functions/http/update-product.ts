import { updateProductRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(updateProductRoute, async ({ params, body, header }) => {
  const { product, etag } = await catalogService().update(params.sku, body, { ifMatch: header('if-match') });
  return ok(product, { ETag: etag });
});
