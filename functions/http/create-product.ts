import { createProductRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(createProductRoute, async ({ body }) => {
  const { product, etag } = await catalogService().create(body);
  metrics.addMetric('ProductsCreated', 'Count', 1);
  return created(product, `/v1/products/${encodeURIComponent(product.sku)}`, { ETag: etag });
});
