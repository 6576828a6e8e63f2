import { listProductsRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container';
import { publicCache } from '../../shared/http/caching';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listProductsRoute, async ({ query }) =>
  ok(await catalogService().listActive(query), { 'Cache-Control': publicCache() }),
);
