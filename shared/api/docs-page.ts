import { createHash } from 'node:crypto';
import { version as SWAGGER_UI_VERSION } from 'swagger-ui-dist/package.json';

/**
 * The API reference page: Swagger UI, self-hosted (its files served by `GET /docs/assets/{file}`,
 * functions/http/docs-assets.ts; no CDN, so it works offline), reading the API's own OpenAPI
 * document from the same origin, with "Try it out" against that origin. The page and the
 * initialiser are ours; the asset names carry Swagger UI's version or the initialiser's hash, so
 * they are cached for a year and a new release is a new name.
 */

/** Swagger UI's start: the document beside the page, every operation listed, "Try it out" on. */
export const DOCS_INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    tryItOutEnabled: true,
    displayRequestDuration: true,
    validatorUrl: null,
  });
});
`;

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The file names under /docs/assets/. */
export const DOCS_ASSET_NAMES = {
  css: `swagger-ui-${SWAGGER_UI_VERSION}.css`,
  bundle: `swagger-ui-bundle-${SWAGGER_UI_VERSION}.js`,
  initializer: `docs-${hashOf(DOCS_INITIALIZER)}.js`,
} as const;

/** What the page may load: its own origin's scripts and styles (Swagger UI sets inline styles). */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The page. Its URLs are from the root (`/docs/assets/…`, `/v1/openapi.json`), as the document's
 * `servers` is: they hold whether it is asked as `/docs` or `/docs/` (serverless-offline strips the
 * slash and serves the page at either).
 */
export function renderDocsPage(title: string): string {
  const asset = (name: string) => `/docs/assets/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset(DOCS_ASSET_NAMES.css)}">
</head>
<body>
<div id="swagger-ui"></div>
<noscript><p>The API reference needs JavaScript. The OpenAPI document is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></noscript>
<script src="${asset(DOCS_ASSET_NAMES.bundle)}"></script>
<script src="${asset(DOCS_ASSET_NAMES.initializer)}"></script>
</body>
</html>
`;
}
