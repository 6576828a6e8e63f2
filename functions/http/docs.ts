import { renderDocsPage } from '../../shared/api/docs-page';
import { openApiDocument } from '../../shared/api/openapi-document';
import { docsRoute } from '../../shared/api/platform-routes';
import { config } from '../../shared/config';
import { publicHttpRoute } from '../../shared/container/http';
import { publicCache } from '../../shared/http/caching';

let page: string | undefined;

export const handler = publicHttpRoute(
  docsRoute,
  async () => {
    page ??= renderDocsPage(openApiDocument(config().currency));
    return {
      statusCode: 200,
      rawBody: page,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': publicCache() },
    };
  },
  { contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" },
);
