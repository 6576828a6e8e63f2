import { DOCS_CONTENT_SECURITY_POLICY, renderDocsPage } from '../../shared/api/docs-page';
import { docsRoute } from '../../shared/api/platform-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { publicCache } from '../../shared/http/caching';

const page = renderDocsPage('Cartwheel API');

/** The API reference (Swagger UI over GET /v1/openapi.json; its files from GET /docs/assets/{file}). */
export const handler = publicHttpRoute(
  docsRoute,
  async () => ({
    statusCode: 200,
    rawBody: page,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': publicCache() },
  }),
  { contentSecurityPolicy: DOCS_CONTENT_SECURITY_POLICY },
);
