import { openApiDocument } from '../../shared/api/openapi-document';
import { openApiRoute } from '../../shared/api/platform-routes';
import { config } from '../../shared/config';
import { httpRoute } from '../../shared/container/http';
import { publicCache } from '../../shared/http/caching';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(openApiRoute, async () =>
  ok(openApiDocument(config().currency), { 'Cache-Control': publicCache() }),
);
