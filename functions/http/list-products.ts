import { listProductsRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { publicHttpRoute } from '../../shared/container/http';
import { publicCache } from '../../shared/http/caching';
import { ok } from '../../shared/http/responses';

export const handler = publicHttpRoute(listProductsRoute, async ({ query }) =>
  ok(await catalogService().listActive(query), { 'Cache-Control': publicCache() }),
);
