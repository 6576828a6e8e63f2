import { DOCS_ASSETS } from '../../shared/api/docs-assets';
import { docsAssetRoute } from '../../shared/api/platform-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { NotFoundError } from '../../shared/errors';
import { matchesIfNoneMatch } from '../../shared/http/caching';

/** A year, never revalidated: a file's name changes with its content (shared/api/docs-page.ts). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const handler = publicHttpRoute(docsAssetRoute, async ({ params, header }) => {
  const asset = DOCS_ASSETS.get(params.file);
  if (!asset) throw new NotFoundError('ASSET_NOT_FOUND', `The API reference has no file ${params.file}.`);
  const headers = { ETag: asset.etag, 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' };
  if (matchesIfNoneMatch(header('if-none-match'), asset.etag)) return { statusCode: 304, headers };
  const gzip = /\bgzip\b/i.test(header('accept-encoding') ?? '');
  return {
    statusCode: 200,
    headers: {
      ...headers,
      'Content-Type': asset.contentType,
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    },
    rawBody: gzip ? asset.gzipped().toString('base64') : asset.body,
    ...(gzip && { isBase64Encoded: true }),
  };
});
