import { DOCS_ASSETS } from '../../shared/api/docs-assets';
import { docsAssetRoute } from '../../shared/api/platform-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { NotFoundError } from '../../shared/errors';
import { matchesIfNoneMatch } from '../../shared/http/caching';

/** Whether `Accept-Encoding` takes gzip: named (or `*`) without `q=0`. */
function acceptsGzip(acceptEncoding: string | undefined): boolean {
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [coding = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** A year, never revalidated: a file's name changes with its content (shared/api/docs-page.ts). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const handler = publicHttpRoute(docsAssetRoute, async ({ params, header }) => {
  const asset = DOCS_ASSETS.get(params.file);
  if (!asset) throw new NotFoundError('ASSET_NOT_FOUND', `The API reference has no file ${params.file}.`);
  const gzip = acceptsGzip(header('accept-encoding'));
  const etag = gzip ? asset.gzipEtag : asset.etag;
  const headers = { ETag: etag, 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' };
  if (matchesIfNoneMatch(header('if-none-match'), etag)) return { statusCode: 304, headers };
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
