import { config } from '../config';

/**
 * `Cache-Control` for public catalog reads; `maxAgeCap` keeps a read that promises freshness (search:
 * a change shows within 10 s) from being cached longer than that promise allows.
 */
export const publicCache = (maxAgeCap = Number.POSITIVE_INFINITY): string =>
  `public, max-age=${Math.min(config().publicCacheMaxAgeSeconds, maxAgeCap)}`;

/** RFC 9110 If-None-Match: weak comparison against any of the listed tags, or `*`. */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
