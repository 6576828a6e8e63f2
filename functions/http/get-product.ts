import { getProductRoute } from '../../shared/api/catalog-routes';
import { catalogService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { matchesIfNoneMatch, publicCache } from '../../shared/http/caching';
import { notModified, ok } from '../../shared/http/responses';

export const handler = httpRoute(getProductRoute, async ({ params, header, principal }) => {
  // An admin sees inactive products too, read consistently; that view is theirs alone, never cached.
  const admin = principal?.isAdmin === true;
  const { product, etag } = await catalogService().get(params.sku, { admin });
  const headers = { ETag: etag, 'Cache-Control': admin ? 'private, no-store' : publicCache() };
  return matchesIfNoneMatch(header('if-none-match'), etag) ? notModified(headers) : ok(product, headers);
});
