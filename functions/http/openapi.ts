import { openApiDocument } from '../../shared/api/openapi-document';
import { openApiRoute } from '../../shared/api/platform-routes';
import { config } from '../../shared/config';
import { publicCache } from '../../shared/http/caching';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(openApiRoute, async () =>
  ok(openApiDocument(config().currency), { 'Cache-Control': publicCache() }),
);
