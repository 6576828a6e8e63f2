import { config } from '../config';

/** `Cache-Control` for public catalog reads. */
export const publicCache = (): string => `public, max-age=${config().publicCacheMaxAgeSeconds}`;

/** RFC 9110 If-None-Match: weak comparison against any of the listed tags, or `*`. */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
