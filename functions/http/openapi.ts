import { openApiDocument } from '../../shared/api/openapi-document';
import { openApiRoute } from '../../shared/api/platform-routes';
import { config } from '../../shared/config';
import { publicHttpRoute } from '../../shared/container/http';
import { publicCache } from '../../shared/http/caching';
import { ok } from '../../shared/http/responses';

export const handler = publicHttpRoute(openApiRoute, async () =>
  ok(openApiDocument(config().currency), { 'Cache-Control': publicCache() }),
);
