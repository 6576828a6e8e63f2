import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import swaggerUiCss from 'swagger-ui-dist/swagger-ui.css?text';
import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js?text';
import { DOCS_ASSET_NAMES, DOCS_INITIALIZER } from './docs-page';

/**
 * The API reference's static files, bundled into the one function that serves them (esbuild's
 * `text-assets` plugin): every other function's bundle stays as it was. Each is kept gzipped too,
 * for the clients that take it (Swagger UI's bundle: 1.8 MB, ~0.5 MB gzipped).
 */
export interface DocsAsset {
  contentType: string;
  body: string;
  /** Made on first request: most cold starts of this function serve one file. */
  gzipped(): Buffer;
  /** Strong validators, one per content coding (RFC 9110 §8.8.1). */
  etag: string;
  gzipEtag: string;
}

function asset(contentType: string, body: string): DocsAsset {
  let gzipped: Buffer | undefined;
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return {
    contentType,
    body,
    gzipped: () => {
      gzipped ??= gzipSync(body);
      return gzipped;
    },
    etag: `"${tag}"`,
    gzipEtag: `"${tag}-gz"`,
  };
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';

export const DOCS_ASSETS: ReadonlyMap<string, DocsAsset> = new Map([
  [DOCS_ASSET_NAMES.css, asset('text/css; charset=utf-8', swaggerUiCss)],
  [DOCS_ASSET_NAMES.bundle, asset(JAVASCRIPT, swaggerUiBundle)],
  [DOCS_ASSET_NAMES.initializer, asset(JAVASCRIPT, DOCS_INITIALIZER)],
]);
